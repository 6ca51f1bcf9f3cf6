"""The async store facade: one thread owns the connection; fixed facts kept; errors mapped."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import StoreError
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import MeterSpec, SqliteStore

HELSINKI = ZoneInfo("Europe/Helsinki")
METERS = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
T0 = 1_700_000_040  # a minute start


def _sqlite(path: Path) -> SqliteStore:
    return SqliteStore(path, zone=HELSINKI, netting="hour", meters=METERS)


def test_asyncstore_connection_refuses_another_thread(tmp_path: Path) -> None:
    store = _sqlite(tmp_path / "w.db")
    errors: list[BaseException] = []

    def use() -> None:
        try:
            store.count()
        except sqlite3.ProgrammingError as err:
            errors.append(err)

    worker = threading.Thread(target=use)
    worker.start()
    worker.join()
    store.close()
    assert len(errors) == 1
    assert "thread" in str(errors[0])


async def test_asyncstore_keeps_fixed_facts_and_serves_from_its_thread(tmp_path: Path) -> None:
    store = AsyncStore(lambda: _sqlite(tmp_path / "w.db"))
    await store.open()
    try:
        assert store.zone is HELSINKI
        assert store.netting == "hour"
        assert store.path == tmp_path / "w.db"
        assert await store.expected_meters() == 2
        record = MinuteRecord("grid", T0 - T0 % 60, *[1.0] * 18)
        assert await store.upsert([record]) == 1
        assert await store.count("grid") == 1
        assert [m.id for m in await store.meters()] == ["grid", "solar"]
    finally:
        await store.close()


async def test_asyncstore_operational_error_names_the_file(tmp_path: Path) -> None:
    store = AsyncStore(lambda: _sqlite(tmp_path / "w.db"))
    await store.open()
    try:
        # A file whose tables vanished under the service (another program dropped one).
        await store._call(lambda s: s._db.execute("DROP TABLE gaps"))
        with pytest.raises(StoreError, match=r"w\.db: no such table: gaps"):
            await store.gaps("grid")
    finally:
        await store.close()


async def test_asyncstore_refuses_work_before_open(tmp_path: Path) -> None:
    store = AsyncStore(lambda: _sqlite(tmp_path / "w.db"))
    with pytest.raises(StoreError, match="not open"):
        await store.count()
    with pytest.raises(StoreError, match="not open"):
        _ = store.zone
    await store.close()
