"""Serve the home API over a SQLite file on loopback, for a benchmark to call from another process.

`python bench/_serve.py DB [--live] [--tariff] [--netting N] [--max-seconds S]` builds the app
as `wattboard serve` does (`home_context` over an `AsyncStore`, uvicorn via
`wattboard.api.server`), binds 127.0.0.1 on a free port, prints `url: http://127.0.0.1:PORT` and
serves until its standard input closes (the parent closed it or died), SIGINT or SIGTERM
arrives, or `--max-seconds` pass. With `--live` the app holds a LiveState of a grid and a solar
meter that a task updates every second, as the collector's live pollers do, so /power/now
answers from fresh readings. With `--tariff` the site has the demo's Finnish spot tariff, so
energy responses carry money; `--netting` sets the site's netting (default minute).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from wattboard.api.app import create_app
from wattboard.api.server import bind, bound_url, serve
from wattboard.cli.serve import DEMO_TARIFF
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.collector.service import open_store
from wattboard.config import Settings
from wattboard.runtime import home_context, stop_on_signals

ZONE = "Europe/Helsinki"
# Never contacted: no collector runs here, the meters only tell the store which ids exist.
UNUSED_URL = "http://127.0.0.1:9"


@contextlib.contextmanager
def serving(
    db: Path,
    *,
    live: bool = False,
    max_seconds: float = 900.0,
    tariff: bool = False,
    netting: str = "minute",
) -> Iterator[tuple[str, int]]:
    """Serve `db` from a child process running this module; yield its URL and pid, then stop it."""
    command = [sys.executable, __file__, str(db), "--max-seconds", str(max_seconds)]
    command += ["--live"] if live else []
    command += ["--tariff"] if tariff else []
    command += ["--netting", netting]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Our own interpreter running our own module: no untrusted input reaches the command.
    process = subprocess.Popen(  # noqa: S603
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        yield _url(process), process.pid
    finally:
        _stop(process)


def _url(process: subprocess.Popen[str]) -> str:
    """Read the URL the child prints; kill it if it has not printed one within 60 s."""
    assert process.stdout is not None
    # A blocked readline cannot watch a clock: the timer ends the wait by ending the process.
    timer = threading.Timer(60.0, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            found = re.match(r"url: (http://127\.0\.0\.1:\d+)", line)
            if found:
                return found.group(1)
    finally:
        timer.cancel()
    raise RuntimeError(f"the API server exited (code {process.wait()}) before printing its URL")


def _stop(process: subprocess.Popen[str]) -> None:
    """Close the child's stdin (its stop signal); SIGINT it, and at last kill it, if it lingers."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    for escalate in (None, signal.SIGINT, signal.SIGKILL):
        if process.poll() is None:
            if escalate is not None:
                process.send_signal(escalate)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
    if process.stdout is not None:
        process.stdout.close()


def settings(db: Path, *, tariff: bool = False, netting: str = "minute") -> Settings:
    """Return the settings of the benchmark site: two meters, minute netting, Helsinki."""
    return Settings(
        site={"id": "bench", "timezone": ZONE, "netting": netting},
        store={"path": db},
        api={"host": "127.0.0.1", "port": 0},
        meters=[{"id": r, "role": r, "url": UNUSED_URL} for r in ("grid", "solar")],
        tariffs=[DEMO_TARIFF] if tariff else [],
    )


def live_state() -> LiveState:
    """Return live readings of two meters: 1.2 kW from the grid, 2.4 kW from the inverter."""
    live = LiveState()
    for meter in ("grid", "solar"):
        live.meters[meter] = MeterLive(meter, 1.0)
    _tick(live, time.time())
    return live


def _tick(live: LiveState, now: float) -> None:
    wobble = 100.0 * math.sin(now / 10)
    for meter, watts in (("grid", 1200.0 + wobble), ("solar", -2400.0 - wobble)):
        phases = {p: PhaseReading(watts / 3, 230.0, abs(watts) / 690) for p in "abc"}
        live.update(meter, MeterReading(now, phases))


async def _update_every_second(live: LiveState, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        _tick(live, time.time())


def _stop_when_stdin_closes(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def wait() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait, daemon=True).start()


async def _main(db: Path, *, live: bool, max_seconds: float, tariff: bool, netting: str) -> None:
    stop = stop_on_signals()
    _stop_when_stdin_closes(stop)
    loop = asyncio.get_running_loop()
    loop.call_later(max_seconds, stop.set)
    config = settings(db, tariff=tariff, netting=netting)
    store = open_store(config)
    await store.open()
    sock = bind("127.0.0.1", 0)
    try:
        ctx = home_context(config, store, None)
        tasks = []
        if live:
            ctx.live = live_state()
            tasks.append(asyncio.create_task(_update_every_second(ctx.live, stop)))
        app = create_app(ctx)
        print(f"url: {bound_url(sock)}", flush=True)
        await serve(app, sock, stop)
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        sock.close()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=900.0)
    parser.add_argument("--tariff", action="store_true")
    parser.add_argument("--netting", default="minute")
    args = parser.parse_args()
    asyncio.run(
        _main(
            args.db,
            live=args.live,
            max_seconds=args.max_seconds,
            tariff=args.tariff,
            netting=args.netting,
        )
    )


if __name__ == "__main__":
    main()
