"""The price fetcher against a local server answering like each source, with pinned clocks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.prices.price_server import TOKEN, PriceServer, running_price_server
from tests.store.test_sqlite import METERS
from wattboard.config import PriceSettings
from wattboard.energy.prices import PricePoint
from wattboard.prices.elering import EleringSource
from wattboard.prices.entsoe import EntsoeSource
from wattboard.prices.fetcher import (
    MARKET_ZONE,
    PRICE_BACKOFF,
    PriceFetcher,
    PriceSource,
    PriceStatus,
    day_span,
    missing_days,
    publication,
    runs,
    source_from_settings,
)
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import SqliteStore

HELSINKI_STORE = "Europe/Helsinki"
STEADY = replace(PRICE_BACKOFF, jitter=lambda: 1.0)


class Clock:
    """A pinned clock the test moves."""

    def __init__(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=MARKET_ZONE)

    def __call__(self) -> float:
        return self.now.timestamp()


def day_prices(day: date) -> list[PricePoint]:
    """Quarter-hour prices of a delivery day (hourly before 2025-10-01): cents by the hour."""
    start, end = day_span(day)
    step = 900 if day >= date(2025, 10, 1) else 3600
    return [
        PricePoint(ts, ts + step, round(0.01 * ((ts - start) // 3600) - 0.02, 4))
        for ts in range(start, end, step)
    ]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[AsyncStore]:
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    zone = ZoneInfo(HELSINKI_STORE)
    store = AsyncStore(
        lambda: SqliteStore(tmp_path / "w.db", zone=zone, netting="minute", meters=METERS)
    )
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def server() -> AsyncIterator[PriceServer]:
    async with running_price_server() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=0.5) as client:
        yield client


def fetcher(
    source: PriceSource, store: AsyncStore, clock: Clock, http: httpx.AsyncClient, **kw: int
) -> PriceFetcher:
    return PriceFetcher(source, store, clock=clock, backoff=STEADY, http=http, **kw)


async def stored_days(store: AsyncStore, first: date, last: date) -> list[date]:
    start, end = day_span(first)[0], day_span(last)[1]
    points = await store.prices(start, end)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    missing = set(missing_days(points, days))
    return [d for d in days if d not in missing]


# -- pure parts -------------------------------------------------------------------------------


def test_publication_is_13_brussels_the_day_before() -> None:
    assert datetime.fromtimestamp(publication(date(2025, 10, 11)), MARKET_ZONE).isoformat() == (
        "2025-10-10T13:00:00+02:00"
    )
    assert day_span(date(2025, 10, 26))[1] - day_span(date(2025, 10, 26))[0] == 25 * 3600


def test_missing_days_needs_the_whole_day_covered() -> None:
    day = date(2025, 10, 26)  # 25 hours, 100 quarters
    points = day_prices(day)
    assert len(points) == 100
    assert missing_days(points, [day]) == []
    assert missing_days(points[:-1], [day]) == [day]
    assert missing_days(day_prices(date(2025, 3, 30)), [date(2025, 3, 30)]) == []  # 23 hours


def test_runs_split_at_gaps_and_at_the_limit() -> None:
    d = date(2025, 10, 1)
    days = [d, d + timedelta(1), d + timedelta(2), d + timedelta(5)]
    assert runs(days, 2) == [[d, d + timedelta(1)], [d + timedelta(2)], [d + timedelta(5)]]


def test_source_from_settings_builds_each_source() -> None:
    assert source_from_settings(PriceSettings()) is None
    elering = source_from_settings(PriceSettings(source="elering", area="EE", url="http://x:1"))
    assert isinstance(elering, EleringSource)
    assert elering.url == "http://x:1/api/nps/price"
    entsoe = source_from_settings(PriceSettings(source="entsoe", area="SE3", token="t"))
    assert isinstance(entsoe, EntsoeSource)
    assert entsoe.eic == "10Y1001A1001A46L"


# -- against the server -----------------------------------------------------------------------


async def test_fetcher_fills_history_then_waits_for_publication(
    store: AsyncStore, server: PriceServer, http: httpx.AsyncClient
) -> None:
    today = date(2025, 10, 10)
    for n in range(-10, 2):
        server.publish(day_prices(today + timedelta(days=n)))
    clock = Clock(today, 10)
    prices = fetcher(EleringSource("FI", server.url), store, clock, http, history_days=5)
    pause = await prices.step()
    assert await stored_days(store, today - timedelta(10), today + timedelta(1)) == [
        today - timedelta(days=n) for n in range(5, -1, -1)
    ]  # the last 5 days and today; not tomorrow before 13:00
    assert pause == 3 * 3600  # until 13:00 Brussels
    assert len(server.requests) == 1  # six consecutive days in one request
    # 13:05: tomorrow is published and fetched; the next round is tomorrow at 13:00.
    clock.now = clock.now.replace(hour=13, minute=5)
    pause = await prices.step()
    assert today + timedelta(1) in await stored_days(store, today, today + timedelta(1))
    assert pause == 24 * 3600 - 5 * 60
    assert len(server.requests) == 2  # history is not asked again
    stored = await store.prices(*day_span(today + timedelta(1)))
    assert stored == day_prices(today + timedelta(1))  # EUR/MWh → per kWh, exact periods


async def test_fetcher_retries_tomorrow_until_it_is_published(
    store: AsyncStore, server: PriceServer, http: httpx.AsyncClient
) -> None:
    today = date(2025, 11, 3)
    server.publish(day_prices(today))
    clock = Clock(today, 13, 30)
    prices = fetcher(EleringSource("FI", server.url), store, clock, http, history_days=0)
    assert await prices.step() == prices.not_yet  # tomorrow is due, not there yet
    assert prices.status().failing is False  # late is not a failure
    server.publish(day_prices(today + timedelta(1)))
    clock.now += timedelta(minutes=10)
    assert await prices.step() == pytest.approx(24 * 3600 - 40 * 60)
    assert await stored_days(store, today, today + timedelta(1)) == [today, today + timedelta(1)]


@pytest.mark.parametrize("fault", ["500", "timeout", "empty"])
async def test_fetcher_after_a_fault_retries_and_loses_nothing(
    store: AsyncStore,
    server: PriceServer,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    today = date(2025, 12, 1)
    for n in range(-3, 2):
        server.publish(day_prices(today + timedelta(days=n)))
    clock = Clock(today, 14)
    prices = fetcher(EleringSource("FI", server.url), store, clock, http, history_days=3)
    server.faults = [fault, fault, fault]
    with caplog.at_level(logging.INFO, logger="wattboard.prices.fetcher"):
        pauses = [await prices.step() for _ in range(3)]
        if fault == "empty":
            # An empty answer is no error: tomorrow is asked again soon; past days wait.
            assert pauses == [prices.not_yet] * 3
        else:
            assert pauses == [30.0, 60.0, 120.0]  # the backoff, doubling
            assert prices.status().failing is True
            assert prices.status().failures == 3
        clock.now += timedelta(minutes=1)
        await prices.step()
    assert prices.status().failing is False
    days = await stored_days(store, today - timedelta(3), today + timedelta(1))
    if fault == "empty":
        # Past days the source had nothing for are not asked again until the next start.
        assert days == [today, today + timedelta(1)]
    else:
        assert days == [today + timedelta(days=n) for n in range(-3, 2)]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1  # once per episode, not per attempt
        assert "spot prices from elering failing" in warnings[0].getMessage()
        assert any("back after" in r.getMessage() for r in caplog.records)


async def test_fetcher_entsoe_fills_history_and_tomorrow(
    store: AsyncStore, server: PriceServer, http: httpx.AsyncClient
) -> None:
    today = date(2025, 10, 1)  # the first 15-minute day; the days before are hourly
    for n in range(-2, 2):
        server.publish(day_prices(today + timedelta(days=n)))
    clock = Clock(today, 15)
    source = EntsoeSource("FI", TOKEN, f"{server.url}/api")
    prices = fetcher(source, store, clock, http, history_days=2)
    await prices.step()
    for n in range(-2, 2):
        day = today + timedelta(days=n)
        assert await store.prices(*day_span(day)) == day_prices(day)
    assert server.requests[0]["documentType"] == "A44"
    assert server.requests[0]["in_Domain"] == "10YFI-1--------U"
    assert server.requests[0]["periodStart"] == "202509282200"  # 2025-09-29 00:00 CEST


async def test_fetcher_entsoe_with_a_wrong_token_fails_naming_it(
    store: AsyncStore, server: PriceServer, http: httpx.AsyncClient
) -> None:
    clock = Clock(date(2025, 10, 1), 9)
    prices = fetcher(EntsoeSource("FI", "wrong", f"{server.url}/api"), store, clock, http)
    assert await prices.step() == 30.0
    assert "refused the security token" in prices.status().error
    assert "wrong" not in prices.status().error


async def test_fetcher_run_stops_when_told_and_never_blocks_the_loop(
    store: AsyncStore, server: PriceServer, http: httpx.AsyncClient
) -> None:
    today = date(2025, 10, 15)
    server.publish(day_prices(today))
    server.faults = ["timeout"]  # the first round waits on a slow server
    prices = fetcher(EleringSource("FI", server.url), store, Clock(today, 8), http, history_days=0)
    reported: list[PriceStatus] = []

    async def report(status: PriceStatus) -> None:
        reported.append(status)

    prices.report = report
    stop = asyncio.Event()
    task = asyncio.create_task(prices.run(stop))
    ticks = 0
    while prices.status().failures == 0:
        await asyncio.sleep(0.01)  # the loop keeps turning while the request waits
        ticks += 1
    assert ticks > 10
    stop.set()
    await asyncio.wait_for(task, 2)  # the backoff pause ends at once on stop
    assert [(r.failing, r.failures) for r in reported] == [(True, 1)]
    assert reported[0].error == "elering did not answer in time (ReadTimeout)"
