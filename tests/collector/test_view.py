"""The home's live view: what the API reads of the collector, the replicator and the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.collector.conftest import settings_for
from wattboard.api.live import LiveView
from wattboard.collector.service import Collector, open_store
from wattboard.collector.view import HomeView
from wattboard.energy.plausible import REASON
from wattboard.simulator import EmulatorOptions, start_emulators


@dataclass
class Replicating:
    lag: float | None
    failing: float | None

    def lag_seconds(self) -> float | None:
        return self.lag

    def failing_seconds(self) -> float | None:
        return self.failing


async def test_view_reads_the_collector_replicator_and_store(tmp_path: Path) -> None:
    async with start_emulators(EmulatorOptions(port=0, history_days=0.01, seed=5)) as sim:
        settings = settings_for(sim, tmp_path / "w.db")
        store = open_store(settings)
        await store.open()
        collector = Collector(settings, store)
        try:
            await collector.start()  # asks each meter what it is
            await collector.ingest_once()
            await store.record_gap("solar", 1_700_000_040, 1_700_000_100, REASON)
            view: LiveView = HomeView(store, collector, Replicating(12.5, 90.0))
            facts = view.facts()
            stats = view.stats()
            implausible = await view.implausible()
            power = view.power()
        finally:
            await collector.aclose()
            await store.close()
    assert power is collector.live
    assert sorted(power.meters) == ["grid", "solar"]
    assert {m: (f.model, f.profile) for m, f in facts.items()} == {
        "grid": ("SPEM-003CEBEU", "triphase"),
        "solar": ("SPEM-003CEBEU", "triphase"),
    }
    assert {m: s.records_ingested for m, s in stats.items()} == collector.ingested
    assert all(s.records_ingested > 0 for s in stats.values())
    assert view.backfilling() == set()
    assert (view.replication_lag(), view.replication_failing()) == (12.5, 90.0)
    assert view.store_problem() is None
    assert list(implausible) == [("solar", 1_700_000_040, 1_700_000_100, REASON)]


async def test_view_without_collector_has_no_live_power_but_the_store_gaps(
    tmp_path: Path,
) -> None:
    async with start_emulators(EmulatorOptions(port=0, history_days=0.01, seed=5)) as sim:
        settings = settings_for(sim, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    try:
        await store.record_gap("grid", 1_700_000_040, 1_700_000_100, REASON)
        view: LiveView = HomeView(store)  # `wattboard serve` at home: no collector
        implausible = await view.implausible()
    finally:
        await store.close()
    assert view.power() is None
    assert (view.facts(), view.stats(), view.backfilling()) == ({}, {}, frozenset())
    assert (view.replication_lag(), view.replication_failing(), view.store_problem()) == (
        None,
        None,
        None,
    )
    assert list(implausible) == [("grid", 1_700_000_040, 1_700_000_100, REASON)]
