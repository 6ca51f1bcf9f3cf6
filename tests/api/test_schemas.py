"""Every JSON body rounds power to 0.1 W and energy to 0.001 Wh."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.conftest import Site
from wattboard.api.schemas import FlowsOut, PeakOut

ENERGY_KEYS = {"grid_import", "grid_export", "solar", "consumption", "self_consumption"}


def test_schemas_peak_of_summed_floats_is_rounded() -> None:
    peak = PeakOut(grid_w=369.59999999999997, solar_w=0.04, home_w=1234.56)
    assert peak.model_dump_json() == '{"grid_w":369.6,"solar_w":0.0,"home_w":1234.6}'
    flows = FlowsOut(
        grid_import=19947.5024999,
        grid_export=0.30000000000000004,
        solar=2717.8728,
        consumption=1.0005,
        self_consumption=0.0,
        self_sufficiency=0.0842,
        self_consumption_ratio=None,
        coverage=1.0,
    )
    dumped = flows.model_dump()
    assert [dumped[k] for k in ("grid_import", "grid_export", "solar")] == [
        19947.502,
        0.3,
        2717.873,
    ]


def _numbers(value: Any, key: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _numbers(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key)
    elif isinstance(value, float):
        yield key, value


async def test_schemas_every_body_rounds_power_and_energy(site: Site) -> None:
    await asyncio.sleep(0.5)  # a few live polls, so max_1m holds sums of floats
    last = site.sim.meters["grid"].device.memory.last_ts
    assert last is not None
    day = datetime.fromtimestamp(last - 86400, ZoneInfo("Europe/Helsinki")).date().isoformat()
    paths = [
        "/power/now",
        f"/power/day/{day}?resolution=1m",
        f"/energy/day/{day}",
        f"/energy?start={last // 3600 * 3600 - 7200}&end={last // 3600 * 3600}&bucket=15m",
        "/energy/years",
    ]
    checked = {"power": 0, "energy": 0}
    for path in paths:
        response = await site.client.get(path)
        assert response.status_code == 200, path
        for key, number in _numbers(response.json()):
            if key == "w" or key.endswith("_w"):
                assert round(number, 1) == number, (path, key, number)
                checked["power"] += 1
            elif key in ENERGY_KEYS:
                assert round(number, 3) == number, (path, key, number)
                checked["energy"] += 1
    assert checked["power"] > 1000
    assert checked["energy"] > 100
