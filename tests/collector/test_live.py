"""Live power from emulated meters: site flows, clamp inversion, staleness."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.collector.conftest import settings_for
from wattboard.collector.live import (
    LiveState,
    MeterLive,
    MeterReading,
    PhaseReading,
    reading_from_status,
)
from wattboard.collector.service import Collector, open_store
from wattboard.shelly.models import EmStatus
from wattboard.simulator import Emulators


def _status(a: float, b: float, c: float) -> EmStatus:
    status = {"id": 0, "n_current": None, "total_current": 0.0, "total_aprt_power": 0.0}
    for phase, power in zip("abc", (a, b, c), strict=True):
        status |= {f"{phase}_act_power": power, f"{phase}_voltage": 230.0, f"{phase}_current": 1.0}
        status |= {f"{phase}_aprt_power": abs(power), f"{phase}_pf": 1.0, f"{phase}_freq": 50.0}
    status["total_act_power"] = a + b + c
    return status  # type: ignore[return-value]


def test_reading_from_status_negates_inverted_phases() -> None:
    reading = reading_from_status(_status(100.0, -40.0, 10.0), ("b",), 0.0)
    assert [reading.phases[p].w for p in "abc"] == [100.0, 40.0, 10.0]
    assert reading.total_w == 150.0  # 100 + 40 + 10


@pytest.mark.parametrize(
    ("grid", "solar", "expected"),
    [
        (
            1200.0,
            -3000.0,
            (1200.0, 3000.0, 4200.0),
        ),  # importing while producing: home = 1200 + 3000
        (-1800.0, -3000.0, (-1800.0, 3000.0, 1200.0)),  # exporting 1800 of 3000 produced
        (400.0, 6.0, (400.0, 0.0, 400.0)),  # night: the inverter's 6 W draw is not production
    ],
)
def test_live_state_flow(grid: float, solar: float, expected: tuple[float, float, float]) -> None:
    state = LiveState()
    state.meters["grid"] = MeterLive("grid", 1.0)
    state.meters["solar"] = MeterLive("solar", 1.0)
    state.update("grid", MeterReading(10.0, {"a": PhaseReading(grid, 230.0, 1.0)}))
    state.update("solar", MeterReading(10.0, {"a": PhaseReading(solar, 230.0, 1.0)}))
    flow = state.flow()
    assert (flow.grid_w, flow.solar_w, flow.home_w) == expected


def test_live_state_max_of_last_minute() -> None:
    state = LiveState()
    state.meters["grid"] = MeterLive("grid", 1.0)
    peaks = []
    for ts, watts in ((0.0, 500.0), (30.0, 2500.0), (70.0, 800.0), (95.0, 900.0)):
        state.update("grid", MeterReading(ts, {"a": PhaseReading(watts, 230.0, 1.0)}))
        peak = state.max_1m()
        assert peak is not None
        peaks.append(peak.grid_w)
    # At t=70 the 2500 W of t=30 is 40 s old and counts; at t=95 it is 65 s old and gone.
    assert peaks == [500.0, 2500.0, 2500.0, 900.0]


async def test_live_polls_emulated_meters_and_goes_stale(
    emulators: Emulators, tmp_path: Path
) -> None:
    settings = settings_for(emulators, tmp_path / "w.db", grid={"invert_phases": ["a"]})
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store, ingest_interval=3600)
    stop = asyncio.Event()
    task = asyncio.create_task(collector.run(stop))
    try:
        await asyncio.sleep(0.7)  # a few polls at 0.2 s
        live = collector.live
        assert not live.stale
        grid = live.meters["grid"].reading
        assert grid is not None
        device = emulators.meters["grid"].device
        raw = device.samples(int(grid.ts), 1).act_w[0]
        assert grid.phases["a"].w == pytest.approx(-raw[0], abs=0.06)  # inverted in software
        assert grid.phases["b"].w == pytest.approx(raw[1], abs=0.06)
        solar = live.meters["solar"].reading
        assert solar is not None
        flow = live.flow()
        # The inversion makes the night's grid power negative: home is clamped at 0.
        assert flow.home_w == pytest.approx(max(0.0, flow.grid_w + flow.solar_w))
        assert flow.deficit_w == pytest.approx(max(0.0, -(flow.grid_w + flow.solar_w)))
        await emulators.meters["grid"].server.go_offline(2.0)
        await asyncio.sleep(1.2)  # more than three missed polls of 0.2 s
        assert live.meters["grid"].stale
        assert live.stale
        assert not live.meters["solar"].stale
    finally:
        stop.set()
        await task
        await store.close()


def test_live_state_home_is_never_negative_and_the_deficit_is_kept() -> None:
    state = LiveState()
    state.meters["grid"] = MeterLive("grid", 1.0)
    state.meters["solar"] = MeterLive("solar", 1.0)
    # A solar reading from before a cloud next to a fresh export: grid + solar = −37.4 W.
    state.update("solar", MeterReading(10.0, {"a": PhaseReading(-1462.6, 230.0, 6.4)}))
    state.update("grid", MeterReading(14.0, {"a": PhaseReading(-1500.0, 230.0, 6.5)}))
    flow = state.flow()
    assert (flow.grid_w, flow.solar_w, flow.home_w) == (-1500.0, 1462.6, 0.0)
    assert flow.deficit_w == pytest.approx(37.4)
    assert state.oldest_reading() == 10.0
    assert [f.home_w for f in state.history] == [1462.6, 0.0]  # solar alone, then both


def test_live_state_subscribe_calls_on_updates_and_close_until_unsubscribed() -> None:
    state = LiveState()
    state.meters["grid"] = MeterLive("grid", 1.0)
    calls: list[str] = []
    unsubscribe = state.subscribe(lambda: calls.append("a"))
    state.subscribe(lambda: calls.append("b"))
    state.update("grid", MeterReading(10.0, {"a": PhaseReading(100.0, 230.0, 0.4)}))
    unsubscribe()
    state.close()
    assert calls == ["a", "b", "b"]
    assert state.closed
