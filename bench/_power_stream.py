"""Reaching a `wattboard run` started as a subprocess: its API's address and its live stream.

Shared by bench/bench_stream_shutdown.py and tests/cli/test_run.py, which both hold many
`/api/v1/power/stream` connections open while they stop the process.
"""

from __future__ import annotations

import asyncio


async def announced_url(process: asyncio.subprocess.Process) -> str:
    """Read `run`'s log (its stderr) until it says where the API listens.

    Unbounded: the caller wraps it in `asyncio.timeout`.
    """
    assert process.stderr is not None
    while line := (await process.stderr.readline()).decode():
        if "API and app at " in line:
            return line.rsplit("API and app at ", 1)[1].strip()
    raise RuntimeError("run exited before announcing its URL")


async def open_power_stream(host: str, port: int) -> asyncio.StreamWriter:
    """Open one `/api/v1/power/stream` and wait for its first `power` event.

    Unbounded: the caller wraps it in `asyncio.timeout`. The caller closes the returned writer
    (and awaits `wait_closed`): a socket left to the garbage collector warns.
    """
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"GET /api/v1/power/stream HTTP/1.1\r\nHost: wattboard\r\n\r\n")
        await writer.drain()
        while b"event: power" not in await reader.readline():
            pass
    except BaseException:
        writer.close()
        raise
    return writer
