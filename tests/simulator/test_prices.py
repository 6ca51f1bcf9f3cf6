"""The emulator's Elering-compatible price endpoint: Elering's shape, published at 13:00 CET."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.store.test_sqlite import METERS
from wattboard.prices.elering import EleringSource, parse_elering
from wattboard.prices.emulated import emulated_prices
from wattboard.prices.fetcher import MARKET_ZONE, PriceFetcher, day_span
from wattboard.simulator import EmulatorOptions, start_emulators
from wattboard.simulator.prices import PriceEmulator, published_until
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import SqliteStore

DAY = date(2025, 10, 25)  # the day before the autumn DST change


def _at(day: date, hour: int, minute: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MARKET_ZONE).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def emulator() -> AsyncIterator[PriceEmulator]:
    emulator = PriceEmulator(Clock(_at(DAY, 12, 59)), seed=3)
    await emulator.start()
    yield emulator
    await emulator.stop()


def test_published_until_tomorrow_from_13_brussels() -> None:
    assert published_until(_at(DAY, 12, 59)) == day_span(DAY)[1]
    assert published_until(_at(DAY, 13, 0)) == day_span(DAY + timedelta(days=1))[1]


async def test_price_emulator_answers_as_elering_does(emulator: PriceEmulator) -> None:
    source = EleringSource("FI", emulator.url)
    start, end = day_span(DAY - timedelta(days=1))[0], day_span(DAY + timedelta(days=1))[1]
    async with httpx.AsyncClient(timeout=5) as client:
        early = await source.fetch(client, start, end)
        assert isinstance(emulator.clock, Clock)
        emulator.clock.now = _at(DAY, 13, 1)
        late = await source.fetch(client, start, end)
        response = await client.get(f"{emulator.url}/api/nps/price", params={"start": "x"})
    expected = emulated_prices(start, end, seed=3)
    assert len(early) == 96 * 2  # yesterday and today; tomorrow is not published before 13:00
    assert len(late) == 96 * 2 + 100  # tomorrow, 25 hours, from 13:00 Brussels time
    # EUR/MWh with two decimals, as Elering sends them.
    assert [p.start for p in late] == [p.start for p in expected]
    assert all(abs(a.price - b.price) < 0.000_005_1 for a, b in zip(late, expected, strict=True))
    assert response.status_code == 400
    assert response.json()["success"] is False


async def test_price_emulator_areas_share_one_curve(emulator: PriceEmulator) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(
            f"{emulator.url}/api/nps/price",
            params={"start": "2025-10-24T21:00:00.000Z", "end": "2025-10-24T21:59:59.999Z"},
        )
    assert [len(parse_elering(response.content, a)) for a in ("FI", "EE", "LV", "LT")] == [4] * 4


async def test_price_emulator_feeds_the_fetcher(emulator: PriceEmulator, tmp_path: Path) -> None:
    store = AsyncStore(
        lambda: SqliteStore(
            tmp_path / "w.db", zone=ZoneInfo("Europe/Helsinki"), netting="minute", meters=METERS
        )
    )
    await store.open()
    try:
        data = store
        async with httpx.AsyncClient(timeout=5) as client:
            fetcher = PriceFetcher(
                EleringSource("FI", emulator.url),
                data,
                clock=lambda: _at(DAY, 14),
                http=client,
                history_days=30,
            )
            assert isinstance(emulator.clock, Clock)
            emulator.clock.now = _at(DAY, 14)
            await fetcher.step()
        first, last = DAY - timedelta(days=30), DAY + timedelta(days=1)
        stored = await data.prices(day_span(first)[0], day_span(last)[1])
        # 30 + 1 days of 96 quarters, tomorrow 100 (25 hours), from 2025-10-01; hourly before.
        hourly_days = (date(2025, 10, 1) - first).days
        assert len(stored) == hourly_days * 24 + (31 - hourly_days) * 96 + 100
    finally:
        await store.close()


async def test_simulate_serves_prices_beside_the_meters() -> None:
    options = EmulatorOptions(port=0, history_days=0, start=_at(DAY, 8))
    async with start_emulators(options) as sim:
        assert sim.prices is not None
        async with httpx.AsyncClient(timeout=5) as client:
            points = await EleringSource("EE", sim.prices.url).fetch(client, *day_span(DAY))
    assert len(points) == 96
    assert sim.prices.requests == 1
