"""The doctor's wiring rules on a day of stored minutes: solar clamps by day, grid by night."""

from __future__ import annotations

from pathlib import Path

import pytest

from wattboard.alerts.clamps import clamp_suspects, powers
from wattboard.alerts.rules import ClampSuspect
from wattboard.alerts.service import AlertService
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.energy.records import MinuteRecord

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
ROLES = {"grid": "grid", "solar": "solar"}
Watts = tuple[float, float, float]


def record(meter: str, ts: int, watts: Watts) -> MinuteRecord:
    """A minute at constant power per phase (+ import, − export)."""
    energies = [(max(w, 0.0) / 60.0, max(-w, 0.0) / 60.0) for w in watts]
    return MinuteRecord(
        meter, ts,
        *energies[0], 0, 0, 230, 0, *energies[1], 0, 0, 230, 0, *energies[2], 0, 0, 230, 0,
    )  # fmt: skip


def day_of_minutes(
    *, night_grid: Watts, day_grid: Watts, day_solar: Watts, minutes: int = 1440
) -> dict[str, list[MinuteRecord]]:
    """Night for the first half of `minutes`, production for the second (solar standby 2 W)."""
    grid, solar = [], []
    for i in range(minutes):
        ts = T0 + 60 * i
        night = i < minutes // 2
        grid.append(record("grid", ts, night_grid if night else day_grid))
        solar.append(record("solar", ts, (2.0, 2.0, 2.0) if night else day_solar))
    return {"grid": grid, "solar": solar}


WELL = {"night_grid": (300.0, 250.0, 200.0), "day_grid": (-600.0, -650.0, -700.0)}


def test_powers_of_a_minute_are_its_energy_times_60() -> None:
    assert powers(record("grid", T0, (300.0, -1200.0, 0.0))) == pytest.approx((300, -1200, 0))


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (day_of_minutes(**WELL, day_solar=(-1000.0, -1000.0, -1000.0)), ()),
        (
            day_of_minutes(**WELL, day_solar=(-1000.0, 1000.0, -1000.0)),
            (("solar", "b"),),
        ),
        (
            day_of_minutes(
                night_grid=(-300.0, 250.0, 200.0),
                day_grid=(600.0, -650.0, -700.0),
                day_solar=(-1000.0, -1000.0, -1000.0),
            ),
            (("grid", "a"),),
        ),
        # 40 minutes: 20 by night and 20 by day, too few to judge either
        (day_of_minutes(**WELL, day_solar=(-1000.0, 1000.0, -1000.0), minutes=40), None),
        # 80 minutes: the night half (40) is judged, the day half too
        (day_of_minutes(**WELL, day_solar=(-1000.0, 1000.0, -1000.0), minutes=80),
         (("solar", "b"),)),
    ],
)  # fmt: skip
def test_clamp_suspects_table(
    minutes: dict[str, list[MinuteRecord]], expected: tuple[tuple[str, str], ...] | None
) -> None:
    found = clamp_suspects(ROLES, minutes)
    assert (None if found is None else tuple((s.meter, s.phase) for s in found)) == expected


def test_clamp_suspects_say_why() -> None:
    found = clamp_suspects(ROLES, day_of_minutes(**WELL, day_solar=(-1000.0, 1000.0, -1000.0)))
    assert found == (
        ClampSuspect(
            "solar",
            "b",
            "phase b imports 1000 W while phases a 1000 W and c 1000 W export; an inverter "
            "feeds every phase the same way",
        ),
    )


async def test_alert_service_checks_stored_minutes_for_reversed_clamps(tmp_path: Path) -> None:
    settings = Settings(
        site={"id": "home", "timezone": "Europe/Helsinki"},
        store={"path": tmp_path / "w.db"},
        meters=[
            {"id": "grid", "role": "grid", "url": "http://127.0.0.1:9"},
            {"id": "solar", "role": "solar", "url": "http://127.0.0.1:9"},
        ],
        alerts={"meter_offline_minutes": 0, "disk_free_mb": 0},
    )
    minutes = day_of_minutes(**WELL, day_solar=(-1000.0, 1000.0, -1000.0))
    store = open_store(settings)
    await store.open()
    await store.upsert([*minutes["grid"], *minutes["solar"]])
    collector = Collector(settings, store)
    now = T0 + 1440 * 60.0
    alerts = AlertService(settings, collector, store, channels=[], clock=lambda: now)
    try:
        (message,) = await alerts.check()
    finally:
        await collector.aclose()
        await store.close()
    assert (message.kind, message.rule, message.subject) == ("start", "reversed_clamp", "solar")
    assert message.heading == "[home] Meter solar: clamp reversed?"
    assert message.body.startswith(
        "The minutes stored over the last day suggest a reversed clamp on meter solar, phase b: "
        "phase b imports 1000 W"
    )
