"""Cold backfill: the first `ingest_once` of a collector against 60 days held by two meters.

Starts two emulated meters in this process (loopback, free ports, 60 days of history), points
a collector with an empty SQLite store at them and times its first ingest: every record the
meters hold, fetched as six-hour CSV chunks and stored with rollups. The emulators serve from
the same event loop, so the time includes their side of each download, as a Pi would not.
"""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
from pathlib import Path

from _common import report
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators

HISTORY_DAYS = 60
MINUTES_PER_METER = HISTORY_DAYS * 1440
TIMEOUT_S = 300.0  # ten times the target: a hung backfill fails instead of waiting forever


def _settings(sim: Emulators, db: Path) -> Settings:
    meters = [{"id": role, "role": role, "url": meter.url} for role, meter in sim.meters.items()]
    return Settings(
        site={"id": "bench", "timezone": "Europe/Helsinki", "netting": "minute"},
        store={"path": db},
        collector={"live_interval": 1.0, "request_timeout": 30.0},
        meters=meters,
    )


def _held(sim: Emulators) -> dict[str, int]:
    return {role: len(meter.device.memory) for role, meter in sim.meters.items()}


async def _backfill(sim: Emulators, db: Path) -> dict[str, object]:
    settings = _settings(sim, db)
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store)
    try:
        await collector.start()
        held_before = _held(sim)
        started = time.perf_counter()
        written = await collector.ingest_once()
        seconds = time.perf_counter() - started
        held_after = _held(sim)
        stored = {role: await store.count(role) for role in sim.meters}
        # Minutes the meters saved while the backfill ran are the next cycle's work.
        caught_up = await collector.ingest_once()
        final = {role: await store.count(role) for role in sim.meters}
    finally:
        await collector.aclose()
        await store.close()
    for role in sim.meters:
        assert held_before[role] <= stored[role] <= held_after[role], (role, stored, held_after)
        assert final[role] == len(sim.meters[role].device.memory), (role, final)
    return {
        "backfill_60d_two_meters_s": round(seconds, 2),
        "records_stored": written,
        "records_per_s": round(written / seconds),
        "records_held_by_meters": sum(held_after.values()),
        "records_expected": 2 * MINUTES_PER_METER,
        "records_stored_by_meter": stored,
        "records_of_the_next_cycle": caught_up,
    }


async def _main() -> dict[str, object]:
    options = EmulatorOptions(port=0, history_days=HISTORY_DAYS)
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp:
        started = time.perf_counter()
        async with start_emulators(options) as sim:
            startup = time.perf_counter() - started
            async with asyncio.timeout(TIMEOUT_S):
                results = await _backfill(sim, Path(tmp) / "w.db")
    return {"emulator_startup_s": round(startup, 2), **results}


def main() -> None:
    results = asyncio.run(_main())
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report("backfill", results, {"backfill_60d_two_meters_s": 30.0})


if __name__ == "__main__":
    main()
