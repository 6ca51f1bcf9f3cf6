"""Replication to MongoDB: catch-up after 30 days without the database, then steady state.

Data: 30 days of a grid and a solar meter from the emulator's physics, stored into a fresh
SQLite file as a backfill stores them, with the change log on from the start: exactly what a
Pi holds after a month whose replication never got through. The target is `secantusd-py`
(the test-only MongoDB-wire server of `secantusdb`) on 127.0.0.1 with its files in a temporary
directory. It is written in Python and much slower than mongod or Atlas, so the throughput
below is a lower bound of what the replicator can push; over the internet to Atlas the round
trips add up instead, which is why the request count matters (M0 allows 100 operations/s).

1. Catch-up: one `Replicator.sync_once()`, timed; pymongo's command monitoring counts the
   requests and the largest insert. A probe task on the same event loop sleeps 5 ms at a time
   and records its longest oversleep: the longest the collector's tasks would have waited.
2. Steady state: 60 minutes arrive one at a time (both meters, one SQLite transaction each, as
   the collector stores them), each followed by a sync; the latency and the requests per
   minute are reported.
3. Size: the BSON size of one `minutes`, `flows_15m` and `flows_day` document as sent.

Run: `.venv/bin/python bench/bench_replicate.py` (prints one JSON object).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import bson
from pymongo import monitoring

from _common import report
from wattboard.energy.records import MinuteRecord
from wattboard.replica.replicator import Replicator
from wattboard.shelly.parse import RECORD_KEYS
from wattboard.simulator import EmulatorOptions, build_meters
from wattboard.simulator.minutes import KEYS
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.mongo import MINUTES, MongoReplica, day_doc, minute_doc, quarter_doc
from wattboard.store.sqlite import MeterSpec, SqliteStore

DAYS: Final = 30
CHUNK: Final = 360  # six hours of one meter per transaction, as a CSV backfill stores them
STEADY_MINUTES: Final = 60
FAR: Final = 4_102_444_800  # 2100-01-01: after anything stored
SITE: Final = "bench"
ZONE: Final = ZoneInfo("Europe/Helsinki")
METERS: Final = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
SECANTUSD: Final = Path(sys.executable).parent / "secantusd-py"


class Requests(monitoring.CommandListener):
    """Counts the commands sent, and the documents of each insert."""

    def __init__(self) -> None:
        self.commands: list[str] = []
        self.inserts: list[int] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append(event.command_name)
        if event.command_name == "insert" and event.command.get("insert") == MINUTES:
            self.inserts.append(len(event.command["documents"]))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def writes(self) -> int:
        return sum(c in {"insert", "delete", "update"} for c in self.commands)


@contextlib.contextmanager
def secantusd(storage: Path) -> Iterator[str]:
    """Run the test server on a free port; yield its URI."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(SECANTUSD), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--storage-path", str(storage), "--log-level", "WARNING"]
    # A fixed command: the test server installed beside this Python, no user input.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        for _ in range(750):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.02)
        yield f"mongodb://127.0.0.1:{port}/"
    finally:
        process.kill()  # its files are scratch
        process.wait()


def emulated(days: int) -> dict[str, list[MinuteRecord]]:
    columns = [KEYS.index(key) for key in RECORD_KEYS]
    records = {}
    for device in build_meters(EmulatorOptions(port=0, history_days=days, seed=4)):
        values = device.memory.values[:, columns].tolist()
        stamps = device.memory.timestamps.tolist()
        records[device.role] = [
            MinuteRecord(device.role, ts, *row) for ts, row in zip(stamps, values, strict=True)
        ]
    return records


async def backlog(store: AsyncStore, records: dict[str, list[MinuteRecord]]) -> int:
    """Store the backfill with the change log on, as if MongoDB had been away all along."""
    await store.start_replication()
    stored = 0
    for meter_records in records.values():
        for first in range(0, len(meter_records), CHUNK):
            stored += await store.upsert(meter_records[first : first + CHUNK])
    return stored


async def probe(stop: asyncio.Event, stalls: list[float]) -> None:
    """Sleep 5 ms at a time; record how much longer each sleep took."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        stalls.append(time.perf_counter() - started - 0.005)


async def catch_up(store: AsyncStore, replica: MongoReplica) -> tuple[int, float, list[float]]:
    stalls: list[float] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(probe(stop, stalls))
    started = time.perf_counter()
    written = await Replicator(store, replica, SITE).sync_once()
    seconds = time.perf_counter() - started
    stop.set()
    await watcher
    return written, seconds, stalls


async def steady(
    store: AsyncStore, replica: MongoReplica, minutes: list[list[MinuteRecord]]
) -> list[float]:
    replicator = Replicator(store, replica, SITE)
    await replicator.sync_once()
    samples = []
    for pair in minutes:
        await store.upsert(pair)
        started = time.perf_counter()
        await replicator.sync_once()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run(tmp: Path, uri: str, records: dict[str, list[MinuteRecord]]) -> dict[str, object]:
    held = {meter: rows[-STEADY_MINUTES:] for meter, rows in records.items()}
    past = {meter: rows[:-STEADY_MINUTES] for meter, rows in records.items()}
    store = AsyncStore(
        lambda: SqliteStore(tmp / "w.db", zone=ZONE, netting="minute", meters=METERS)
    )
    await store.open()
    requests = Requests()
    replica = MongoReplica.connect(uri, "bench", timeout=30.0, event_listeners=[requests])
    try:
        stored = await backlog(store, past)
        written, seconds, stalls = await catch_up(store, replica)
        catch_up_requests, catch_up_writes = len(requests.commands), requests.writes()
        inserts = list(requests.inserts)
        steady_requests = len(requests.commands)
        pairs = [[held["grid"][i], held["solar"][i]] for i in range(STEADY_MINUTES)]
        latencies = await steady(store, replica, pairs)
        steady_requests = len(requests.commands) - steady_requests
        quarter = next(iter((await store.quarter_sums(0, FAR)).items()))
        day = (await store.day_rows(0, FAR))[0]
    finally:
        await replica.close()
        await store.close()
    return {
        "backlog_minutes": stored,
        "catch_up_documents": written,
        "catch_up_s": round(seconds, 2),
        "catch_up_documents_per_s": round(written / seconds),
        "catch_up_requests": catch_up_requests,
        "catch_up_write_requests": catch_up_writes,
        "catch_up_requests_per_s": round(catch_up_requests / seconds, 1),
        "largest_insert_documents": max(inserts),
        "loop_max_stall_ms": round(max(stalls) * 1000, 1),
        "loop_p99_stall_ms": round(sorted(stalls)[int(len(stalls) * 0.99)] * 1000, 1),
        "steady_sync_p50_ms": round(statistics.median(latencies), 1),
        "steady_sync_max_ms": round(max(latencies), 1),
        "steady_requests_per_minute": round(steady_requests / STEADY_MINUTES, 1),
        "bson_bytes_minute_doc": len(bson.encode(minute_doc(SITE, records["grid"][0]))),
        "bson_bytes_flows_15m_doc": len(bson.encode(quarter_doc(SITE, *quarter))),
        "bson_bytes_flows_day_doc": len(bson.encode(day_doc(SITE, day))),
    }


def main() -> None:
    made = time.perf_counter()
    records = emulated(DAYS)
    generated = time.perf_counter() - made
    with (
        tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp,
        secantusd(Path(tmp) / "mongo") as uri,
    ):
        results = asyncio.run(run(Path(tmp), uri, records))
    results["generate_records_s"] = round(generated, 2)
    targets = {
        "catch_up_s": 600,  # 30 days back within ten minutes, even against this slow server
        "largest_insert_documents": 5000,  # thousands per request, bounded
        "loop_max_stall_ms": 250,  # the collector's 1 s live poll never misses a beat
        "steady_requests_per_minute": 10,  # far below M0's 100 operations per second
    }
    report("replicate", results, targets)


if __name__ == "__main__":
    main()
