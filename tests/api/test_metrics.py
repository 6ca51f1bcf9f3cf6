"""Prometheus exposition: the collector's counts are counters, read at scrape time."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import site_settings
from tests.store.test_sqlite import T0, rec
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.live import MeterCounts, NoLiveData
from wattboard.api.metrics import Metrics
from wattboard.api.server import bind, bound_url, serve
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.collector.service import open_store
from wattboard.collector.view import HomeView
from wattboard.counters import EnergyCounters
from wattboard.runtime import home_context


@dataclass
class Counts:
    polls: int
    poll_failures: int
    records_ingested: int


class Counting(NoLiveData):
    """A view whose collector counted `counts` so far."""

    def __init__(self, counts: dict[str, Counts]) -> None:
        super().__init__()
        self.counts = counts

    def stats(self) -> Mapping[str, MeterCounts]:
        return self.counts


def test_metrics_collector_counts_are_counters_read_at_scrape_time() -> None:
    stats = {"grid": Counts(120, 3, 1440)}
    ctx = ApiContext("home", None, view=Counting(stats))  # type: ignore[arg-type]
    metrics = Metrics()
    metrics.refresh(ctx, {}, 0.0)
    first = generate_latest(metrics.registry).decode()
    stats["grid"] = Counts(121, 3, 1441)
    metrics.refresh(ctx, {}, 0.0)
    second = generate_latest(metrics.registry).decode()
    assert "# TYPE wattboard_polls_total counter" in first
    assert "# TYPE wattboard_poll_failures_total counter" in first
    assert "# TYPE wattboard_records_ingested_total counter" in first
    assert 'wattboard_polls_total{meter="grid"} 120.0' in first
    assert 'wattboard_poll_failures_total{meter="grid"} 3.0' in first
    assert 'wattboard_polls_total{meter="grid"} 121.0' in second
    assert 'wattboard_records_ingested_total{meter="grid"} 1441.0' in second


def _families(text: str) -> dict[str, Any]:
    return {f.name: f for f in text_string_to_metric_families(text)}


async def test_metrics_site_figures_through_a_real_server(tmp_path: Path) -> None:
    settings = site_settings(None, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    # 10 minutes importing 2 Wh a minute on phase a; the solar meter exports 1 Wh a minute.
    await store.upsert([rec("grid", T0 + 60 * i, a=(2.0, 0.0)) for i in range(10)])
    await store.upsert([rec("solar", T0 + 60 * i, a=(0.0, 1.0)) for i in range(10)])
    counters = EnergyCounters(store)
    await counters.refresh()
    live = LiveState()
    live.meters["grid"] = MeterLive("grid", 1.0)
    live.meters["solar"] = MeterLive("solar", 1.0)
    phases = {"a": PhaseReading(500.0, 230.0, 2.2), "b": PhaseReading(-20.0, 231.0, 0.1)}
    live.update("grid", MeterReading(T0, {**phases, "c": PhaseReading(0.0, 229.0, 0.0)}))
    solar = {p: PhaseReading(-400.0, 230.0, 1.7) for p in ("a", "b", "c")}
    live.update("solar", MeterReading(T0, solar))
    ctx = home_context(settings, store, None, None, counters)
    ctx.view = HomeView(store, live=live, counters=counters)
    sock = bind("127.0.0.1", 0)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(create_app(ctx), sock, stop))
    try:
        async with httpx.AsyncClient(base_url=bound_url(sock), timeout=10) as client:
            first = _families((await client.get("/api/v1/metrics")).text)
            # A correction lowers stored energy: the counter holds, it never goes down.
            await store.delete("grid", T0, T0 + 300)
            await counters.refresh()
            second = _families((await client.get("/api/v1/metrics")).text)
    finally:
        stop.set()
        await task
        sock.close()
        await store.close()
    power, site, energy = (
        first["wattboard_power_watts"],
        first["wattboard_site_power_watts"],
        first["wattboard_energy_wh"],
    )
    assert (power.type, site.type, energy.type) == ("gauge", "gauge", "counter")
    watts = {(s.labels["meter"], s.labels["phase"]): s.value for s in power.samples}
    assert watts[("grid", "a")] == 500.0
    assert watts[("grid", "b")] == -20.0
    assert watts[("solar", "c")] == -400.0
    flows = {s.labels["flow"]: s.value for s in site.samples}
    assert flows == {"grid": 480.0, "solar": 1200.0, "home": 1680.0}
    totals = {s.labels["flow"]: s.value for s in energy.samples if s.name.endswith("_total")}
    assert totals["grid_import"] == pytest.approx(20.0)
    assert totals["solar"] == pytest.approx(10.0)
    assert totals["consumption"] == pytest.approx(30.0)
    assert totals["self_consumption"] == pytest.approx(10.0)
    later = {
        s.labels["flow"]: s.value
        for s in second["wattboard_energy_wh"].samples
        if s.name.endswith("_total")
    }
    assert later == totals
    # The operational series are still there.
    assert "wattboard_request_duration_seconds" in first
