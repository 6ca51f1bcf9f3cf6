"""A home site on emulated meters: collector, SQLite store and the API on a real HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from wattboard.api.app import create_app
from wattboard.api.server import bind, bound_url, serve
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.runtime import home_context
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators
from wattboard.store.asyncstore import AsyncStore

TOKEN = "test-token-0123456789"
# The site's clock in these tests: a Wednesday in mid-June, Helsinki. Pinned, so the emulated
# history and "today" of the API are the same on every date and time of day the suite runs;
# tests that need the host's clock take `live_site` and derive their counts from `period()`.
PINNED_NOW = datetime(2026, 6, 17, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki")).timestamp()


@dataclass
class Site:
    sim: Emulators
    settings: Settings
    store: AsyncStore
    collector: Collector
    url: str
    client: httpx.AsyncClient


def site_settings(sim: Emulators | None, db: Path, netting: str = "minute") -> Settings:
    meters = (
        [{"id": r, "role": r, "url": m.url} for r, m in sim.meters.items()]
        if sim
        else [{"id": r, "role": r, "url": "http://192.0.2.1"} for r in ("grid", "solar")]
    )
    return Settings(
        site={"id": "test", "timezone": "Europe/Helsinki", "netting": netting},
        store={"path": db},
        api={"host": "127.0.0.1", "port": 0, "token": TOKEN},
        collector={"live_interval": 0.2, "request_timeout": 2.0},
        meters=meters,
    )


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """Two emulated meters with two days of history up to `PINNED_NOW`, ingested, served live."""
    async with _site(tmp_path, PINNED_NOW) as running:
        yield running


@pytest.fixture
async def live_site(tmp_path: Path) -> AsyncIterator[Site]:
    """The same site on the host's clock: its days are whatever today's calendar makes them."""
    async with _site(tmp_path, None) as running:
        yield running


@contextlib.asynccontextmanager
async def _site(tmp_path: Path, start: float | None) -> AsyncIterator[Site]:
    options = EmulatorOptions(port=0, history_days=2, seed=31, start=start)
    async with start_emulators(options) as sim:
        settings = site_settings(sim, tmp_path / "w.db")
        store = open_store(settings)
        await store.open()
        collector = Collector(settings, store, ingest_interval=3600)
        await collector.start()
        await collector.ingest_once()
        sock = bind("127.0.0.1", 0)
        stop = asyncio.Event()
        context = home_context(settings, store, collector)
        context.clock = sim.meters["grid"].device.clock.now  # the API's "today" is the site's
        app = create_app(context)
        tasks = [
            asyncio.create_task(serve(app, sock, stop)),
            asyncio.create_task(collector.run(stop)),
        ]
        url = bound_url(sock)
        for _ in range(50):  # until both meters answered a live poll
            if not collector.live.stale:
                break
            await asyncio.sleep(0.05)
        try:
            async with httpx.AsyncClient(base_url=url + "/api/v1", timeout=10) as client:
                yield Site(sim, settings, store, collector, url, client)
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            sock.close()
            await store.close()


@contextlib.asynccontextmanager
async def serving_empty(
    tmp_path: Path, token: str = TOKEN, web_dir: Path | None = None
) -> AsyncIterator[tuple[str, int]]:
    """An API over an empty store (no meters to poll) on a real server; yields its address."""
    settings = site_settings(None, tmp_path / "w.db")
    settings.api.token = type(settings.api.token)(token)
    store = open_store(settings)
    await store.open()
    sock = bind("127.0.0.1", 0)
    stop = asyncio.Event()
    ctx = home_context(settings, store, None)
    ctx.web_dir = web_dir or ctx.web_dir
    task = asyncio.create_task(serve(create_app(ctx), sock, stop))
    try:
        yield sock.getsockname()[:2]
    finally:
        stop.set()
        await task
        sock.close()
        await store.close()
