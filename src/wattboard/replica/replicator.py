"""Replication to MongoDB: follow the SQLite change log in batches until the replica caught up.

Every write to SQLite logs the span it changed (`changes`, store/sqlite/changes.py). Each log-driven
collection (`minutes`, `flows_15m`, `flows_day`, `prices`) has its own watermark in SQLite: the
sequence number of the last change MongoDB acknowledged; a collection passes over the changes
of the other kind (energy or prices). A batch of changes becomes merged spans, and
each span is replaced in MongoDB by what SQLite holds now (delete then insert for the
time-series minutes, bulk upserts for the rollups). So a batch sent twice, after a crash
between MongoDB's acknowledgement and the watermark commit, changes nothing; and edits and
deletions reach the replica like new minutes do. `meters` and `sites` are tiny and written when
their content changes (their watermark is a fingerprint of what was last written).

The replicator runs beside the collector; SQLite work goes through the store's thread in
pages and MongoDB is async, so catching up on days of backlog never blocks collection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from wattboard.backoff import Backoff
from wattboard.energy.periods import local_midnight
from wattboard.energy.records import MINUTE
from wattboard.energy.sums import QUARTER, quarter_start
from wattboard.episodes import Episode
from wattboard.exceptions import ConfigError, StoreError
from wattboard.store.base import MeterInfo
from wattboard.store.mongo import (
    FLOWS_15M,
    FLOWS_DAY,
    METERS,
    MINUTES,
    PRICES,
    SITES,
    MongoReplica,
)
from wattboard.store.sqlite import ENERGY_CHANGE, PRICES_CHANGE

if TYPE_CHECKING:
    from wattboard.config import Settings
    from wattboard.store.asyncstore import AsyncStore
    from wattboard.store.sqlite import Change

log = logging.getLogger(__name__)
DAY: Final = 86400
# Sized for Atlas M0 (100 operations/s): a batch of 10 000 changes (a week of steady state) is a
# handful of requests of up to 5000 documents each, never a request per record.
CHANGE_ROWS: Final = 10_000
MINUTE_PAGE: Final = 5000
QUARTER_PIECE: Final = 2016  # 21 days of quarters per bulk write
DAY_PIECE: Final = 366
PRICE_PIECE: Final = 31 * 96  # a month of 15-minute prices per bulk write
# Even with nothing new the site document is rewritten this often: its `updated` is the
# heartbeat the cloud API shows as the age of the replica.
HEARTBEAT: Final = 60.0
FOLLOWED: Final = (MINUTES, FLOWS_15M, FLOWS_DAY, PRICES)


# While MongoDB is unreachable: 2 s, doubled per failure, at most 5 minutes.
REPLICA_BACKOFF: Final = Backoff(base=2.0, cap=300.0, spread=0.2)


@dataclass(frozen=True, slots=True)
class ReplicationStatus:
    """What /health and /metrics show about replication."""

    lag_seconds: float | None
    pending_changes: int
    documents: int
    last_sync: float | None
    failing: bool
    error: str


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the union of `[start, end)` spans as sorted disjoint spans, touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def quarter_span(change: Change) -> tuple[int, int]:
    """Return the whole quarters holding a change's span."""
    return quarter_start(change.start), -(-change.end // QUARTER) * QUARTER


def day_span(start: int, end: int, zone: ZoneInfo) -> tuple[int, int]:
    """Return `[first local midnight, last local midnight)` of the days touching `[start, end)`."""
    first = datetime.fromtimestamp(start, zone).date()
    last = datetime.fromtimestamp(end - 1, zone).date()
    return local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)


def fingerprint(value: Any) -> int:
    """Return a stable 32-bit fingerprint of a JSON-able value."""
    return zlib.crc32(json.dumps(value, sort_keys=True).encode())


class Replicator:
    """Sends every change of the SQLite store to MongoDB; resumes from its watermarks."""

    def __init__(
        self,
        store: AsyncStore,
        replica: MongoReplica,
        site: str,
        *,
        interval: float = 15.0,
        backoff: Backoff | None = None,
        page: int = MINUTE_PAGE,
        change_rows: int = CHANGE_ROWS,
        own_replica: bool = False,
    ) -> None:
        if page < 1 or change_rows < 1:
            raise ValueError("page and change_rows must be at least 1")
        self.store = store
        self.replica = replica
        self.site = site
        self.writer = replica.writer(site)
        self.interval = interval
        self.backoff = backoff or REPLICA_BACKOFF
        self.page = page
        self.change_rows = change_rows
        self.documents = 0
        self._own_replica = own_replica
        self._episode = Episode("replication to MongoDB", log)
        self._wake = asyncio.Event()
        self._stop: asyncio.Event | None = None
        self._seq: dict[str, int] | None = None
        self._prints: dict[str, int | None] = {}
        self._ready = False
        self._checked = False
        self._pending = 0
        self._oldest: int | None = None
        self._last_sync: float | None = None
        self._site_written = float("-inf")
        self._apply: dict[str, Callable[[Sequence[Change]], Awaitable[int]]] = {
            MINUTES: self._minutes,
            FLOWS_15M: self._quarters,
            FLOWS_DAY: self._days,
            PRICES: self._prices,
        }

    @classmethod
    def from_settings(cls, settings: Settings, store: AsyncStore, **options: Any) -> Replicator:
        """Return the replicator of `[mongo]`, owning its client (closed when `run` ends)."""
        if settings.mongo is None:
            raise ConfigError("replication needs a [mongo] section with uri and database")
        replica = MongoReplica.connect(
            settings.mongo.uri.get_secret_value(), settings.mongo.database
        )
        return cls(store, replica, settings.site.id, own_replica=True, **options)

    # -- state --------------------------------------------------------------------------------

    def lag_seconds(self) -> float | None:
        """Return how long the oldest change not yet in MongoDB has waited (0 when caught up).

        None until the change log was first read.
        """
        if not self._checked:
            return None
        if self._oldest is None:
            return 0.0
        return max(0.0, time.time() - self._oldest)

    def failing_seconds(self) -> float | None:
        """Return how long replication has been failing, None while it works."""
        since = self._episode.failing_since
        return None if since is None else time.monotonic() - since

    def status(self) -> ReplicationStatus:
        return ReplicationStatus(
            lag_seconds=self.lag_seconds(),
            pending_changes=self._pending,
            documents=self.documents,
            last_sync=self._last_sync,
            failing=self._episode.failing,
            error=self._episode.last_error,
        )

    def wake(self) -> None:
        """Ask for a sync now (after new minutes were stored) instead of at the next interval."""
        self._wake.set()

    # -- the loop -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Sync, then wait for the interval, a wake-up or the backoff, until `stop` is set."""
        self._stop = stop
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.sync_once()
                except StoreError as err:  # ReplicaError included: MongoDB down or refusing
                    self._episode.failed(err)
                    await self._measure_quietly()
                    await self._pause(
                        stop, self.backoff.delay(self._episode.failures - 1), wake=False
                    )
                else:
                    self._episode.succeeded()
                    await self._pause(stop, self.interval, wake=True)
        finally:
            if self._own_replica:
                await self.replica.close()

    async def _pause(self, stop: asyncio.Event, seconds: float, *, wake: bool) -> None:
        events = [stop, self._wake] if wake else [stop]
        waiters = [asyncio.ensure_future(event.wait()) for event in events]
        _, pending = await asyncio.wait(
            waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in pending:
            waiter.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def sync_once(self) -> int:
        """Send every pending change to MongoDB; return the documents written."""
        await self._open_log()
        await self._measure()  # before MongoDB is asked: the lag shows even when it never answers
        await self._prepare_replica()
        seq = await self._open_log()  # the watermarks, perhaps reset by _prepare_replica
        written = 0
        while not (self._stop is not None and self._stop.is_set()):
            progressed = False
            for collection in FOLLOWED:
                rows, docs = await self._follow(collection, seq)
                progressed = progressed or rows > 0
                written += docs
            if not progressed:
                break
        written += await self._put_meta(wrote=written > 0)
        await self.store.prune_changes(min(seq.values()))
        await self._measure()
        self._last_sync = time.time()
        return written

    # -- SQLite side --------------------------------------------------------------------------

    async def _open_log(self) -> dict[str, int]:
        """Turn the change log on (the first time it logs all data) and load the watermarks."""
        if self._seq is None:
            await self.store.start_replication()
            marks = {c: await self._stored_watermark(c) for c in (*FOLLOWED, METERS, SITES)}
            self._seq = {c: marks[c] or 0 for c in FOLLOWED}
            self._prints = {c: marks[c] for c in (METERS, SITES)}
        return self._seq

    async def _stored_watermark(self, collection: str) -> int | None:
        return await self.store.replication_watermark(collection)

    async def _measure(self) -> None:
        assert self._seq is not None  # noqa: S101 - _open_log ran first
        after = min(self._seq.values())
        self._pending, self._oldest = await self.store.change_backlog(after)
        self._checked = True

    async def _measure_quietly(self) -> None:
        """Measure the backlog after a failure, so the lag grows while MongoDB is away."""
        if self._seq is not None:
            with contextlib.suppress(StoreError):
                await self._measure()

    async def _watermark(self, collection: str, value: int) -> None:
        await self.store.set_replication_watermark(collection, value)

    # -- MongoDB side -------------------------------------------------------------------------

    async def _prepare_replica(self) -> None:
        """Create what is missing; a database that lost this site gets everything again."""
        if self._ready:
            return
        await self.writer.ensure_schema()
        if not await self.writer.has_site() and self._has_replicated():
            log.warning("MongoDB holds no data of site %s: sending everything again", self.site)
            await self.store.stop_replication()
            self._seq = None
            await self._open_log()
            await self._measure()
        await self._put_site(force=True)
        self._ready = True
        log.info("replicating site %s to MongoDB database %s", self.site, self.replica.db.name)

    def _has_replicated(self) -> bool:
        return any((self._seq or {}).values()) or any(v is not None for v in self._prints.values())

    async def _follow(self, collection: str, seq: dict[str, int]) -> tuple[int, int]:
        """Apply the next batch of changes to one collection; return (changes, documents)."""
        changes = await self.store.changes(seq[collection], self.change_rows)
        if not changes:
            return 0, 0
        docs = await self._apply[collection](changes)
        self.documents += docs
        # Only now, after MongoDB acknowledged every write of the batch, the watermark moves.
        await self._watermark(collection, changes[-1].seq)
        seq[collection] = changes[-1].seq
        return len(changes), docs

    async def _minutes(self, changes: Sequence[Change]) -> int:
        spans: dict[str, list[tuple[int, int]]] = {}
        for change in changes:
            if change.kind == ENERGY_CHANGE and change.meter is not None:
                spans.setdefault(change.meter, []).append((change.start, change.end))
        sent = 0
        for meter, meter_spans in sorted(spans.items()):
            for start, end in merge(meter_spans):
                sent += await self._minute_span(meter, start, end)
        return sent

    async def _minute_span(self, meter: str, start: int, end: int) -> int:
        """Replace a meter's minutes in `[start, end)`, a page of records per request."""
        sent = 0
        cursor = start
        while cursor < end:
            records = await self.store.readings(meter, cursor, end, limit=self.page)
            # A full page ends after its last minute; the next page starts right there.
            stop = records[-1].ts + MINUTE if len(records) == self.page else end
            sent += await self.writer.replace_minutes(meter, cursor, stop, records)
            cursor = stop
        return sent

    async def _quarters(self, changes: Sequence[Change]) -> int:
        sent = 0
        energy = [change for change in changes if change.kind == ENERGY_CHANGE]
        for start, end in merge(quarter_span(change) for change in energy):
            for piece in range(start, end, QUARTER_PIECE * QUARTER):
                stop = min(end, piece + QUARTER_PIECE * QUARTER)
                sums = await self.store.quarter_sums(piece, stop)
                sent += await self.writer.replace_quarters(piece, stop, sums)
        return sent

    async def _days(self, changes: Sequence[Change]) -> int:
        zone = self.store.zone
        energy = [change for change in changes if change.kind == ENERGY_CHANGE]
        spans = merge(day_span(*quarter_span(change), zone) for change in energy)
        sent = 0
        for start, end in spans:
            for piece in range(start, end, DAY_PIECE * DAY):
                stop = min(end, piece + DAY_PIECE * DAY)
                rows = await self.store.day_rows(piece, stop)
                sent += await self.writer.replace_days(piece, stop, rows)
        return sent

    async def _prices(self, changes: Sequence[Change]) -> int:
        """Replace the price periods starting in each changed span with what SQLite holds."""
        sent = 0
        spans = merge((c.start, c.end) for c in changes if c.kind == PRICES_CHANGE)
        for start, end in spans:
            cursor = start
            while cursor < end:
                points = await self.store.prices(cursor, end, limit=PRICE_PIECE)
                # A full piece ends after its last period; the next piece starts right there.
                stop = points[-1].start + 1 if len(points) == PRICE_PIECE else end
                sent += await self.writer.replace_prices(cursor, stop, points)
                cursor = stop
        return sent

    async def _put_meta(self, *, wrote: bool) -> int:
        """Write the meters when they changed and the site document (with its heartbeat)."""
        infos = await self.store.meters()
        meters = [MeterInfo(m.id, m.role, m.inverted, None) for m in infos]
        sent = 0
        print_ = fingerprint([[m.id, m.role, list(m.inverted)] for m in meters])
        if print_ != self._prints.get(METERS):
            sent += await self.writer.put_meters(meters)
            self.documents += sent
            await self._watermark(METERS, print_)
            self._prints[METERS] = print_
        await self._put_site(force=wrote)
        return sent

    async def _put_site(self, *, force: bool) -> None:
        store = self.store
        expected = await store.expected_meters()
        print_ = fingerprint([store.zone.key, store.netting, expected])
        now = time.time()
        if not force and print_ == self._prints.get(SITES) and now - self._site_written < HEARTBEAT:
            return
        await self.writer.put_site(store.zone, store.netting, expected, now)
        self._site_written = now
        if print_ != self._prints.get(SITES):
            await self._watermark(SITES, print_)
            self._prints[SITES] = print_
