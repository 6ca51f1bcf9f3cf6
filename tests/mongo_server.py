"""A MongoDB-wire server for the replica tests, and the data they send it.

The server is `secantusd-py` from the test-only dependency `secantusdb` (GPL, fine for a test
tool, never shipped): WiredTiger under the MongoDB wire protocol, started on a free port. It is
more permissive than MongoDB (it takes upserts on time-series collections), so the tests check
with command monitoring what MongoDB 8 would refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import monitoring

from wattboard.energy.records import MinuteRecord
from wattboard.shelly.parse import RECORD_KEYS
from wattboard.simulator import EmulatorOptions, build_meters
from wattboard.simulator.minutes import KEYS
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.mongo import MongoReplica
from wattboard.store.sqlite import MeterSpec, SqliteStore

SECANTUSD = Path(sys.executable).parent / "secantusd-py"
HELSINKI = ZoneInfo("Europe/Helsinki")
METERS = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
_COLUMNS = [KEYS.index(key) for key in RECORD_KEYS]


@dataclass
class MongoServer:
    """One `secantusd-py` process; `stop()` and `start()` again keep the data of a directory."""

    storage: str  # a directory, or ":memory:" (a temporary one removed on a clean stop)
    log: Path | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    # Returns as soon as it listens; the minute allows for a machine busy with `make test`'s
    # parallel parts, where a Python server's start-up took more than 15 s.
    def start(self, timeout: float = 60.0) -> None:
        if not self.port:
            self.port = free_port()
        command = [str(SECANTUSD), "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--storage-path", self.storage, "--log-level", "WARNING"]
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(self.log.open("ab")) if self.log else subprocess.DEVNULL
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=real_clock_env()
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"secantusd-py exited with {self.process.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"secantusd-py did not listen on port {self.port} in {timeout} s")

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: SIGTERM lets it close its storage (about 2 s), `kill` is instant."""
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime (`make test-dates`): the server's sockets time out
    under a faked clock, and a real cluster keeps its own time anyway."""
    return {
        key: value
        for key, value in os.environ.items()
        if key != "LD_PRELOAD" and not key.startswith("FAKETIME")
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(storage: Path, log: Path | None = None) -> Iterator[MongoServer]:
    """Run a server on `storage` for the `with` block, then kill it (its files are scratch)."""
    if not SECANTUSD.exists():
        raise RuntimeError("secantusd-py is missing: pip install -e '.[dev]'")
    server = MongoServer(str(storage), log)
    server.start()
    try:
        yield server
    finally:
        server.stop(kill=True)


def fresh_replica(server: MongoServer, database: str | None = None, **options: Any) -> MongoReplica:
    """Return a client on a database of its own (so tests share a server, not data)."""
    # Generous: the wire server is pure Python, and a loaded 2-core machine can stall a large
    # batch past a product-sized socket timeout (3 × this).
    options.setdefault("timeout", 4.0)
    return MongoReplica.connect(server.uri, database or f"t{uuid.uuid4().hex[:12]}", **options)


class Commands(monitoring.CommandListener):
    """Records every command sent, for asserting what reached a collection."""

    def __init__(self) -> None:
        self.events: list[monitoring.CommandStartedEvent] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.events.append(event)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def on(self, collection: str) -> list[monitoring.CommandStartedEvent]:
        """Return the commands whose target is `collection`, in order."""
        return [e for e in self.events if e.command.get(e.command_name) == collection]


def emulated_records(days: float, seed: int = 3) -> dict[str, list[MinuteRecord]]:
    """Return a grid and a solar meter's minute records from the emulator, oldest first."""
    records: dict[str, list[MinuteRecord]] = {}
    for device in build_meters(EmulatorOptions(port=0, history_days=days, seed=seed)):
        values = device.memory.values[:, _COLUMNS].tolist()
        stamps = device.memory.timestamps.tolist()
        records[device.role] = [
            MinuteRecord(device.role, ts, *row) for ts, row in zip(stamps, values, strict=True)
        ]
    return records


def sqlite_store(path: Path, zone: ZoneInfo = HELSINKI, **options: Any) -> SqliteStore:
    options.setdefault("netting", "minute")
    options.setdefault("meters", METERS)
    return SqliteStore(path, zone=zone, **options)


def fill(store: SqliteStore, records: dict[str, list[MinuteRecord]], chunk: int = 360) -> int:
    """Store records as a backfill does: meter after meter, six hours per transaction."""
    stored = 0
    for meter_records in records.values():
        for first in range(0, len(meter_records), chunk):
            stored += store.upsert(meter_records[first : first + chunk])
    return stored


async def fill_async(
    store: AsyncStore, records: dict[str, list[MinuteRecord]], chunk: int = 360
) -> int:
    """`fill` through the async store."""
    stored = 0
    for meter_records in records.values():
        for first in range(0, len(meter_records), chunk):
            stored += await store.upsert(meter_records[first : first + chunk])
    return stored


async def until(condition: Callable[[], bool | Awaitable[bool]], seconds: float = 15.0) -> None:
    """Wait until `condition()` holds, polling every 20 ms; fail after `seconds`."""
    async with asyncio.timeout(seconds):
        while True:
            result = condition()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)
