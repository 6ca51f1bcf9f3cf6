"""SQLite store: ingest throughput with rollups, disk use per meter-minute, one live minute.

Takes 30 days of device records of two emulated meters (grid + solar, the emulator's physics),
then upserts them into a fresh file the way a backfill stores them: one meter after the other,
six hours (360 records) per transaction, each refreshing the quarter and day rollups it
touches. The last minutes are held back and written as steady state does: one transaction per
minute holding both meters' records.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import report
from wattboard.energy.records import MinuteRecord
from wattboard.shelly.parse import RECORD_KEYS
from wattboard.simulator import EmulatorOptions, build_meters
from wattboard.simulator.minutes import KEYS
from wattboard.store.sqlite import MeterSpec, SqliteStore

DAYS = 30
CHUNK = 360  # six hours of one meter: what the collector stores per CSV download
STEADY_MINUTES = 600  # held back from the backfill, then written one minute at a time
ZONE = ZoneInfo("Europe/Helsinki")
METERS = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
COLUMNS = [KEYS.index(key) for key in RECORD_KEYS]


def _records() -> dict[str, list[MinuteRecord]]:
    """Return each meter's records, oldest first, from the emulator's device memory."""
    meters = build_meters(EmulatorOptions(port=0, history_days=DAYS))
    records: dict[str, list[MinuteRecord]] = {}
    for device in meters:
        values = device.memory.values[:, COLUMNS].tolist()
        stamps = device.memory.timestamps.tolist()
        records[device.role] = [
            MinuteRecord(device.role, ts, *row) for ts, row in zip(stamps, values, strict=True)
        ]
    return records


def _open(path: Path) -> SqliteStore:
    return SqliteStore(path, zone=ZONE, netting="minute", meters=METERS)


def _backfill(store: SqliteStore, records: dict[str, list[MinuteRecord]]) -> tuple[int, float]:
    """Store every meter's records in chunks, meter after meter; return (count, seconds)."""
    stored = 0
    started = time.perf_counter()
    for meter_records in records.values():
        for first in range(0, len(meter_records), CHUNK):
            stored += store.upsert(meter_records[first : first + CHUNK])
    return stored, time.perf_counter() - started


def _steady(store: SqliteStore, minutes: list[list[MinuteRecord]]) -> list[float]:
    """Write one transaction per minute (both meters); return each one's latency in ms."""
    samples = []
    for pair in minutes:
        started = time.perf_counter()
        store.upsert(pair)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _bytes_per_minute(path: Path, minutes: int) -> tuple[float, dict[str, int]]:
    """VACUUM the closed file; return bytes per meter-minute and the pages of each table."""
    with sqlite3.connect(path) as db:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            pages = dict(
                db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
            )
        except sqlite3.OperationalError:  # SQLite built without the dbstat table
            pages = {}
    db.close()
    return path.stat().st_size / minutes, {name: int(size) for name, size in pages.items()}


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    made = time.perf_counter()
    records = _records()
    generated = time.perf_counter() - made
    backfill = {meter: rows[:-STEADY_MINUTES] for meter, rows in records.items()}
    steady = [[records["grid"][i], records["solar"][i]] for i in range(-STEADY_MINUTES, 0)]
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp:
        path = Path(tmp) / "w.db"
        store = _open(path)
        try:
            count, seconds = _backfill(store, backfill)
            latencies = _steady(store, steady)
            total = store.count()
        finally:
            store.close()
        per_minute, tables = _bytes_per_minute(path, total)
        interleaved_path = Path(tmp) / "interleaved.db"
        store = _open(interleaved_path)
        try:
            pairs = list(zip(backfill["grid"], backfill["solar"], strict=True))
            started = time.perf_counter()
            for first in range(0, len(pairs), CHUNK):
                store.upsert([r for pair in pairs[first : first + CHUNK] for r in pair])
            interleaved = time.perf_counter() - started
        finally:
            store.close()
    assert total == sum(len(rows) for rows in records.values())
    results = {
        "records": count,
        "generate_records_s": round(generated, 2),
        "ingest_s": round(seconds, 2),
        "ingest_records_per_s": round(count / seconds),
        "ingest_both_meters_per_call_records_per_s": round(2 * len(pairs) / interleaved),
        "bytes_per_meter_minute": round(per_minute, 1),
        "table_bytes": tables,
        "steady_minute_txn_p50_ms": round(statistics.median(latencies), 3),
        "steady_minute_txn_p99_ms": round(_percentile(latencies, 0.99), 3),
    }
    targets = {"ingest_records_per_s": 50_000, "bytes_per_meter_minute": 100}
    report("store_ingest", results, targets)


if __name__ == "__main__":
    main()
