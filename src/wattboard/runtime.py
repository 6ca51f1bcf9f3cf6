"""The parts started together: collector, API and (for the demo) emulated meters."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.server import bind, bound_url, serve
from wattboard.api.static import find_web_dir
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.store.asyncstore import AsyncStore, SqliteReaderWriter

log = logging.getLogger("wattboard")
Announce = Callable[[str], None]


def stop_on_signals() -> asyncio.Event:
    """Return an event that SIGINT and SIGTERM set."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def rebuild_if_needed(
    store: AsyncStore, rebuild: Callable[[AsyncStore], Awaitable[None]]
) -> None:
    reasons = await store.run(store.sync.needs_rebuild)
    if reasons:
        log.info("rebuilding rollups: %s", "; ".join(reasons))
        await rebuild(store)


def home_context(settings: Settings, store: AsyncStore, collector: Collector | None) -> ApiContext:
    """The API at home: reads and writes SQLite, live power from the collector."""
    data = SqliteReaderWriter(store)
    return ApiContext(
        site_id=settings.site.id,
        reader=data,
        writer=data,
        live=collector.live if collector else None,
        token=settings.api.token.get_secret_value(),
        cors_origins=settings.api.cors_origins,
        web_dir=find_web_dir(settings.api.web_dir),
        devices=(lambda: collector.devices) if collector else dict,
        stats=collector.stats if collector else dict,
    )


async def run_home(
    settings: Settings,
    stop: asyncio.Event,
    *,
    collect: bool,
    rebuild: Callable[[AsyncStore], Awaitable[None]],
    announce: Announce | None = None,
) -> None:
    """Run the API over SQLite, with the collector when `collect`, until `stop` is set."""
    sock = bind(settings.api.host, settings.api.port)
    store = open_store(settings)
    await store.open()
    try:
        await rebuild_if_needed(store, rebuild)
        collector = Collector(settings, store) if collect else None
        app = create_app(home_context(settings, store, collector))
        if announce is not None:
            announce(bound_url(sock))
        async with asyncio.TaskGroup() as group:
            group.create_task(serve(app, sock, stop))
            if collector is not None:
                group.create_task(collector.run(stop))
    finally:
        sock.close()
        await store.close()
