"""Energy bodies: every view matches the response models exactly, and the recorded bodies.

The routes write their JSON themselves (see routes/energy.py), so nothing on the way checks
them against `EnergyOut` any more: these tests do, for every view, netting and money case.
`data/energy_bodies.jsonl` holds bodies recorded while FastAPI still built them from the
models; the bodies now must say the same (same fields, numbers and rounding).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_money import (
    DAYS,
    HELSINKI,
    TARIFF,
    Api,
    _day_start,
    _get,
    _open,
    _prices,
    _records,
)
from wattboard.api.schemas import EnergyOut
from wattboard.energy.periods import local_midnight

RECORDED = Path(__file__).parent / "data" / "energy_bodies.jsonl"
VIEWS = (
    "/energy/day/2025-10-26",  # 25 hours
    "/energy/day/2025-11-01",
    "/energy/day/2025-11-04",  # no records
    "/energy/week/2025-W44",
    "/energy/month/2025-10",
    "/energy/month/2025-11",
    "/energy/year/2025",
    "/energy/years",
    "/energy?start=2025-10-25&end=2025-11-03&bucket=day",
    "/energy?start=2025-10-26&end=2025-10-27&bucket=hour",
    "/energy?start=2025-11-01&end=2025-11-02&bucket=15m",
    "/energy?start=2025-01-01&end=2026-01-01&bucket=month",
)
FLOWS = ("grid_import", "grid_export", "solar", "consumption", "self_consumption")
SHORT = (*VIEWS[:4], "/energy/years", "/energy?start=2025-10-26&end=2025-10-27&bucket=hour")
# name: (netting, with a tariff, with records, views)
Case = tuple[str, bool, bool, tuple[str, ...]]
CASES: dict[str, Case] = {
    "minute": ("minute", False, True, VIEWS),
    "15min-money": ("15min", True, True, VIEWS),
    "hour-money": ("hour", True, True, SHORT),
    "empty-money": ("minute", True, False, SHORT),
}


async def collect(tmp_path: Path, case: Case) -> dict[str, Any]:
    """Return the body of every view in `case`, by path."""
    netting, tariff, filled, views = case
    api = await _open(tmp_path, netting, [TARIFF] if tariff else [])
    try:
        if filled:
            start, end = _day_start(0), _day_start(DAYS)
            await api.store.put_prices(_prices(start, end))
            await api.store.upsert(_records(start, end))
        bodies = {}
        for path in views:
            response = await api.client.get(path)
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/json"
            bodies[path] = response.json()
        return bodies
    finally:
        await api.client.aclose()
        await api.store.close()


def _recorded() -> dict[str, dict[str, Any]]:
    bodies: dict[str, dict[str, Any]] = {}
    for line in RECORDED.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        bodies.setdefault(item["case"], {})[item["path"]] = item["body"]
    return bodies


def _assert_is_the_model(body: dict[str, Any], where: str) -> None:
    """The body is exactly what `EnergyOut` would send: same fields, order, types, rounding."""
    dumped = EnergyOut.model_validate(body).model_dump(mode="json")
    assert body == dumped, where
    assert list(body) == list(dumped), where
    for name, bucket in [("totals", body["totals"]), *(("bucket", b) for b in body["buckets"])]:
        model = dumped["totals"] if name == "totals" else dumped["buckets"][0]
        assert list(bucket) == list(model), f"{where} {name}"
        money = bucket["money"]
        if money is not None:
            assert list(money) == list(model["money"]), f"{where} {name} money"


@pytest.mark.parametrize("name", list(CASES))
async def test_energy_bodies_match_the_models_and_the_recorded_bodies(
    tmp_path: Path, name: str
) -> None:
    bodies = await collect(tmp_path, CASES[name])
    recorded = _recorded()[name]
    assert list(bodies) == list(recorded)
    for path, body in bodies.items():
        _assert_is_the_model(body, f"{name} {path}")
        assert body == recorded[path], f"{name} {path}"


async def _years_agree_with_the_days(api: Api) -> dict[str, Any]:
    """/energy/years equals the sum of its days read as rows (never from kept sums)."""
    years = await _get(api, "/energy/years")
    first, last = years["buckets"][0]["key"], years["buckets"][-1]["key"]
    days = await _get(api, f"/energy?start={first}-01-01&end={int(last) + 1}-01-01&bucket=day")
    for name in FLOWS:
        assert years["totals"][name] == pytest.approx(days["totals"][name], abs=0.01), name
    return years


async def test_energy_years_follow_every_write(tmp_path: Path) -> None:
    # The years' sums are read beside the span, for the years the last answer had: after a
    # write, a deletion or a rebuild the answer must still be today's data.
    api = await _open(tmp_path, "minute", [])
    try:
        start, end = _day_start(0), _day_start(DAYS)
        await api.store.upsert(_records(start, end))
        before = await _years_agree_with_the_days(api)
        assert [b["key"] for b in before["buckets"]] == ["2025"]
        # Minutes that were missing, inside the same year: the same years, more energy.
        await api.store.upsert(_records(start + 60, start + 86400))
        more = await _years_agree_with_the_days(api)
        assert [b["key"] for b in more["buckets"]] == ["2025"]
        assert more["totals"]["grid_import"] > before["totals"]["grid_import"]
        # An older year arrives (a backfill), then goes again.
        older = local_midnight(date(2023, 6, 1), HELSINKI)
        await api.store.upsert(_records(older, older + 3600))
        backfilled = await _years_agree_with_the_days(api)
        assert [b["key"] for b in backfilled["buckets"]] == ["2023", "2024", "2025"]
        assert backfilled["buckets"][0]["grid_import"] > 0
        await api.store.delete("grid", older, older + 3600)
        await api.store.delete("solar", older, older + 3600)
        assert (await _years_agree_with_the_days(api))["totals"] == more["totals"]
        await api.store.rebuild()
        assert (await _years_agree_with_the_days(api))["totals"] == more["totals"]
    finally:
        await api.client.aclose()
        await api.store.close()
