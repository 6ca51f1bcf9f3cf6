"""Minute ingestion against emulated meters: exact energy, gap repair, faults."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from tests.collector.conftest import settings_for
from wattboard.collector.service import Collector, open_store
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators
from wattboard.store.asyncstore import AsyncStore


@pytest.fixture
async def three_days() -> AsyncIterator[Emulators]:
    async with start_emulators(EmulatorOptions(port=0, history_days=3, seed=11)) as sim:
        yield sim


async def _collector(sim: Emulators, tmp_path: Path) -> tuple[Collector, AsyncStore]:
    settings = settings_for(sim, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store)
    await collector.start()
    return collector, store


async def _stored_energy(store: AsyncStore, meter: str) -> np.ndarray:
    records = await store.readings(meter, 0, 2**40, limit=10**7)
    return np.array(
        [
            [
                r.a_import_wh,
                r.a_export_wh,
                r.b_import_wh,
                r.b_export_wh,
                r.c_import_wh,
                r.c_export_wh,
            ]
            for r in records
        ]
    ).sum(axis=0)


async def test_ingest_three_days_matches_meter_counters(
    three_days: Emulators, tmp_path: Path
) -> None:
    collector, store = await _collector(three_days, tmp_path)
    try:
        for _ in range(5):  # retry if a new minute was saved while we compared
            before = {role: m.device.memory.last_ts for role, m in three_days.meters.items()}
            await collector.ingest_once()
            counters = {role: m.device.counters.copy() for role, m in three_days.meters.items()}
            if before == {role: m.device.memory.last_ts for role, m in three_days.meters.items()}:
                break
        for role, meter in three_days.meters.items():
            stored = await _stored_energy(store, role)
            # Σ of every stored minute equals the meter's own counters, phase by phase, to 0.01 Wh.
            assert stored == pytest.approx(counters[role], abs=0.01)
            assert await store.count(role) == len(meter.device.memory)
        assert len(meter.device.memory) >= 3 * 1440  # three days of minutes
    finally:
        await collector.aclose()
        await store.close()


async def test_ingest_twice_changes_nothing(three_days: Emulators, tmp_path: Path) -> None:
    collector, store = await _collector(three_days, tmp_path)
    try:
        await collector.ingest_once()
        newest = {r: await store.watermark(r) for r in three_days.meters}
        quarters = await store.quarter_sums(0, 2**40)
        for ingest in collector._ingest:
            ingest.watermark = None  # forget the watermarks: fetch all three days again
        await collector.ingest_once()
        for role, ts in newest.items():
            assert ts is not None
            count = await store.count(role)
            first = three_days.meters[role].device.memory.first_ts
            assert first is not None
            # Every minute once: the count is the span in minutes, not twice the records.
            assert count == (await store.watermark(role) - first) // 60 + 1
        again = await store.quarter_sums(0, 2**40)
        settled = [q for q in quarters if q < max(quarters)]  # the last quarter may have grown
        assert [again[q] for q in settled] == [quarters[q] for q in settled]
    finally:
        await collector.aclose()
        await store.close()


async def test_ingest_repairs_two_hours_offline(tmp_path: Path) -> None:
    options = EmulatorOptions(port=0, history_days=0.1, seed=12)
    async with start_emulators(options) as sim:
        collector, store = await _collector(sim, tmp_path)
        try:
            await collector.ingest_once()
            before = await store.watermark("grid")
            for meter in sim.meters.values():
                await meter.server.go_offline(3.0)  # longer than the client's retries (≈1.75 s)
            await asyncio.sleep(0.2)
            assert await collector.ingest_once() == 0  # unreachable: nothing stored, no crash
            assert collector._episodes["grid"].failing
            for meter in sim.meters.values():
                meter.device.clock_offset += 7200  # two hours pass while the network is down
                meter.device.advance()
            back = max(m.device.faults.offline_until for m in sim.meters.values())
            await asyncio.sleep(back - time.monotonic() + 0.3)
            written = await collector.ingest_once()
            assert not collector._episodes["grid"].failing
            after = await store.watermark("grid")
            assert before is not None
            assert after is not None
            assert after - before >= 7200  # at least 120 more minutes
            assert written >= 2 * 120
            records = await store.readings("grid", 0, 2**40, limit=10**6)
            steps = {b.ts - a.ts for a, b in itertools.pairwise(records)}
            assert steps == {60}  # not a minute missing
            assert await store.gaps("grid") == []
        finally:
            await collector.aclose()
            await store.close()


async def test_ingest_survives_reboot_counter_reset_and_clock_jump(tmp_path: Path) -> None:
    options = EmulatorOptions(port=0, meters=("grid",), history_days=0.1, seed=13)
    async with start_emulators(options) as sim:
        grid = sim.meters["grid"]
        collector, store = await _collector(sim, tmp_path)
        try:
            await collector.ingest_once()
            grid.device.reset_counters()
            grid.device.power_cycle(0.2)
            await grid.server.go_offline(0.2)
            await asyncio.sleep(0.4)
            grid.device.clock_offset += 180
            grid.device.advance()
            grid.device.jump_clock(3600)
            grid.device.clock_offset += 120
            grid.device.advance()
            await collector.ingest_once()
            records = await store.readings("grid", 0, 2**40, limit=10**6)
            # No bogus spike: no minute holds more energy than 60 kW could bring in a minute.
            assert max(r.import_wh for r in records) < 1000.0
            assert [r.ts for r in records] == sorted({r.ts for r in records})  # no duplicate
            reasons = {reason for _, _, reason in await store.gaps("grid")}
            assert reasons == {"not recorded by the meter"}  # the reboot and the jump
        finally:
            await collector.aclose()
            await store.close()


async def test_ingest_records_minutes_older_than_the_meter_keeps(tmp_path: Path) -> None:
    options = EmulatorOptions(port=0, meters=("grid",), history_days=0.1, seed=14)
    async with start_emulators(options) as sim:
        collector, store = await _collector(sim, tmp_path)
        try:
            first = sim.meters["grid"].device.memory.first_ts
            assert first is not None
            collector._ingest[0].watermark = first - 3600  # we stopped an hour before its memory
            await collector.ingest_once()
            assert (first - 3540, first, "older than the meter keeps") in await store.gaps("grid")
        finally:
            await collector.aclose()
            await store.close()


@pytest.mark.dates
async def test_collector_applies_minute_retention_and_keeps_rollups(
    three_days: Emulators, tmp_path: Path
) -> None:
    settings = settings_for(three_days, tmp_path / "r.db")
    settings.store.minute_retention_days = 1
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store)
    try:
        await collector.start()
        await collector.ingest_once()
        quarters = await store.quarter_sums(0, 2**40)
        await collector._apply_retention()
        kept_from = await store.minutes_kept_from()
        assert kept_from is not None
        first = await store.readings("grid", 0, 2**40, limit=1)
        assert first[0].ts >= kept_from  # older minutes deleted ...
        assert kept_from - three_days.meters["grid"].device.memory.timestamps[0] > 86400
        assert await store.quarter_sums(0, 2**40) == quarters  # ... rollups kept
        await collector._apply_retention()  # not due again for a day: a no-op
    finally:
        await collector.aclose()
        await store.close()


async def test_collector_says_which_meters_are_backfilling(
    three_days: Emulators, tmp_path: Path
) -> None:
    collector, store = await _collector(three_days, tmp_path)
    seen: list[set[str]] = []
    collector.on_stored.append(lambda: seen.append(set(collector.backfilling)))
    try:
        await collector.ingest_once()
        # Three days come in six-hour CSV chunks: while they do, the meter says so; then not.
        assert {"grid"} in seen
        assert {"solar"} in seen
        assert collector.backfilling == set()
        seen.clear()
        three_days.meters["grid"].device.clock_offset += 120
        three_days.meters["grid"].device.advance()
        await collector.ingest_once()  # two new minutes: a steady-state cycle
        assert seen == [set()]
    finally:
        await collector.aclose()
        await store.close()
