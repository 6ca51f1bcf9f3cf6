"""/api/v1/power/now under load: requests per second, latency and errors, on this machine.

The home API (`home_context` over an empty SQLite file, as `wattboard run` builds it) serves
from a child process (`_serve.py --live`) on a real uvicorn server on 127.0.0.1, port 0, with
a LiveState of a grid and a solar meter updated every second as the live pollers do. A load
generator in another process keeps N keep-alive connections busy for a fixed time at each
level of CONNECTIONS: `wrk` (Debian package `wrk`) when installed, else this script's own
asyncio HTTP/1.1 client (`--loadgen`, one core, slower than wrk). The kernel's accounting of
the server process (utime + stime from /proc) tells how much of a core it used.

Loopback only; every run is bounded in time; the server and the generator are stopped at the
end whatever happens, and the temporary directory is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from _common import cpu_seconds, report
from _serve import serving

PATH: Final = "/api/v1/power/now"
CONNECTIONS: Final = (1, 16, 64)
SECONDS: Final = 10
MAIN_LEVEL: Final = 16
# wrk calls done() once at the end: one JSON line with the totals, errors and percentiles.
WRK_SCRIPT: Final = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _check(url: str) -> dict[str, Any]:
    """Fetch /power/now once and make sure it carries both meters' fresh readings."""
    body = httpx.get(url + PATH, timeout=10).raise_for_status().json()
    if len(body["meters"]) != 2 or body["stale"] or body["home_w"] <= 0:
        raise RuntimeError(f"unexpected /power/now: {body}")
    return dict(body)


def _run_wrk(url: str, connections: int, script: Path) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    command = [wrk, "-t1", f"-c{connections}", f"-d{SECONDS}s", "--timeout", "5s"]
    command += ["-s", str(script), url + PATH]
    # wrk from the system, aimed at our own loopback server: no untrusted input here.
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=SECONDS + 30, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _run_python(url: str, connections: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--loadgen", url, "--connections", str(connections)]
    # Our own interpreter running this very script: no untrusted input reaches the command.
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=SECONDS + 30, check=True
    )
    return dict(json.loads(done.stdout))


def _level(url: str, pid: int, connections: int, script: Path | None) -> dict[str, Any]:
    """Load the server with `connections` connections for SECONDS; return the level's numbers."""
    cpu, wall = cpu_seconds(pid), time.monotonic()
    raw = _run_wrk(url, connections, script) if script else _run_python(url, connections)
    cpu, wall = cpu_seconds(pid) - cpu, time.monotonic() - wall
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": raw["non_2xx"] + raw["socket_errors"] + raw["timeouts"],
        "server_cpu_percent_of_one_core": round(100 * cpu / wall, 1),
    }


def _loadgen_name() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        return "python asyncio HTTP/1.1 client (bench_power_now.py --loadgen), one process"
    # Our own lookup of the system's wrk; only asks for its version.
    version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    found = re.search(r"wrk (\S+)", version.stdout + version.stderr)
    return f"wrk {found.group(1) if found else '?'}, 1 thread, one process"


def main() -> None:
    results: dict[str, Any] = {
        "endpoint": PATH,
        "server": "uvicorn (h11, asyncio loop) in a child process on 127.0.0.1, "
        "LiveState of 2 meters updated every 1 s",
        "loadgen": _loadgen_name(),
        "cores": os.cpu_count(),
        "seconds_per_level": SECONDS,
    }
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        wrk_script = script if shutil.which("wrk") else None
        with serving(Path(tmp) / "w.db", live=True, max_seconds=300) as (url, pid):
            results["response_bytes"] = len(json.dumps(_check(url), separators=(",", ":")))
            for connections in CONNECTIONS:
                level = _level(url, pid, connections, wrk_script)
                results.update({f"c{connections}_{k}": v for k, v in level.items()})
            _check(url)  # still answering after the load
    results["requests_per_s"] = results[f"c{MAIN_LEVEL}_requests_per_s"]
    results["p50_ms"] = results[f"c{MAIN_LEVEL}_p50_ms"]
    results["p99_ms"] = results[f"c{MAIN_LEVEL}_p99_ms"]
    results["errors"] = sum(results[f"c{c}_errors"] for c in CONNECTIONS)
    # The issue sets no bound here: the numbers are reported, not judged.
    report("power_now", results, {})


# -- the fallback load generator (runs in its own process) --------------------------------------


async def _connection(host: str, port: int, deadline: float, out: dict[str, Any]) -> None:
    request = f"GET {PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("ascii")
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        out["socket_errors"] += 1
        return
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            out["samples"].append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                out["non_2xx"] += 1
    except (OSError, asyncio.IncompleteReadError):
        out["socket_errors"] += 1
    finally:
        writer.close()


async def _load(url: str, connections: int) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    out: dict[str, Any] = {"samples": [], "non_2xx": 0, "socket_errors": 0}
    started = time.perf_counter()
    deadline = started + SECONDS
    tasks = [_connection(host, port, deadline, out) for _ in range(connections)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=SECONDS + 10)
    samples = sorted(out["samples"])
    return {
        "requests": len(samples),
        "duration_us": round((time.perf_counter() - started) * 1e6),
        "non_2xx": out["non_2xx"],
        "socket_errors": out["socket_errors"],
        "timeouts": 0,
        "p50_us": round(statistics.median(samples) * 1e6),
        "p99_us": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1e6),
        "max_us": round(samples[-1] * 1e6),
    }


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loadgen", metavar="URL", help="be the load generator, aimed at URL")
    parser.add_argument("--connections", type=int, default=MAIN_LEVEL)
    return parser.parse_args()


if __name__ == "__main__":
    args = _parse()
    if args.loadgen:
        if urlsplit(args.loadgen).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit("the load generator only targets loopback")
        print(json.dumps(asyncio.run(_load(args.loadgen, args.connections))))
    else:
        main()
