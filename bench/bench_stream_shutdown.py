"""`wattboard run` stopped by SIGTERM while 1,000 clients hold `/power/stream` open.

Starts two emulated meters in this process and `wattboard run` against them as a subprocess,
opens `--streams` live streams (each waits for its first `power` event), then sends SIGTERM and
measures the seconds until the process has exited. Target: under 3 s with 1,000 streams, well
under systemd's stop timeout. The file-descriptor limit is raised to its hard limit first: a
thousand sockets on each side need more than the usual 1,024.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

from _common import report, rss_mib
from _power_stream import announced_url, open_power_stream
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators

TARGET_S = 3.0
BATCH = 100  # connections opened at once: the listen backlog is 128


def _config(sim: Emulators, directory: Path) -> Path:
    meters = "".join(
        f'[[meters]]\nid = "{role}"\nrole = "{role}"\nurl = "{meter.url}"\n\n'
        for role, meter in sim.meters.items()
    )
    path = directory / "wattboard.toml"
    path.write_text(
        f'[site]\ntimezone = "Europe/Helsinki"\n\n[api]\nport = 0\n\n'
        f'[store]\npath = "{(directory / "w.db").as_posix()}"\n\n{meters}',
        encoding="utf-8",
    )
    return path


async def _drain(process: asyncio.subprocess.Process) -> None:
    """Keep reading the log, so a full pipe never stalls the process being measured."""
    assert process.stderr is not None
    while await process.stderr.read(65536):
        pass


async def _measure(streams: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-") as tmp:
        async with start_emulators(EmulatorOptions(port=0, history_days=0.02, seed=7)) as sim:
            config = _config(sim, Path(tmp))
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "wattboard", "run", "--config", str(config),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
            drain: asyncio.Task[None] | None = None
            writers: list[asyncio.StreamWriter] = []
            try:
                async with asyncio.timeout(120):
                    url = await announced_url(process)
                host, port = url.removeprefix("http://").split(":")
                drain = asyncio.create_task(_drain(process))
                started = time.perf_counter()
                for first in range(0, streams, BATCH):
                    count = min(BATCH, streams - first)
                    async with asyncio.timeout(60):
                        writers += await asyncio.gather(
                            *(open_power_stream(host, int(port)) for _ in range(count))
                        )
                opened = time.perf_counter() - started
                rss = rss_mib(process.pid)
                stopping = time.perf_counter()
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), timeout=60)
                exit_s = time.perf_counter() - stopping
            finally:
                for writer in writers:
                    writer.close()
                for writer in writers:
                    with contextlib.suppress(ConnectionError):
                        await writer.wait_closed()
                if process.returncode is None:
                    process.kill()
                    await process.wait()
                if drain is not None:
                    await drain
    return {
        "streams": streams,
        "open_s": round(opened, 2),
        "server_rss_mib_with_streams": round(rss, 1),
        "exit_s": round(exit_s, 3),
        "exit_code": code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    streams = int(parser.parse_args().streams)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by `run`
    results = asyncio.run(_measure(streams))
    report(
        "stream_shutdown",
        results,
        {"exit_s": f"< {TARGET_S} with 1000 streams", "met": results["exit_s"] < TARGET_S},
    )


if __name__ == "__main__":
    main()
