"""The parts started together: collector, API and (for the demo) emulated meters."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from wattboard.collector.view import HomeView
from wattboard.config import Settings
from wattboard.counters import EnergyCounters
from wattboard.energy.prices import HOUR, QUARTER_HOUR, covering
from wattboard.energy.tariff import TariffBook
from wattboard.exceptions import ConfigError
from wattboard.store.asyncstore import AsyncStore, open_store

if TYPE_CHECKING:
    from fastapi import FastAPI

    from wattboard.api.context import ApiContext
    from wattboard.collector.live import LiveState
    from wattboard.collector.service import Collector
    from wattboard.mqtt.homeassistant import HomeAssistantBridge
    from wattboard.prices.fetcher import PriceFetcher, PriceStatus
    from wattboard.replica.replicator import Replicator

# The API (FastAPI, uvicorn: 15 MiB of RSS) is imported by the functions that serve it, not
# here: `backfill` and `rebuild` use this module's rebuild check and never serve
# (tests/cli/test_lean.py pins it). The collector (httpx, the meter client) is imported only
# when this process collects: `serve` runs without it.

log = logging.getLogger("wattboard")
Announce = Callable[[str], None]


def skip_pydantic_v1() -> None:
    """Keep FastAPI from loading `pydantic.v1` (1.5 MB of RSS) just to learn that no route uses it.

    FastAPI checks every route's models against `pydantic.v1.BaseModel` and, when that import
    fails, knows there are none (the API has no v1 models). A None entry in `sys.modules` makes
    the import fail at once. Left alone when something has loaded it already. Called before the
    API's modules are imported: their routes are checked as they are defined.
    """
    if "pydantic.v1" not in sys.modules:
        sys.modules["pydantic.v1"] = None  # type: ignore[assignment]


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
    reasons = await store.needs_rebuild()
    if reasons:
        log.info("rebuilding rollups: %s", "; ".join(reasons))
        await rebuild(store)


def home_context(
    settings: Settings,
    store: AsyncStore,
    collector: Collector | None,
    replicator: Replicator | None = None,
    counters: EnergyCounters | None = None,
) -> ApiContext:
    """The API at home: reads and writes SQLite, live power from the collector."""
    from wattboard.api.context import ApiContext  # noqa: PLC0415 - see the imports above
    from wattboard.api.static import find_web_dir  # noqa: PLC0415

    data = store
    return ApiContext(
        site_id=settings.site.id,
        reader=data,
        writer=data,
        view=HomeView(store, collector, replicator, counters=counters),
        token=settings.api.token.get_secret_value(),
        cors_origins=settings.api.cors_origins,
        web_dir=find_web_dir(settings.api.web_dir),
        store_path=settings.store.resolved_path(),
        tariffs=settings.tariff_book(),
    )


def current_prices(
    book: TariffBook, store: AsyncStore, clock: Callable[[], float] = time.time
) -> Callable[[], Awaitable[tuple[float | None, float | None]]]:
    """Return a function giving the full import and export price per kWh now."""

    async def now() -> tuple[float | None, float | None]:
        ts = int(clock())
        # Periods are at most an hour long: the one containing now starts within the hour.
        point = covering(await store.prices(ts - HOUR + 1, ts + 1), ts)
        if point is None:
            # Without a spot price a spot component leaves the price unknown; fixed ones stand.
            return book.prices(ts - ts % QUARTER_HOUR, None)
        return book.prices(point.start, point.price)

    return now


def _home_assistant(
    settings: Settings,
    store: AsyncStore,
    collector: Collector,
    counters: EnergyCounters,
    replicator: Replicator | None,
) -> HomeAssistantBridge | None:
    """Return the Home Assistant bridge when `[mqtt]` is set (its client is loaded only then)."""
    if settings.mqtt is None:
        return None
    from wattboard.mqtt.homeassistant import HomeAssistantBridge  # noqa: PLC0415

    book = settings.tariff_book()
    log.info("publishing to Home Assistant via MQTT broker %s", settings.mqtt.host)
    return HomeAssistantBridge(
        settings,
        collector.live,
        counters,
        replication_lag=replicator.lag_seconds if replicator else None,
        models=lambda: {k: v.model for k, v in collector.devices.items() if v.model},
        prices=current_prices(book, store) if book else None,
    )


async def _replicator(settings: Settings, store: AsyncStore) -> Replicator | None:
    """Return the MongoDB replicator when `[mongo]` is set; else stop logging changes for one."""
    if settings.mongo is None:
        # Without a replica the change log would only grow; enabling one later resends all.
        await store.stop_replication()
        return None
    # pymongo is an optional extra: loaded only when a replica is configured.
    from wattboard.replica.replicator import Replicator  # noqa: PLC0415

    log.info("replicating to MongoDB database %s", settings.mongo.database)
    return Replicator.from_settings(settings, store)


def _price_fetcher(settings: Settings, store: AsyncStore) -> PriceFetcher | None:
    """Return the fetcher of `[prices]`, or None without a source."""
    if settings.prices.source == "none":
        return None
    from wattboard.prices.fetcher import PriceFetcher, source_from_settings  # noqa: PLC0415

    source = source_from_settings(settings.prices)
    if source is None:
        return None
    log.info("spot prices from %s for area %s", source.name, settings.prices.area)

    async def report(status: PriceStatus) -> None:
        await store.set_price_status(dataclasses.asdict(status))

    return PriceFetcher(source, store, report=report)


async def run_home(
    settings: Settings,
    stop: asyncio.Event,
    *,
    collect: bool,
    rebuild: Callable[[AsyncStore], Awaitable[None]],
    announce: Announce | None = None,
) -> None:
    """Run the API over SQLite, with the collector when `collect`, until `stop` is set."""
    skip_pydantic_v1()
    from wattboard.api.app import create_app  # noqa: PLC0415 - see the imports above
    from wattboard.api.server import bind, bound_url, serve  # noqa: PLC0415

    sock = bind(settings.api.host, settings.api.port)
    store = open_store(settings)
    await store.open()
    try:
        await rebuild_if_needed(store, rebuild)
        collector = _collector(settings, store) if collect else None
        replicator = await _replicator(settings, store) if collect else None
        prices = _price_fetcher(settings, store) if collect else None
        if collector is not None and replicator is not None:
            collector.on_stored.append(replicator.wake)
        counters = EnergyCounters(store)
        if collector is not None:
            collector.on_stored.append(counters.wake)
        bridge = (
            _home_assistant(settings, store, collector, counters, replicator) if collector else None
        )
        app = create_app(home_context(settings, store, collector, replicator, counters))
        if announce is not None:
            announce(bound_url(sock))
        async with asyncio.TaskGroup() as group:
            group.create_task(serve(app, sock, stop))
            if collector is not None:
                group.create_task(collector.run(stop))
                group.create_task(_close_on(stop, collector.live))
            if replicator is not None:
                group.create_task(replicator.run(stop))
            group.create_task(counters.run(stop))
            if bridge is not None:
                group.create_task(bridge.run(stop))
            if collector is not None:
                from wattboard.alerts.service import AlertService  # noqa: PLC0415 - collects only

                alerts = AlertService(settings, collector, store, replicator)
                group.create_task(alerts.run(stop))
            if prices is not None:
                group.create_task(prices.run(stop))
    finally:
        sock.close()
        await store.close()


def _collector(settings: Settings, store: AsyncStore) -> Collector:
    from wattboard.collector.service import Collector  # noqa: PLC0415 - see the imports above

    return Collector(settings, store)


async def _close_on(stop: asyncio.Event, live: LiveState) -> None:
    """End the live streams as soon as the process is told to stop."""
    await stop.wait()
    live.close()


async def run_cloud(
    settings: Settings, stop: asyncio.Event, announce: Announce | None = None
) -> None:
    """Serve the read-only, token-locked API over the MongoDB replica until `stop` is set."""
    skip_pydantic_v1()
    from wattboard.api.app import create_app  # noqa: PLC0415 - see the imports above
    from wattboard.api.context import ApiContext  # noqa: PLC0415
    from wattboard.api.live import NoLiveData  # noqa: PLC0415
    from wattboard.api.server import bind, bound_url, serve  # noqa: PLC0415
    from wattboard.api.sites import SiteDispatcher  # noqa: PLC0415
    from wattboard.api.static import find_web_dir  # noqa: PLC0415
    from wattboard.store.mongo import MongoReplica, SiteInfo  # noqa: PLC0415 - optional extra

    if settings.mongo is None:
        raise ConfigError("store.backend = 'mongodb' needs a [mongo] section with uri and database")
    tokens = _site_tokens(settings)
    sock = bind(settings.api.host, settings.api.port)
    replica = MongoReplica.connect(settings.mongo.uri.get_secret_value(), settings.mongo.database)
    site = settings.site
    fallback = SiteInfo(site.id, site.zone, site.netting, max(1, len(settings.meters)))
    web_dir = find_web_dir(settings.api.web_dir)
    book = settings.tariff_book()

    async def build(site_id: str) -> FastAPI:
        reader = await replica.reader(site_id, fallback=fallback if site_id == site.id else None)
        # The configured tariffs are the default site's, in the zone its replica records.
        tariffs = TariffBook(book.tariffs, reader.zone) if site_id == site.id else None
        ctx = ApiContext(
            site_id=site_id,
            reader=reader,
            token=tokens[site_id],
            read_only=True,
            backend="mongodb",
            cors_origins=settings.api.cors_origins,
            web_dir=web_dir,
            view=NoLiveData(reader),
            site_tokens=tokens,
            default_site=site.id,
            tariffs=tariffs,
        )
        return create_app(ctx)

    try:
        app = SiteDispatcher(await build(site.id), build, tokens)
        if announce is not None:
            announce(bound_url(sock))
        await serve(app, sock, stop)
    finally:
        sock.close()
        await replica.close()


def _site_tokens(settings: Settings) -> dict[str, str]:
    """Return each served site's token: `api.token` for `site.id`, then `api.site_tokens`."""
    tokens = {k: v.get_secret_value() for k, v in settings.api.site_tokens.items()}
    if settings.api.token.get_secret_value():
        tokens.setdefault(settings.site.id, settings.api.token.get_secret_value())
    if settings.site.id not in tokens:
        raise ConfigError(
            f"the cloud API needs a token for site {settings.site.id!r}: set api.token "
            "(e.g. WATTBOARD_API__TOKEN) or api.site_tokens; it locks every read"
        )
    empty = sorted(k for k, v in tokens.items() if not v)
    if empty:
        raise ConfigError(f"api.site_tokens: empty token for {', '.join(empty)}")
    return tokens
