"""The money cache of the SQLite store: days priced in slices give what pricing at once gives."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.mongo_server import sqlite_store
from tests.store.test_mongo import START, synthetic
from tests.store.test_mongo_money import TARIFF
from wattboard.config import Settings
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import MinuteRecord
from wattboard.energy.tariff import TariffBook
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import money as money_module

FAR = 2**37


def _book() -> TariffBook:
    return Settings(site={"timezone": "Europe/Helsinki"}, tariffs=[TARIFF]).tariff_book()


def _fill(path: Path) -> int:
    """Four days of minutes around a DST change, hourly prices over them; return the day rows."""
    store = sqlite_store(path, netting="15min")
    try:
        for records in synthetic().values():
            store.upsert(records)
        first = START - 13 * 3600
        store.put_prices(
            [
                PricePoint(ts, ts + 3600, 0.01 * (ts // 3600 % 24))
                for ts in range(first, first + 5 * 86400, 3600)
            ]
        )
        return len(store.day_rows(0, FAR))
    finally:
        store.close()


def test_money_price_some_slices_and_matches_pricing_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = _fill(tmp_path / "w.db")
    assert days > 1  # several day rows, so several slices
    book = _book()
    at_once = sqlite_store(tmp_path / "w.db", netting="15min")
    expected = at_once.money_days(0, FAR, book)
    at_once.close()
    monkeypatch.setattr(money_module, "MONEY_SLICE_DAYS", 1)
    store = sqlite_store(tmp_path / "w.db", netting="15min")
    try:
        calls = 1
        while not store.price_some(0, FAR, book, budget=0.0):
            calls += 1
        assert calls == days  # one day per slice, each call past its budget after one slice
        assert store.price_some(0, FAR, book, budget=0.0)  # nothing left to price
        assert store.money_days(0, FAR, book) == expected
        assert sum(m.import_cost for _, m in expected) > 0
    finally:
        store.close()


async def test_money_asyncstore_lets_a_write_in_between_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path / "w.db")
    monkeypatch.setattr(money_module, "MONEY_SLICE_DAYS", 1)
    monkeypatch.setattr(money_module, "MONEY_SLICE", 0.0)
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db", netting="15min"))
    await store.open()
    try:
        pricing = asyncio.create_task(store.money_sums([(0, FAR)], _book()))
        await asyncio.sleep(0)  # the first slice is queued on the store's thread
        last = synthetic()["grid"][-1]
        write = MinuteRecord("grid", last.ts + 60, *[0.5] * 18)
        assert await store.upsert([write]) == 1
        assert not pricing.done()  # the write ran between two slices, not after all of them
        (money,) = await pricing
        assert money.import_cost > 0
    finally:
        await store.close()
