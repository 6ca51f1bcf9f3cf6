"""Three concurrent 100 MB `POST /readings` without a token: server memory and time to 401.

Starts `wattboard serve` (token set) as a subprocess, samples its resident memory every 20 ms,
and has three clients each start a 100 MB JSON body without `Authorization`, sending it in
1 MiB pieces until the answer arrives or the server closes the connection. Before the guard
the server buffered every body and answered after 5-8 s, at +566 MB; the target is an answer
before the body is read (well under a second) and memory that stays flat (+10 MiB at most).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import report, rss_mib

BODY = 100 * 2**20
PIECE = b"[" + b" " * (2**20 - 1)
CLIENTS = 3
TARGET_ANSWER_S = 1.0
TARGET_GROWTH_MIB = 10.0


async def _url(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(60):
        while line := (await process.stdout.readline()).decode():
            if "Wattboard at " in line:
                return line.split("Wattboard at ", 1)[1].split()[0]
    raise RuntimeError("serve exited before announcing its URL")


async def _post(host: str, port: int) -> tuple[bytes, float, int]:
    """Send the headers and as much of the body as the server takes; return its answer."""
    reader, writer = await asyncio.open_connection(host, port)
    started = time.perf_counter()
    head = (
        "POST /api/v1/readings HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {BODY}\r\n\r\n"
    )
    writer.write(head.encode())
    answer = asyncio.create_task(reader.readline())
    sent = 0
    with contextlib.suppress(ConnectionError):
        while sent < BODY and not answer.done():
            writer.write(PIECE)
            await writer.drain()
            sent += len(PIECE)
    status = await asyncio.wait_for(answer, timeout=60)
    elapsed = time.perf_counter() - started
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return status, elapsed, sent


async def _sample(pid: int, peak: list[float], done: asyncio.Event) -> None:
    while not done.is_set():
        with contextlib.suppress(OSError, RuntimeError):
            peak.append(rss_mib(pid))
        await asyncio.sleep(0.02)


async def _measure() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp:
        config = Path(tmp) / "wattboard.toml"
        config.write_text(
            f'[site]\ntimezone = "UTC"\n\n[store]\npath = "{(Path(tmp) / "w.db").as_posix()}"\n\n'
            '[api]\nport = 0\ntoken = "bench-token-0123456789"\n',
            encoding="utf-8",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "wattboard", "serve", "--config", str(config),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
        )  # fmt: skip
        try:
            host, port = (await _url(process)).removeprefix("http://").split(":")
            await asyncio.sleep(1.0)  # settle
            before = rss_mib(process.pid)
            samples: list[float] = []
            done = asyncio.Event()
            sampler = asyncio.create_task(_sample(process.pid, samples, done))
            answers = await asyncio.gather(*(_post(host, int(port)) for _ in range(CLIENTS)))
            await asyncio.sleep(0.5)  # anything buffered late would show now
            done.set()
            await sampler
        finally:
            process.terminate()
            await process.wait()
    answer_s = max(a[1] for a in answers)
    growth = max(samples) - before
    return {
        "met": answer_s < TARGET_ANSWER_S and growth < TARGET_GROWTH_MIB,
        "clients": CLIENTS,
        "body_mib_each": BODY // 2**20,
        "statuses": sorted({a[0].decode().split(" ")[1] for a in answers}),
        "answer_s_max": round(answer_s, 3),
        "sent_mib_max": round(max(a[2] for a in answers) / 2**20, 1),
        "server_rss_mib_before": round(before, 1),
        "server_rss_mib_peak": round(max(samples), 1),
        "server_rss_growth_mib": round(growth, 1),
    }


def main() -> None:
    results = asyncio.run(_measure())
    met = results.pop("met")
    report(
        "write_guard",
        results,
        {
            "answer_s_max": f"< {TARGET_ANSWER_S}",
            "server_rss_growth_mib": f"< {TARGET_GROWTH_MIB}",
            "met": met,
        },
    )


if __name__ == "__main__":
    main()
