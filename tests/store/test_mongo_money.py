"""Money on the cloud API: the replica's quarters and prices give the Pi's money, to the cent."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.mongo_server import MongoServer, fresh_replica, running_server, sqlite_store
from tests.store.test_mongo import START, TOKEN, synthetic
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.config import Settings
from wattboard.energy.prices import PricePoint
from wattboard.replica.replicator import Replicator
from wattboard.store.asyncstore import AsyncStore

SITE = "home"
NOW = 1_762_000_000  # 2025-11-01, after the data
TARIFF = {
    "valid_from": "2025-01-01",
    "currency": "EUR",
    "monthly_fees": [{"name": "basic", "price": 5.0, "vat": 25.5}],
    "import": [
        {"name": "energy", "spot": True, "price": 0.005, "vat": 25.5},
        {"name": "transfer", "price": 0.03, "vat": 25.5},
    ],
    "export": [{"name": "sale", "spot": True, "price": -0.003}],
}
PATHS = [
    "/energy/day/2025-10-26",
    "/energy/week/2025-W43",
    "/energy/month/2025-10",
    "/energy/year/2025",
    "/energy/years",
    "/energy?start=2025-10-25&end=2025-10-27&bucket=15m",
    "/energy?start=2025-10-24&end=2025-10-29&bucket=day",
    "/prices?start=2025-10-24&end=2025-10-29",
    "/export.csv?start=2025-10-25&end=2025-10-27&bucket=hour",
]


@pytest.fixture(scope="module")
def mongo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    with running_server(tmp_path_factory.mktemp("mongo")) as server:
        yield server


@pytest.fixture
async def apis(
    mongo: MongoServer, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db", netting="15min"))
    await store.open()
    replica = fresh_replica(mongo)
    rng = random.Random(7)
    # Hourly prices over the four days, some negative.
    first = START - 13 * 3600
    points = [
        PricePoint(ts, ts + 3600, round(rng.uniform(-0.02, 0.3), 5))
        for ts in range(first, first + 5 * 86400, 3600)
    ]
    try:
        for records in synthetic().values():
            await store.upsert(records)
        await store.put_prices(points)
        await Replicator(store, replica, SITE).sync_once()
        book = Settings(site={"timezone": "Europe/Helsinki"}, tariffs=[TARIFF]).tariff_book()
        home = ApiContext(SITE, store, clock=lambda: NOW, tariffs=book)
        cloud = ApiContext(
            SITE,
            await replica.reader(SITE),
            token=TOKEN,
            read_only=True,
            backend="mongodb",
            clock=lambda: NOW,
            tariffs=book,
        )
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            _client(home, {}) as home_client,
            _client(cloud, headers) as cloud_client,
        ):
            yield home_client, cloud_client
    finally:
        await replica.close()
        await store.close()


def _client(ctx: ApiContext, headers: dict[str, str]) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(ctx))
    return httpx.AsyncClient(transport=transport, base_url="http://t/api/v1", headers=headers)


async def test_mongo_cloud_money_and_prices_equal_the_pis(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    home, cloud = apis
    for path in PATHS:
        at_home, away = await home.get(path), await cloud.get(path)
        assert at_home.status_code == away.status_code == 200, path
        assert away.content == at_home.content, path
    month = (await cloud.get("/energy/month/2025-10")).json()
    money = month["totals"]["money"]
    assert money["currency"] == "EUR"
    assert money["priced"] == 1.0
    assert money["import_cost"] > 0
    assert money["fixed_fees"] > 0
