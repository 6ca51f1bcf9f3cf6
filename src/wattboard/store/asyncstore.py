"""Run a synchronous store on one dedicated thread, so the event loop never waits on disk."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from wattboard.energy.flows import Flows
from wattboard.energy.money import Money
from wattboard.energy.netting import Netting
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import MinuteSums
from wattboard.energy.tariff import TariffBook
from wattboard.exceptions import StoreError
from wattboard.store.base import DayRow, MeterInfo
from wattboard.store.sqlite import SqliteStore, damaged

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStore:
    """All store work, reads and writes, is queued on one thread: SQLite has one writer anyway."""

    def __init__(self, opener: Callable[[], SqliteStore]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wattboard-store")
        self._opener = opener
        self._store: SqliteStore | None = None

    async def open(self) -> SqliteStore:
        """Open the store on its thread; the connection then lives there."""
        self._store = await self._submit(self._opener)
        return self._store

    @property
    def sync(self) -> SqliteStore:
        if self._store is None:
            raise RuntimeError("the store is not open")
        return self._store

    async def run(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `func(*args, **kwargs)` on the store's thread and return its result."""
        try:
            return await self._submit(functools.partial(func, *args, **kwargs))
        except sqlite3.OperationalError as err:
            # A full disk, a locked or vanished file: the caller decides whether to retry.
            raise StoreError(f"the database {self._path()}: {err}") from err
        except sqlite3.DatabaseError as err:
            raise StoreError(damaged(self._path(), err)) from err

    def _path(self) -> Path | str:
        return self._store.path if self._store is not None else "(not open)"

    async def _submit(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def close(self) -> None:
        if self._store is not None:
            await self._submit(self._store.close)
            self._store = None
        self._executor.shutdown(wait=True)


class SqliteReaderWriter:
    """The SQLite store seen through the `EnergyWriter` protocol the API uses."""

    def __init__(self, store: AsyncStore) -> None:
        self.store = store

    @property
    def zone(self) -> ZoneInfo:
        return self.store.sync.zone

    @property
    def netting(self) -> Netting:
        return self.store.sync.netting

    async def meters(self) -> list[MeterInfo]:
        return await self.store.run(self.store.sync.meter_infos)

    async def expected_meters(self) -> int:
        return self.store.sync.meter_count()

    async def quarter_sums(self, start: int, end: int) -> dict[int, MinuteSums]:
        return await self.store.run(self.store.sync.quarter_sums, start, end)

    async def day_rows(self, start: int, end: int) -> list[DayRow]:
        return await self.store.run(self.store.sync.day_rows, start, end)

    async def day_sums(self, spans: Sequence[tuple[int, int]]) -> list[Flows]:
        return await self.store.run(self.store.sync.day_sums, spans)

    async def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        return await self.store.run(self.store.sync.money_days, start, end, book)

    async def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        return await self.store.run(self.store.sync.money_sums, spans, book)

    async def readings(
        self, meter: str, start: int, end: int, *, limit: int, after: int | None = None
    ) -> list[MinuteRecord]:
        sync = self.store.sync
        return await self.store.run(sync.readings, meter, start, end, limit=limit, after=after)

    async def span(self) -> tuple[int, int] | None:
        return await self.store.run(self.store.sync.span)

    async def prices(self, start: int, end: int) -> list[PricePoint]:
        return await self.store.run(self.store.sync.prices, start, end)

    async def put_prices(self, points: Sequence[PricePoint]) -> int:
        return await self.store.run(self.store.sync.put_prices, points)

    async def upsert(self, records: Sequence[MinuteRecord]) -> int:
        return await self.store.run(self.store.sync.upsert, records)

    async def delete(self, meter: str, start: int, end: int) -> int:
        return await self.store.run(self.store.sync.delete, meter, start, end)
