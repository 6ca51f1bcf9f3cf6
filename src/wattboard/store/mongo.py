"""The MongoDB replica: its documents, the writer the replicator uses, the cloud API's reader.

Many sites may share one database; every document carries its `site` (`site.id`).

- `minutes`, a time-series collection (timeField `ts`, metaField `meter`, granularity
  `minutes`): one document per meter-minute, `{ts: Date, meter: {site, id}, a_imp, a_exp,
  a_max_w, a_min_w, a_v, a_a, b_…, c_…}`, the SQLite column names holding the record's values
  in Wh, W, V and A as doubles. Time-series collections take no upsert and no unique index,
  so it is written only by `delete_many` and `insert_many`: a range is replaced by deleting
  it for that meter, then inserting what SQLite holds there.
- `flows_15m`: `{site, start: Date, ts: epoch s, <MinuteSums fields>}`, unique (site, ts).
- `flows_day`: `{site, day: "2025-06-01", start: Date, end: Date, ts, end_ts: epoch s,
  <Flows fields but expected>}`, unique (site, day).
- `meters`: `{site, id, role, inverted: ["b"]}`, unique (site, id).
- `sites`: `{site, timezone, netting, meters (expected per minute), updated: Date, version}`.
- `prices`: `{site, start: Date, end: Date, ts, end_ts: epoch s, price}`, unique (site, ts):
  one spot price period, in the site currency per kWh excl. VAT.

The rollups are the Pi's own (quarters and settled local days), copied, so the same data gives
the same numbers here as on the Pi. Errors become `ReplicaError`, whose message never holds
the connection string.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import math
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, DeleteMany, ReplaceOne
from pymongo.errors import ConfigurationError, InvalidName, PyMongoError

from wattboard import __version__
from wattboard.energy.flows import STORED_FLOW_FIELDS, Flows
from wattboard.energy.money import Money, Pricer, combine_money, day_money
from wattboard.energy.netting import NETTING_MODES, Netting
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import ROLES, VALUE_FIELDS, MinuteRecord, Role, record_from_values
from wattboard.energy.sums import SUM_FIELDS, MinuteSums
from wattboard.exceptions import ConfigError, InvalidInputError, ReplicaError
from wattboard.store.base import DayRow, EnergyReader, MeterInfo
from wattboard.store.schema import MINUTE_COLUMNS

if TYPE_CHECKING:
    from pymongo.asynchronous.collection import AsyncCollection
    from pymongo.asynchronous.database import AsyncDatabase

    from wattboard.energy.tariff import TariffBook

Doc = dict[str, Any]
MINUTES: Final = "minutes"
FLOWS_15M: Final = "flows_15m"
FLOWS_DAY: Final = "flows_day"
METERS: Final = "meters"
SITES: Final = "sites"
PRICES: Final = "prices"
TIMESERIES: Final = {"timeField": "ts", "metaField": "meter", "granularity": "minutes"}
DEFAULT_TIMEOUT: Final = 10.0
# How long a reader trusts a site's zone, netting and meters before it reads them again.
METERS_TTL: Final = 30.0  # seconds; the Pi syncs about once a minute
SITE_TTL: Final = 60.0
_VALUES: Final = VALUE_FIELDS  # a record's 18 values, in the order of MINUTE_COLUMNS
_COUNTS: Final = frozenset({"present", "clamped_minutes"})
_DAY_FIELDS: Final = STORED_FLOW_FIELDS
_INT64: Final = 2**63 - 1
# Query bounds beyond the dates Python (and some servers) can decode mean "no bound".
_FIRST_DATE: Final = int(datetime(1, 1, 1, tzinfo=UTC).timestamp())
_LAST_DATE: Final = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())
_NO_ID: Final = {"_id": False}
_USERINFO: Final = re.compile(r"(mongodb(?:\+srv)?://)[^@/?#\s]*@", re.IGNORECASE)


# -- documents --------------------------------------------------------------------------------


def minute_doc(site: str, record: MinuteRecord) -> Doc:
    """Return the `minutes` document of a record."""
    doc: Doc = {"ts": _date(record.ts), "meter": {"site": site, "id": record.meter}}
    for column, name in zip(MINUTE_COLUMNS, _VALUES, strict=True):
        doc[column] = getattr(record, name)
    return doc


def record_from_doc(meter: str, doc: Mapping[str, Any]) -> MinuteRecord:
    """Rebuild a record from its `minutes` document."""
    return record_from_values(meter, _epoch(doc["ts"]), [float(doc[c]) for c in MINUTE_COLUMNS])


def quarter_doc(site: str, start: int, sums: MinuteSums) -> Doc:
    """Return the `flows_15m` document of the quarter starting at `start`."""
    doc: Doc = {"site": site, "start": _date(start), "ts": start}
    doc.update((name, getattr(sums, name)) for name in SUM_FIELDS)
    return doc


def sums_from_doc(doc: Mapping[str, Any]) -> MinuteSums:
    """Rebuild the sums of a quarter from its `flows_15m` document."""
    values: dict[str, Any] = {name: _number(name, doc[name]) for name in SUM_FIELDS}
    return MinuteSums(**values)


def day_doc(site: str, row: DayRow) -> Doc:
    """Return the `flows_day` document of a settled local day."""
    doc: Doc = {
        "site": site,
        "day": row.day,
        "start": _date(row.start),
        "end": _date(row.end),
        "ts": row.start,
        "end_ts": row.end,
    }
    doc.update((name, getattr(row.flows, name)) for name in _DAY_FIELDS)
    return doc


def day_from_doc(doc: Mapping[str, Any]) -> DayRow:
    """Rebuild a day row from its `flows_day` document."""
    values: dict[str, Any] = {name: _number(name, doc[name]) for name in _DAY_FIELDS}
    return DayRow(str(doc["day"]), int(doc["ts"]), int(doc["end_ts"]), Flows(**values))


def price_doc(site: str, point: PricePoint) -> Doc:
    """Return the `prices` document of a spot price period."""
    return {
        "site": site,
        "start": _date(point.start),
        "end": _date(point.end),
        "ts": point.start,
        "end_ts": point.end,
        "price": point.price,
    }


def price_from_doc(doc: Mapping[str, Any]) -> PricePoint:
    """Rebuild a spot price period from its `prices` document."""
    return PricePoint(int(doc["ts"]), int(doc["end_ts"]), float(doc["price"]))


def _number(name: str, value: Any) -> float | int:
    # Counts stay ints and energies floats, so the API's JSON is the Pi's to the character.
    return int(value) if name in _COUNTS else float(value)


def _date(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _epoch(value: datetime) -> int:
    # timegm reads a naive datetime as UTC and converts an aware one, whatever the client does.
    return calendar.timegm(value.utctimetuple())


def _bound(ts: int) -> datetime:
    """Return a date query bound for epoch second `ts`, clamped to the years 1 to 9999."""
    return _date(max(_FIRST_DATE, min(_LAST_DATE, ts)))


def _int64(value: int) -> int:
    return max(-_INT64 - 1, min(_INT64, value))


# -- connection -------------------------------------------------------------------------------


class Redactor:
    """Removes a connection string and its credentials from text shown to anyone."""

    def __init__(self, uri: str) -> None:
        secrets = {uri}
        match = re.search(r"://([^@/?#\s]*)@", uri)
        if match:
            userinfo = match.group(1)
            password = userinfo.partition(":")[2]
            secrets |= {userinfo, password, urllib.parse.unquote_plus(password)}
        self._secrets = sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = _USERINFO.sub(r"\1***@", text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def _short(message: str) -> str:
    """Drop pymongo's topology dump from a server-selection error."""
    return message.split(", Topology Description:", 1)[0]


class MongoReplica:
    """One client to the replica database: a writer per site (the Pi), readers (the cloud API)."""

    def __init__(
        self,
        client: AsyncMongoClient[Doc],
        database: str,
        *,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.client = client
        self._redact = redact or Redactor("")
        try:
            self.db: AsyncDatabase[Doc] = client[database]
        except (InvalidName, TypeError) as err:
            raise ConfigError(f"mongo.database: {err}") from None
        self._readers: dict[str, MongoReader] = {}

    @classmethod
    def connect(
        cls, uri: str, database: str, *, timeout: float = DEFAULT_TIMEOUT, **options: Any
    ) -> MongoReplica:
        """Return a replica client; nothing is contacted before the first operation.

        `timeout` bounds server selection and connecting; a socket may wait three times as
        long for a large batch. `options` go to `AsyncMongoClient` (e.g. event listeners).
        """
        redact = Redactor(uri)
        millis = round(timeout * 1000)
        try:
            client: AsyncMongoClient[Doc] = AsyncMongoClient(
                uri,
                tz_aware=True,
                connect=False,
                appname="wattboard",
                serverSelectionTimeoutMS=millis,
                connectTimeoutMS=millis,
                socketTimeoutMS=3 * millis,
                **options,
            )
        except (ConfigurationError, ValueError, TypeError) as err:
            # `from None`: a URI parser's message or traceback may quote the URI itself.
            raise ConfigError(
                f"mongo.uri is not a usable MongoDB connection string: {redact(str(err))}"
            ) from None
        return cls(client, database, redact=redact)

    @contextlib.contextmanager
    def guard(self, action: str) -> Iterator[None]:
        """Translate pymongo's errors into `ReplicaError`, without the connection string."""
        try:
            yield
        except PyMongoError as err:
            detail = self._redact(_short(str(err)))
            raise ReplicaError(f"MongoDB could not {action}: {detail}") from err

    def collection(self, name: str) -> AsyncCollection[Doc]:
        return self.db[name]

    def writer(self, site: str) -> MongoWriter:
        """Return the writer of one site's documents."""
        return MongoWriter(self, site)

    async def reader(self, site: str, *, fallback: SiteInfo | None = None) -> MongoReader:
        """Return the reader of one site; its zone and netting are the ones the Pi replicated.

        Without a replicated `sites` document the `fallback` is used (e.g. from the config),
        and without one an unknown site raises `InvalidInputError("site", ...)`.
        """
        reader = self._readers.get(site)
        if reader is not None:
            return reader
        info = await self.site_info(site) or fallback
        if info is None:
            raise InvalidInputError("site", f"no data has been replicated for site {site!r}")
        reader = self._readers[site] = MongoReader(self, info)
        reader.warm()
        return reader

    async def site_info(self, site: str) -> SiteInfo | None:
        """Return the zone, netting and meter count the Pi of `site` replicated, if any."""
        with self.guard("read the site"):
            doc = await self.collection(SITES).find_one({"site": site}, _NO_ID)
        return None if doc is None else _site_from_doc(doc)

    async def sites(self) -> list[str]:
        """Return the ids of all sites in the database."""
        with self.guard("list the sites"):
            docs = await self.collection(SITES).find({}, {"site": True}).to_list()
        return sorted(str(doc["site"]) for doc in docs)

    async def ping(self) -> float:
        """Return the round trip to the database in seconds."""
        started = time.perf_counter()
        with self.guard("answer a ping"):
            await self.db.command("ping")
        return time.perf_counter() - started

    async def close(self) -> None:
        for reader in self._readers.values():
            await reader.aclose()
        await self.client.close()


# -- writing (the Pi) -------------------------------------------------------------------------


class MongoWriter:
    """Replaces ranges of one site's documents with what SQLite holds; creates what is missing."""

    def __init__(self, replica: MongoReplica, site: str) -> None:
        self.replica = replica
        self.site = site

    async def ensure_schema(self) -> None:
        """Create the collections and indexes that are missing (idempotent)."""
        replica = self.replica
        with replica.guard("create the collections"):
            found = await (await replica.db.list_collections(filter={"name": MINUTES})).to_list()
            if not found:
                await replica.db.create_collection(MINUTES, timeseries=TIMESERIES)
            elif "timeseries" not in found[0].get("options", {}):
                raise ReplicaError(
                    f"the collection {MINUTES!r} of database {replica.db.name!r} is not a "
                    "time-series collection; drop it or choose another [mongo] database"
                )
            minutes = replica.collection(MINUTES)
            keys = [("meter.site", ASCENDING), ("meter.id", ASCENDING), ("ts", ASCENDING)]
            await minutes.create_index(keys, name="site_meter_ts")
            await self._unique(FLOWS_15M, "site", "ts")
            await self._unique(FLOWS_DAY, "site", "day")
            await replica.collection(FLOWS_DAY).create_index(
                [("site", ASCENDING), ("ts", ASCENDING)]
            )
            await self._unique(METERS, "site", "id")
            await self._unique(SITES, "site")
            await self._unique(PRICES, "site", "ts")

    async def _unique(self, name: str, *fields: str) -> None:
        keys = [(field, ASCENDING) for field in fields]
        await self.replica.collection(name).create_index(keys, unique=True)

    async def has_site(self) -> bool:
        """Say whether the database holds this site's `sites` document."""
        return await self.replica.site_info(self.site) is not None

    async def replace_minutes(
        self, meter: str, start: int, end: int, records: Sequence[MinuteRecord]
    ) -> int:
        """Make the meter's minutes in `[start, end)` exactly `records`; return documents sent."""
        minutes = self.replica.collection(MINUTES)
        docs = [minute_doc(self.site, record) for record in records]
        query = {
            "meter.site": self.site,
            "meter.id": meter,
            "ts": {"$gte": _bound(start), "$lt": _bound(end)},
        }
        with self.replica.guard(f"replace the minutes of meter {meter}"):
            await minutes.delete_many(query)
            if docs:
                # Unordered: the server may fill buckets in any order, and a retry deletes first.
                await minutes.insert_many(docs, ordered=False)
        return len(docs)

    async def replace_quarters(
        self, start: int, end: int, quarters: Mapping[int, MinuteSums]
    ) -> int:
        """Make the quarters in `[start, end)` exactly `quarters` (bulk upserts, then deletes)."""
        docs = [quarter_doc(self.site, q, sums) for q, sums in sorted(quarters.items())]
        return await self._replace(FLOWS_15M, "ts", start, end, docs)

    async def replace_days(self, start: int, end: int, rows: Sequence[DayRow]) -> int:
        """Make the days starting in `[start, end)` exactly `rows`."""
        docs = [day_doc(self.site, row) for row in rows]
        return await self._replace(FLOWS_DAY, "day", start, end, docs)

    async def _replace(self, name: str, key: str, start: int, end: int, docs: list[Doc]) -> int:
        query: Doc = {"site": self.site, "ts": {"$gte": _int64(start), "$lt": _int64(end)}}
        # Whatever the range held that SQLite no longer has goes (`ts` may be the key itself).
        query.setdefault(key, {})["$nin"] = [d[key] for d in docs]
        gone = DeleteMany(query)
        upserts = [ReplaceOne({"site": self.site, key: d[key]}, d, upsert=True) for d in docs]
        with self.replica.guard(f"write {name}"):
            await self.replica.collection(name).bulk_write([gone, *upserts], ordered=True)
        return len(docs)

    async def replace_prices(self, start: int, end: int, points: Sequence[PricePoint]) -> int:
        """Make the price periods starting in `[start, end)` exactly `points`."""
        docs = [price_doc(self.site, point) for point in points]
        return await self._replace(PRICES, "ts", start, end, docs)

    async def put_meters(self, meters: Sequence[MeterInfo]) -> int:
        """Make the site's meters exactly `meters` (id, role, inverted phases)."""
        ids = [m.id for m in meters]
        gone = DeleteMany({"site": self.site, "id": {"$nin": ids}})
        upserts = [
            ReplaceOne(
                {"site": self.site, "id": m.id},
                {"site": self.site, "id": m.id, "role": m.role, "inverted": list(m.inverted)},
                upsert=True,
            )
            for m in meters
        ]
        with self.replica.guard("write the meters"):
            await self.replica.collection(METERS).bulk_write([gone, *upserts], ordered=True)
        return len(meters)

    async def put_site(self, zone: ZoneInfo, netting: Netting, expected: int, now: float) -> None:
        """Write the site's settings and the time of this sync (`updated`)."""
        doc = {
            "site": self.site,
            "timezone": zone.key,
            "netting": netting,
            "meters": expected,
            "updated": datetime.fromtimestamp(now, UTC),
            "version": __version__,
        }
        with self.replica.guard("write the site"):
            await self.replica.collection(SITES).replace_one({"site": self.site}, doc, upsert=True)


# -- reading (the cloud API) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the rollups of a site were built with, and when its Pi last synced."""

    site: str
    zone: ZoneInfo
    netting: Netting
    expected_meters: int
    updated: float | None = None


def _site_from_doc(doc: Mapping[str, Any]) -> SiteInfo:
    site = str(doc.get("site"))
    netting = next((mode for mode in NETTING_MODES if mode == doc.get("netting")), None)
    try:
        zone = ZoneInfo(str(doc.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if netting is None or zone is None:
        raise ReplicaError(f"the sites document of {site!r} has an unknown netting or zone")
    updated = doc.get("updated")
    stamp = updated.timestamp() if isinstance(updated, datetime) and updated.tzinfo else None
    return SiteInfo(site, zone, netting, int(doc.get("meters", 0)), stamp)


class MongoReader:
    """One site of the replica through the `EnergyReader` protocol the API uses."""

    def __init__(self, replica: MongoReplica, info: SiteInfo) -> None:
        self.replica = replica
        self.info = info
        self.site = info.site
        self._loaded = time.monotonic()
        # The meters with their newest minute, served from here: finding each meter's newest
        # minute in the time series takes seconds on a large replica, and /health must not.
        self._meters: list[MeterInfo] | None = None
        self._meters_loaded = 0.0
        self._meters_task: asyncio.Task[list[MeterInfo]] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.info.zone

    @property
    def netting(self) -> Netting:
        return self.info.netting

    def replication_lag(self, now: float | None = None) -> float | None:
        """Return the seconds since the site's Pi last synced (as of the last refresh)."""
        if self.info.updated is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.info.updated)

    async def refresh(self, *, force: bool = False) -> None:
        """Read the site's zone, netting and meter count again when they are older than a TTL."""
        if not force and time.monotonic() - self._loaded < SITE_TTL:
            return
        info = await self.replica.site_info(self.site)
        if info is not None:
            self.info = info
        self._loaded = time.monotonic()

    def warm(self) -> None:
        """Start loading the meters in the background when the cache is empty or old."""
        if self._meters_task is None and (
            self._meters is None or time.monotonic() - self._meters_loaded >= METERS_TTL
        ):
            self._meters_task = asyncio.create_task(self._load_meters())
            self._meters_task.add_done_callback(self._meters_loaded_now)

    async def meters(self) -> list[MeterInfo]:
        """Return the meters, from the cache when there is one (refreshed in the background)."""
        self.warm()
        if self._meters is not None:
            return self._meters
        task = self._meters_task
        assert task is not None  # noqa: S101 - set above whenever the cache is empty
        return await asyncio.shield(task)

    async def aclose(self) -> None:
        """Let a background load of the meters finish (its timeouts bound it) before closing.

        Not cancelled: a query cancelled half-way leaves its connection's socket open.
        """
        task = self._meters_task
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    def _meters_loaded_now(self, task: asyncio.Task[list[MeterInfo]]) -> None:
        self._meters_task = None
        if not task.cancelled() and task.exception() is None:
            self._meters = task.result()
            self._meters_loaded = time.monotonic()

    async def _load_meters(self) -> list[MeterInfo]:
        await self.refresh()
        docs = await self._meter_docs()
        lasts = await asyncio.gather(*(self._edge(str(d["id"]), DESCENDING) for d in docs))
        return [
            MeterInfo(str(d["id"]), _role(d.get("role")), tuple(d.get("inverted", ())), last)
            for d, last in zip(docs, lasts, strict=True)
        ]

    async def expected_meters(self) -> int:
        await self.refresh()
        return self.info.expected_meters

    async def quarter_sums(self, start: int, end: int) -> dict[int, MinuteSums]:
        await self.refresh()
        query = {"site": self.site, "ts": {"$gte": _int64(start), "$lt": _int64(end)}}
        with self.replica.guard("read quarters"):
            docs = await self.replica.collection(FLOWS_15M).find(query, _NO_ID).to_list()
        return {int(doc["ts"]): sums_from_doc(doc) for doc in docs}

    async def day_rows(self, start: int, end: int) -> list[DayRow]:
        await self.refresh()
        query = {"site": self.site, "ts": {"$gte": _int64(start), "$lt": _int64(end)}}
        with self.replica.guard("read days"):
            cursor = self.replica.collection(FLOWS_DAY).find(query, _NO_ID).sort("ts", ASCENDING)
            docs = await cursor.to_list()
        return [day_from_doc(doc) for doc in docs]

    async def prices(self, start: int, end: int) -> list[PricePoint]:
        query = {"site": self.site, "ts": {"$gte": _int64(start), "$lt": _int64(end)}}
        with self.replica.guard("read prices"):
            cursor = self.replica.collection(PRICES).find(query, _NO_ID).sort("ts", ASCENDING)
            docs = await cursor.to_list()
        return [price_from_doc(doc) for doc in docs]

    async def readings(
        self, meter: str, start: int, end: int, *, limit: int, after: int | None = None
    ) -> list[MinuteRecord]:
        await self.refresh()
        ids = [str(d["id"]) for d in await self._meter_docs()]
        if meter not in ids:
            known = ", ".join(ids) or "none"
            raise InvalidInputError("meter", f"unknown meter {meter!r}; known: {known}")
        lower = start if after is None else max(start, after + 1)
        if limit <= 0 or lower >= end:
            return []
        query = {
            "meter.site": self.site,
            "meter.id": meter,
            "ts": {"$gte": _bound(lower), "$lt": _bound(end)},
        }
        projection = {"_id": False, "meter": False}
        with self.replica.guard("read minutes"):
            cursor = self.replica.collection(MINUTES).find(query, projection)
            docs = await cursor.sort("ts", ASCENDING).limit(limit).to_list()
        return [record_from_doc(meter, doc) for doc in docs]

    async def day_sums(self, spans: Sequence[tuple[int, int]]) -> list[Flows]:
        """Return the summed day rows starting within each span, added up by the database."""
        await self.refresh()
        if not spans:
            return []
        bounds = sorted({_int64(edge) for span in spans for edge in span})
        totals: Doc = {name: {"$sum": f"${name}"} for name in _DAY_FIELDS}
        pipeline: list[Doc] = [
            {"$match": {"site": self.site, "ts": {"$gte": bounds[0], "$lt": bounds[-1]}}},
            {"$bucket": {"groupBy": "$ts", "boundaries": bounds, "output": totals}},
        ]
        with self.replica.guard("add up days"):
            cursor = await self.replica.collection(FLOWS_DAY).aggregate(pipeline)
            pieces = {int(doc["_id"]): doc for doc in await cursor.to_list()}
        # Each span is one or more of the pieces between consecutive bounds.
        starts = [b for b in bounds[:-1] if b in pieces]
        return [_sum_pieces([pieces[b] for b in starts if lo <= b < hi]) for lo, hi in spans]

    async def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        """Price the replica's day rows from its quarters and prices (no cache: a cloud view)."""
        rows = await self.day_rows(start, end)
        if not rows:
            return []
        first, last = rows[0].start, rows[-1].end
        quarters = await self.quarter_sums(first, last)
        # An hourly price point starts up to an hour before a quarter it covers.
        pricer = Pricer(await self.prices(first - 3600, last), book)
        spans = [(row.start, row.end) for row in rows]
        priced = day_money(quarters, spans, netting=self.netting, pricer=pricer)
        return [(row.start, money) for row, money in zip(rows, priced, strict=True)]

    async def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        if not spans:
            return []
        days = await self.money_days(min(s for s, _ in spans), max(e for _, e in spans), book)
        return [combine_money(m for day, m in days if lo <= day < hi) for lo, hi in spans]

    async def span(self) -> tuple[int, int] | None:
        """Return the first minute or day row and the last minute (as the SQLite store does)."""
        await self.refresh()
        ids = [str(d["id"]) for d in await self._meter_docs()]
        firsts = await asyncio.gather(*(self._edge(m, ASCENDING) for m in ids))
        ends = await asyncio.gather(*(self._edge(m, DESCENDING) for m in ids))
        lasts = [ts for ts in ends if ts is not None]
        with self.replica.guard("read days"):
            day = await self.replica.collection(FLOWS_DAY).find_one(
                {"site": self.site}, {"_id": False, "ts": True}, sort=[("ts", ASCENDING)]
            )
        starts = [ts for ts in firsts if ts is not None]
        if day is not None:
            starts.append(int(day["ts"]))  # rollups outlive minutes past retention
        if not starts:
            return None
        first = min(starts)
        return first, max(lasts) if lasts else first

    async def _meter_docs(self) -> list[Doc]:
        with self.replica.guard("read the meters"):
            cursor = self.replica.collection(METERS).find({"site": self.site}, _NO_ID)
            return await cursor.sort("id", ASCENDING).to_list()

    async def _edge(self, meter: str, direction: int) -> int | None:
        """Return a meter's first (ASCENDING) or last (DESCENDING) stored minute."""
        with self.replica.guard("read minutes"):
            doc = await self.replica.collection(MINUTES).find_one(
                {"meter.site": self.site, "meter.id": meter},
                {"_id": False, "ts": True},
                sort=[("ts", direction)],
            )
        return None if doc is None else _epoch(doc["ts"])


def _sum_pieces(pieces: Sequence[Mapping[str, Any]]) -> Flows:
    values: dict[str, Any] = {
        name: _number(name, math.fsum(piece[name] for piece in pieces)) for name in _DAY_FIELDS
    }
    return Flows(**values)


def _role(value: Any) -> Role:
    for role in ROLES:
        if value == role:
            return role
    raise ReplicaError(f"a meters document has the unknown role {value!r}")


def as_energy_reader(reader: MongoReader) -> EnergyReader:
    """Return the reader as the API's protocol (mypy checks here that it still conforms)."""
    return reader
