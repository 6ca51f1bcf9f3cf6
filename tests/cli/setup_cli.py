"""Helpers for the set-up commands: run them in-process next to emulated meters."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import typer
from typer.testing import CliRunner, Result

from wattboard.cli import backup, doctor, init, prices
from wattboard.collector.service import Collector, open_store
from wattboard.config import load_settings
from wattboard.simulator import Emulators


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Wattboard set-up commands under test."""

    init.register(app)
    doctor.register(app)
    backup.register(app)
    prices.register(app)
    return app


APP = _app()


async def invoke(*args: str, stdin: str | None = None) -> Result:
    """Run a command on a worker thread, so the emulators keep answering on this loop."""
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, APP, list(args), input=stdin)


async def inject(sim: Emulators, role: str, fault: dict[str, Any]) -> None:
    """Inject a fault through the emulator's control API."""
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sim.meters[role].url}/_sim/fault", json=fault)
        response.raise_for_status()
    if fault["kind"] == "offline":
        await asyncio.sleep(0.2)  # the emulator answers this request before it goes dark


def init_args(sim: Emulators, tmp_path: Path, *extra: str) -> list[str]:
    """Return `wattboard init` arguments for these meters, non-interactive, short sample."""
    return [
        "init",
        "--grid", sim.meters["grid"].url,
        "--solar", sim.meters["solar"].url,
        "--config", str(tmp_path / "wattboard.toml"),
        "--store-path", str(tmp_path / "w.db"),
        "--timezone", "Europe/Helsinki",
        "--discover-timeout", "0",
        "--sample-seconds", "3",
        *extra,
    ]  # fmt: skip


async def ingest_once(config: Path) -> int:
    """Load the configuration as `run` does and let a collector ingest once."""
    settings = load_settings(config)
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store, ingest_interval=1.0)
    try:
        await collector.start()
        return await collector.ingest_once()
    finally:
        await collector.aclose()
        await store.close()
