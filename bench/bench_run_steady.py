"""`wattboard run` in steady state: CPU and memory with two meters polled every second.

Starts `wattboard simulate` (two meters, one day of history) and `wattboard run` against it as
subprocesses, waits until the run process's backfill is stored, then measures the run process
alone for 60 s with the kernel's own accounting: utime + stime from /proc/<pid>/stat and VmRSS
from /proc/<pid>/status. `run` also serves its API on a free loopback port; no client calls it.
Both processes are stopped with SIGINT (then killed) whatever happens.

`--history-days 60` measures the steady state after the longest backfill a meter can need.
`--python VENV/bin/python` runs `wattboard run` in another environment, such as the runtime
install without extras that `bench_lean.py --keep VENV` leaves (the emulator keeps running
from this one). `--env MALLOC_ARENA_MAX=2` (repeatable) sets a variable for `run` alone, as the
systemd unit does.

Where the memory is, at the end of the window (/proc/<pid>/smaps_rollup): anonymous (the
Python heap, malloc arenas, thread stacks) against file-backed (shared libraries: libpython,
pydantic-core, libcrypto, SQLite), private against shared; and the process's thread count.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from _common import cpu_seconds, free_port, report, rss_mib

WINDOW_S = 60.0
SETTLE_TIMEOUT_S = 90.0
STABLE_S = 5.0  # the minutes count must stay put this long for the backfill to count as done
MIB = 1024 * 1024
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}


@contextlib.contextmanager
def _process(
    command: list[str],
    stdout: IO[str] | int,
    stderr: IO[str] | int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[str]]:
    """Run our own interpreter on our own module; SIGINT it on exit, kill it if it hangs."""
    # Our own interpreter running our own module: no untrusted input reaches the command.
    process = subprocess.Popen(  # noqa: S603
        command, stdout=stdout, stderr=stderr, text=True, env={**ENV, **(env or {})}
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _urls(process: subprocess.Popen[str]) -> list[str]:
    """Read the meters' URLs from the emulator's output; kill it if they take over 60 s."""
    assert process.stdout is not None
    urls: list[str] = []
    # A blocked readline cannot watch a clock: the timer ends the wait by ending the process.
    timer = threading.Timer(60.0, process.kill)
    timer.start()
    try:
        while len(urls) < 2:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the emulator exited (or hung) before printing its URLs")
            urls += re.findall(r"meter: (http://127\.0\.0\.1:\d+)", line)
    finally:
        timer.cancel()
    return urls


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=1, choices=range(1, 61))
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a variable for `wattboard run` only, e.g. MALLOC_ARENA_MAX=2",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter of `wattboard run`, e.g. a runtime install without the sim extra",
    )
    return parser.parse_args()


def _config(directory: Path, urls: list[str]) -> Path:
    grid, solar = urls
    path = directory / "wattboard.toml"
    path.write_text(
        f"""[site]
id = "bench"
timezone = "Europe/Helsinki"
netting = "minute"

[store]
path = "{(directory / "wattboard.db").as_posix()}"

[api]
host = "127.0.0.1"
port = {free_port()}

[collector]
live_interval = 1.0

[[meters]]
id = "grid"
role = "grid"
url = "{grid}"

[[meters]]
id = "solar"
role = "solar"
url = "{solar}"
""",
        encoding="utf-8",
    )
    return path


def _minutes(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM minutes").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or busy
        return 0


def _wait_for_backfill(db: Path, run: subprocess.Popen[str], expected: int) -> tuple[int, float]:
    """Wait until the store holds the meters' history and stops growing; return count, s."""
    started = time.monotonic()
    last, since = -1, time.monotonic()
    while time.monotonic() - started < SETTLE_TIMEOUT_S:
        if run.poll() is not None:
            raise RuntimeError(f"wattboard run exited with {run.returncode} during backfill")
        count = _minutes(db)
        if count != last:
            last, since = count, time.monotonic()
        elif count >= expected and time.monotonic() - since >= STABLE_S:
            return count, time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"backfill not done after {SETTLE_TIMEOUT_S:.0f} s ({last} minutes)")


def _requests(urls: list[str]) -> int:
    """Return how many device requests the meters answered (the control API is not counted)."""
    total = 0
    for url in urls:
        with urllib.request.urlopen(f"{url}/_sim/state", timeout=10) as response:  # noqa: S310 - loopback only
            total += int(json.load(response)["requests"])
    return total


def _memory(pid: int) -> dict[str, float]:
    """Split the RSS of `pid`: anonymous vs file-backed, private vs shared (MB), and threads."""
    kb: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines()[1:]:
        key, value = line.split(":", 1)
        kb[key] = int(value.split()[0])
    threads = len(list(Path(f"/proc/{pid}/task").iterdir()))

    def mb(value: int) -> float:
        return round(value * 1024 / 1e6, 1)

    return {
        "run_rss_mb_anonymous": mb(kb["Anonymous"]),
        "run_rss_mb_file": mb(kb["Rss"] - kb["Anonymous"]),
        "run_rss_mb_private": mb(kb["Private_Clean"] + kb["Private_Dirty"]),
        "run_rss_mb_shared": mb(kb["Shared_Clean"] + kb["Shared_Dirty"]),
        "run_threads": threads,
    }


def _measure(run: int, emulator: int, urls: list[str]) -> dict[str, float]:
    """Sample both processes' CPU time and the run process's RSS over the window."""
    rss = []
    requests0 = _requests(urls)
    cpu0, sim0, wall0 = cpu_seconds(run), cpu_seconds(emulator), time.monotonic()
    while time.monotonic() - wall0 < WINDOW_S:
        time.sleep(1.0)
        rss.append(rss_mib(run))
    wall = time.monotonic() - wall0
    cpu, sim = cpu_seconds(run) - cpu0, cpu_seconds(emulator) - sim0
    answered = _requests(urls) - requests0
    return {
        "window_s": round(wall, 1),
        "meter_requests_per_s": round(answered / wall, 2),
        "run_cpu_percent_of_one_core": round(100 * cpu / wall, 2),
        "run_cpu_s": round(cpu, 2),
        "run_rss_mb_max": round(max(rss) * MIB / 1e6, 1),
        "run_rss_mib_max": round(max(rss), 1),
        "run_rss_mib_end": round(rss[-1], 1),
        "emulator_cpu_percent_of_one_core": round(100 * sim / wall, 2),
        **_memory(run),
    }


def _tail(log: IO[str]) -> str:
    log.flush()
    log.seek(0)
    return "".join(log.readlines()[-20:])


def main() -> None:
    simulate = [sys.executable, "-m", "wattboard", "simulate", "--port", "0"]
    args = _arguments()
    days = int(args.history_days)
    simulate += ["--history-days", str(days)]
    with (
        tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp,
        _process(simulate, stdout=subprocess.PIPE) as emulator,
    ):
        directory = Path(tmp)
        urls = _urls(emulator)
        config = _config(directory, urls)
        db = directory / "wattboard.db"
        command = [args.python, "-m", "wattboard", "run", "--config", str(config)]
        extra = dict(item.split("=", 1) for item in args.env)
        with (
            (directory / "run.log").open("w+", encoding="utf-8") as log,
            _process(command, stdout=log, stderr=subprocess.STDOUT, env=extra) as run,
        ):
            try:
                stored, settle = _wait_for_backfill(db, run, 2 * days * 1440 - 4)
                results = _measure(run.pid, emulator.pid, urls)
                assert run.poll() is None, "wattboard run exited during the measurement"
            except BaseException:
                print(_tail(log), file=sys.stderr)
                raise
            grew = _minutes(db) - stored
    results = {
        "run_python": args.python,
        "run_env": args.env,
        "history_days": days,
        "backfill_records": stored,
        "backfill_settled_s": round(settle, 1),
        **results,
    }
    # Two meters record one minute each per minute: a 60 s window stores about two records.
    results["records_stored_during_window"] = grew
    assert grew >= 2, "the collector stored nothing during the window"
    # Two meters polled at 1 s, plus the minute ingest's few calls.
    assert results["meter_requests_per_s"] >= 1.8, "live polling is not running at 1 s"
    report(
        "run_steady",
        results,
        {"run_rss_mb_max": 50.0, "run_cpu_percent_of_one_core": 2.0},
    )


if __name__ == "__main__":
    main()
