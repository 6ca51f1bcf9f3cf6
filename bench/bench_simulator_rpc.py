"""Emulator as a user starts it: history generation time, RPC latency, memory.

Starts `wattboard simulate` with 60 days of history for two meters in a subprocess, times
it until both URLs are printed, then measures sequential request latency of the calls a
collector makes, and the process's resident memory.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

from _common import report, rss_mib

REQUESTS = 300


def _start(history_days: int) -> tuple[subprocess.Popen[str], list[str], float]:
    command = [sys.executable, "-m", "wattboard", "simulate", "--port", "0"]
    command += ["--history-days", str(history_days)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    started = time.perf_counter()
    # Our own interpreter running our own module: no untrusted input reaches the command.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)  # noqa: S603
    assert process.stdout is not None
    urls: list[str] = []
    while len(urls) < 2:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator exited before printing its URLs")
        urls += re.findall(r"meter: (http://127\.0\.0\.1:\d+)", line)
    return process, urls, time.perf_counter() - started


def _latencies(url: str, count: int = REQUESTS) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
    }


def main() -> None:
    process, urls, startup = _start(60)
    try:
        grid = urls[0]
        first = int(time.time()) - 59 * 86400
        page = f"{grid}/rpc/EMData.GetData?id=0&ts={first}"
        csv = f"{grid}/emdata/0/data.csv?ts={first}&end_ts={first + 21600}"
        results = {
            "startup_with_60_days_two_meters_s": round(startup, 2),
            "em_get_status": _summary(_latencies(f"{grid}/rpc/EM.GetStatus?id=0")),
            "emdata_get_data_page": _summary(_latencies(page)),
            "csv_6h": _summary(_latencies(csv, 50)),
            "rss_mib": round(rss_mib(process.pid), 1),
        }
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    report(
        "simulator_rpc",
        results,
        {"startup_with_60_days_two_meters_s": 10.0},
    )


if __name__ == "__main__":
    main()
