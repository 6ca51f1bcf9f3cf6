"""The store as the rest of Wattboard sees it: async methods, SQLite on one thread of its own.

`AsyncStore` is the one facade over `SqliteStore` for the collector, the replicator, the CLI,
alerts, counters and the API (it implements `EnergyWriter` itself). All store work is queued on
one thread, where the connection was opened and is only ever used (SQLite has one writer
anyway), so the event loop never waits on disk. The facts fixed when the store opens (zone,
netting, how many meters record) are read there once and kept here for the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from wattboard.exceptions import StoreError
from wattboard.store.sqlite import Change, MeterSpec, Progress, SqliteStore, damaged

if TYPE_CHECKING:
    from wattboard.config import MeterSettings, Settings
    from wattboard.energy.flows import Flows
    from wattboard.energy.money import Money
    from wattboard.energy.netting import Netting
    from wattboard.energy.prices import PricePoint
    from wattboard.energy.records import MinuteRecord
    from wattboard.energy.sums import MinuteSums
    from wattboard.energy.tariff import TariffBook
    from wattboard.store.base import DayRow, MeterInfo

P = ParamSpec("P")
T = TypeVar("T")


def meter_specs(meters: Sequence[MeterSettings]) -> list[MeterSpec]:
    return [MeterSpec(m.id, m.role, tuple(m.invert_phases)) for m in meters]


def open_store(settings: Settings) -> AsyncStore:
    """Return the store of these settings, to be opened on its own thread."""
    path = settings.store.resolved_path()
    zone = ZoneInfo(settings.site.timezone)
    specs = meter_specs(settings.meters)
    return AsyncStore(
        lambda: SqliteStore(path, zone=zone, netting=settings.site.netting, meters=specs)
    )


class AsyncStore:
    """The SQLite store behind async methods, each run on the store's one thread."""

    def __init__(self, opener: Callable[[], SqliteStore]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wattboard-store")
        self._opener = opener
        self._store: SqliteStore | None = None
        self._path: Path | None = None
        self._zone: ZoneInfo | None = None
        self._netting: Netting | None = None
        self._meter_count = 0

    async def open(self) -> None:
        """Open the store on its thread (the connection then lives there); keep its fixed facts."""
        store = await self._submit(self._opener)
        self._store, self._path = store, store.path
        self._zone, self._netting = store.zone, store.netting
        self._meter_count = await self._call(SqliteStore.meter_count)

    async def close(self) -> None:
        if self._store is not None:
            await self._submit(self._store.close)
            self._store = None
        self._executor.shutdown(wait=True)

    async def _call(
        self, work: Callable[Concatenate[SqliteStore, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `work(store, *args, **kwargs)` on the store's thread and return its result."""
        store = self._store
        if store is None:
            raise StoreError("the store is not open")
        try:
            return await self._submit(lambda: work(store, *args, **kwargs))
        except sqlite3.OperationalError as err:
            # A full disk, a locked or vanished file: the caller decides whether to retry.
            raise StoreError(f"the database {self._path}: {err}") from err
        except sqlite3.DatabaseError as err:
            raise StoreError(damaged(self._path or "(not open)", err)) from err

    async def _submit(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    # -- fixed facts, read when the store opened --------------------------------------------

    @property
    def path(self) -> Path:
        return self._opened(self._path)

    @property
    def zone(self) -> ZoneInfo:
        return self._opened(self._zone)

    @property
    def netting(self) -> Netting:
        return self._opened(self._netting)

    async def expected_meters(self) -> int:
        """Return how many meters should record each minute (the configured ones)."""
        return self._meter_count

    def _opened(self, value: T | None) -> T:
        if value is None:
            raise StoreError("the store is not open")
        return value

    # -- records and gaps ---------------------------------------------------------------------

    async def ingest(
        self, records: Sequence[MinuteRecord], gaps: Sequence[tuple[str, int, int, str]]
    ) -> int:
        """Store fetched records and the gaps found on the way in one transaction."""
        return await self._call(SqliteStore.ingest, records, gaps)

    async def upsert(self, records: Sequence[MinuteRecord]) -> int:
        return await self._call(SqliteStore.upsert, records)

    async def delete(self, meter: str, start: int, end: int) -> int:
        return await self._call(SqliteStore.delete, meter, start, end)

    async def record_gap(self, meter: str, start: int, end: int, reason: str) -> None:
        await self._call(SqliteStore.record_gap, meter, start, end, reason)

    async def gaps(self, meter: str) -> list[tuple[int, int, str]]:
        return await self._call(SqliteStore.gaps, meter)

    async def implausible_gaps(
        self, limit: int = 10, meter: str | None = None
    ) -> list[tuple[str, int, int, str]]:
        return await self._call(SqliteStore.implausible_gaps, limit, meter)

    async def readings(
        self, meter: str, start: int, end: int, *, limit: int = 1000, after: int | None = None
    ) -> list[MinuteRecord]:
        return await self._call(SqliteStore.readings, meter, start, end, limit=limit, after=after)

    async def minute_timestamps(self, meter: str, start: int, end: int) -> list[int]:
        return await self._call(SqliteStore.minute_timestamps, meter, start, end)

    async def watermark(self, meter: str) -> int | None:
        return await self._call(SqliteStore.watermark, meter)

    async def count(self, meter: str | None = None) -> int:
        return await self._call(SqliteStore.count, meter)

    async def meters(self) -> list[MeterInfo]:
        """Return every stored meter with its role, inverted phases and newest minute."""
        return await self._call(SqliteStore.meter_infos)

    # -- rollups, rebuild, retention ---------------------------------------------------------

    async def quarter_sums(self, start: int, end: int) -> dict[int, MinuteSums]:
        return await self._call(SqliteStore.quarter_sums, start, end)

    async def day_rows(self, start: int, end: int) -> list[DayRow]:
        return await self._call(SqliteStore.day_rows, start, end)

    async def day_sums(self, spans: Sequence[tuple[int, int]]) -> list[Flows]:
        return await self._call(SqliteStore.day_sums, spans)

    async def span(self) -> tuple[int, int] | None:
        return await self._call(SqliteStore.span)

    async def needs_rebuild(self) -> list[str]:
        return await self._call(SqliteStore.needs_rebuild)

    async def rebuild(self, progress: Progress | None = None) -> None:
        """Recompute every rollup; `progress` is called on the store's thread."""
        await self._call(SqliteStore.rebuild, progress)

    async def apply_retention(self, days: int | None, now: float) -> int:
        return await self._call(SqliteStore.apply_retention, days, now)

    async def minutes_kept_from(self) -> int | None:
        return await self._call(SqliteStore.minutes_kept_from)

    async def integrity(self) -> str:
        return await self._call(SqliteStore.integrity)

    # -- change log and watermarks for the replica ------------------------------------------

    async def start_replication(self) -> bool:
        return await self._call(SqliteStore.start_replication)

    async def stop_replication(self) -> None:
        await self._call(SqliteStore.stop_replication)

    async def changes(self, after: int, limit: int) -> list[Change]:
        return await self._call(SqliteStore.changes, after, limit)

    async def change_backlog(self, after: int) -> tuple[int, int | None]:
        return await self._call(SqliteStore.change_backlog, after)

    async def prune_changes(self, upto: int) -> int:
        return await self._call(SqliteStore.prune_changes, upto)

    async def replication_watermark(self, collection: str) -> int | None:
        return await self._call(SqliteStore.replication_watermark, collection)

    async def set_replication_watermark(self, collection: str, watermark: int) -> None:
        await self._call(SqliteStore.set_replication_watermark, collection, watermark)

    # -- prices ---------------------------------------------------------------------------------

    async def put_prices(self, points: Sequence[PricePoint]) -> int:
        return await self._call(SqliteStore.put_prices, points)

    async def prices(self, start: int, end: int, *, limit: int = -1) -> list[PricePoint]:
        return await self._call(SqliteStore.prices, start, end, limit=limit)

    async def price_span(self) -> tuple[int, int] | None:
        return await self._call(SqliteStore.price_span)

    async def set_price_status(self, status: dict[str, Any]) -> None:
        await self._call(SqliteStore.set_price_status, status)

    async def price_status(self) -> dict[str, Any] | None:
        return await self._call(SqliteStore.price_status)

    # -- counters and money -------------------------------------------------------------------

    async def energy_counters(self, now: int) -> dict[str, float]:
        return await self._call(SqliteStore.energy_counters, now)

    async def raise_counter_marks(self, computed: dict[str, float]) -> dict[str, float]:
        return await self._call(SqliteStore.raise_counter_marks, computed)

    async def coverage_today(self, now: int) -> float | None:
        return await self._call(SqliteStore.coverage_today, now)

    async def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        await self._price(start, end, book)
        return await self._call(SqliteStore.money_days, start, end, book)

    async def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        if spans:
            await self._price(min(s for s, _ in spans), max(e for _, e in spans), book)
        return await self._call(SqliteStore.money_sums, spans, book)

    async def _price(self, start: int, end: int, book: TariffBook) -> None:
        """Price the days of `[start, end)` in slices of the store thread's time.

        Years of days take seconds to price (the first /energy/years after a start): in
        slices, an ingest queued meanwhile runs between two of them instead of after all.
        """
        while not await self._call(SqliteStore.price_some, start, end, book):
            pass
