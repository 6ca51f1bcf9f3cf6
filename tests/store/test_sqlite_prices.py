"""Spot prices in SQLite: upsert by start, overlaps replaced, all or nothing, the change log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.store.test_sqlite import METERS, rec
from wattboard.energy.prices import PricePoint
from wattboard.exceptions import InvalidInputError
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.schema import SCHEMA_VERSION
from wattboard.store.sqlite import ENERGY_CHANGE, PRICES_CHANGE, SqliteStore

HELSINKI = ZoneInfo("Europe/Helsinki")
T0 = 1_759_276_800  # 2025-10-01 00:00 UTC


def quarters(start: int, prices: list[float]) -> list[PricePoint]:
    return [PricePoint(start + 900 * i, start + 900 * (i + 1), p) for i, p in enumerate(prices)]


def hours(start: int, prices: list[float]) -> list[PricePoint]:
    return [PricePoint(start + 3600 * i, start + 3600 * (i + 1), p) for i, p in enumerate(prices)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    yield db
    db.close()


def test_put_prices_stores_and_reads_back_oldest_first(store: SqliteStore) -> None:
    points = quarters(T0, [0.05, -0.002, 0.1234567, 0.0])
    assert store.put_prices(list(reversed(points))) == 4
    assert store.prices(T0, T0 + 3600) == points
    assert store.prices(T0 + 900, T0 + 2700) == points[1:3]  # start <= p.start < end
    assert store.prices(T0 + 3600, T0 + 7200) == []
    assert store.prices(-(2**70), 2**70) == points  # huge bounds mean "everything"
    assert store.price_span() == (T0, T0 + 3600)


def test_put_prices_upserts_by_start(store: SqliteStore) -> None:
    store.put_prices(quarters(T0, [0.05, 0.06]))
    assert store.put_prices([PricePoint(T0 + 900, T0 + 1800, 0.07)]) == 1
    assert [p.price for p in store.prices(T0, T0 + 3600)] == [0.05, 0.07]


def test_put_prices_replaces_overlapping_periods_of_another_resolution(
    store: SqliteStore,
) -> None:
    store.put_prices(hours(T0, [0.10, 0.20]))
    # The first hour again in quarters: the hourly row goes, the second hour stays.
    store.put_prices(quarters(T0, [0.11, 0.12, 0.13, 0.14]))
    assert [(p.start - T0, p.end - T0, p.price) for p in store.prices(T0, T0 + 7200)] == [
        (0, 900, 0.11),
        (900, 1800, 0.12),
        (1800, 2700, 0.13),
        (2700, 3600, 0.14),
        (3600, 7200, 0.20),
    ]
    # And back: one hour replaces the four quarters it covers.
    store.put_prices(hours(T0, [0.15]))
    assert [(p.start - T0, p.price) for p in store.prices(T0, T0 + 7200)] == [
        (0, 0.15),
        (3600, 0.20),
    ]


def test_put_prices_with_a_bad_point_stores_nothing(store: SqliteStore) -> None:
    good = quarters(T0, [0.05, 0.06])
    bad = PricePoint(T0 + 1800, T0 + 2400, 0.07)  # ten minutes
    with pytest.raises(InvalidInputError, match="lasts 600 s") as caught:
        store.put_prices([*good, bad])
    assert caught.value.field == "prices"
    assert store.prices(0, 2**40) == []


def test_put_prices_empty_writes_nothing(store: SqliteStore) -> None:
    assert store.put_prices([]) == 0
    assert store.price_span() is None


def test_put_prices_logs_a_prices_change_while_replicating(store: SqliteStore) -> None:
    store.put_prices(hours(T0 - 86400, [0.1]))  # before replication: logged by the start
    store.start_replication()
    store.upsert([rec("grid", T0)])
    store.put_prices(quarters(T0, [0.05, 0.06]) + quarters(T0 + 86400, [0.07]))
    logged = [(c.kind, c.meter, c.start - T0, c.end - T0) for c in store.changes(0, 100)]
    assert logged == [
        (PRICES_CHANGE, None, -86400, -86399),  # the stored prices, from the first start
        (ENERGY_CHANGE, "grid", 0, 60),
        (PRICES_CHANGE, None, 0, 901),  # periods starting in [start, end)
        (PRICES_CHANGE, None, 86400, 86401),  # a day later: its own change
    ]


def test_put_prices_migration_adds_the_table_to_a_version_2_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.start_replication()
    store.upsert([rec("grid", T0)])
    store.close()
    with sqlite3.connect(path) as db:  # the file the previous Wattboard left behind
        db.execute("DROP TABLE prices")
        db.execute("ALTER TABLE changes DROP COLUMN kind")
        db.execute("PRAGMA user_version = 2")
    db.close()
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    try:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert [c.kind for c in store.changes(0, 10)] == [ENERGY_CHANGE]  # old rows: energy
        assert store.put_prices(quarters(T0, [0.05])) == 1
        assert store.prices(T0, T0 + 900) == quarters(T0, [0.05])
    finally:
        store.close()


async def test_put_prices_through_the_async_facade(tmp_path: Path) -> None:
    store = AsyncStore(
        lambda: SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    )
    await store.open()
    try:
        facade = store
        assert await facade.put_prices(hours(T0, [0.1, -0.01])) == 2
        assert await facade.prices(T0, T0 + 86400) == hours(T0, [0.1, -0.01])
    finally:
        await store.close()
