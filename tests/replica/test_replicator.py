"""Replication to a MongoDB-wire server: first sync, edits, outages, crashes, nothing doubled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.collector.conftest import settings_for
from tests.mongo_server import (
    HELSINKI,
    METERS,
    Commands,
    MongoServer,
    emulated_records,
    fill_async,
    fresh_replica,
    running_server,
    sqlite_store,
    until,
)
from wattboard.backoff import Backoff
from wattboard.collector.service import Collector, open_store
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import ReplicaError
from wattboard.replica.replicator import (
    REPLICA_BACKOFF,
    Replicator,
    day_span,
    fingerprint,
    merge,
)
from wattboard.simulator import EmulatorOptions, start_emulators
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.mongo import FLOWS_15M, FLOWS_DAY, MINUTES, MongoReplica
from wattboard.store.mongo import METERS as METERS_COLLECTION
from wattboard.store.sqlite import MeterSpec

SITE = "home"
FAR = 4_102_444_800  # 2100-01-01: after anything stored
FAST = Backoff(base=0.05, cap=0.2)
ENERGY = ("a_imp", "b_imp", "c_imp", "a_exp", "b_exp", "c_exp")
# A name that never resolves (RFC 2606) rather than a closed port: pymongo cancels a monitor
# mid-connect when a client closes and then leaks that socket (a ResourceWarning).
UNREACHABLE = "mongodb://wattboard:s3cret-pass@db.wattboard-test.invalid:27017/"


@pytest.fixture(scope="module")
def mongo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    with running_server(tmp_path_factory.mktemp("mongo")) as server:
        yield server


@pytest.fixture(scope="module")
def six_hours() -> dict[str, list[MinuteRecord]]:
    return emulated_records(0.25, seed=5)


@pytest.fixture
async def store(
    tmp_path: Path, six_hours: dict[str, list[MinuteRecord]]
) -> AsyncIterator[AsyncStore]:
    """Six hours of a grid and a solar meter in SQLite (360 minutes each)."""
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db"))
    await store.open()
    await fill_async(store, six_hours)
    yield store
    await store.close()


@pytest.fixture
async def replica(mongo: MongoServer) -> AsyncIterator[MongoReplica]:
    replica = fresh_replica(mongo)
    yield replica
    await replica.close()


async def _mongo_minutes(replica: MongoReplica) -> dict[str, dict[str, float]]:
    """Return per meter the count of minutes and the Σ of each energy column."""
    group: dict[str, Any] = {"_id": "$meter.id", "count": {"$sum": 1}}
    group.update({column: {"$sum": f"${column}"} for column in ENERGY})
    pipeline = [{"$match": {"meter.site": SITE}}, {"$group": group}]
    docs = await (await replica.collection(MINUTES).aggregate(pipeline)).to_list()
    return {doc.pop("_id"): doc for doc in docs}


async def _sqlite_minutes(store: AsyncStore) -> dict[str, dict[str, float]]:
    totals = {}
    for meter in ("grid", "solar"):
        records = await store.readings(meter, 0, FAR, limit=10**7)
        totals[meter] = {"count": len(records)} | {
            column: sum(getattr(r, f"{column[0]}_{'import' if 'imp' in column else 'export'}_wh")
                        for r in records)
            for column in ENERGY
        }  # fmt: skip
    return totals


async def _duplicates(replica: MongoReplica) -> list[dict[str, Any]]:
    pipeline = [
        {"$group": {"_id": {"m": "$meter.id", "ts": "$ts"}, "n": {"$sum": 1}}},
        {"$match": {"n": {"$gt": 1}}},
    ]
    return await (await replica.collection(MINUTES).aggregate(pipeline)).to_list()


async def _assert_same(store: AsyncStore, replica: MongoReplica) -> None:
    """The replica holds what SQLite holds: minutes, quarters and days, nothing twice."""
    mongo, sqlite = await _mongo_minutes(replica), await _sqlite_minutes(store)
    assert mongo.keys() == sqlite.keys()
    for meter, totals in sqlite.items():
        assert mongo[meter]["count"] == totals["count"]
        for column in ENERGY:
            assert mongo[meter][column] == pytest.approx(totals[column], abs=0.01)
    assert await _duplicates(replica) == []
    quarters = await store.quarter_sums(0, FAR)
    days = await store.day_rows(0, FAR)
    assert await replica.collection(FLOWS_15M).count_documents({"site": SITE}) == len(quarters)
    assert await replica.collection(FLOWS_DAY).count_documents({"site": SITE}) == len(days)
    reader = await replica.reader(SITE)
    assert await reader.quarter_sums(0, FAR) == quarters
    assert await reader.day_rows(0, FAR) == days


# -- pure parts -------------------------------------------------------------------------------


def test_replicate_merge_joins_overlapping_and_touching_spans() -> None:
    spans = [(120, 180), (0, 60), (60, 120), (600, 660), (630, 700)]
    assert merge(spans) == [(0, 180), (600, 700)]  # 0–60–120–180 touch; 600–660 ∪ 630–700


def test_replicate_backoff_doubles_up_to_five_minutes() -> None:
    steady = replace(REPLICA_BACKOFF, jitter=lambda: 1.0)
    delays = [steady.delay(failures - 1) for failures in (1, 2, 3, 8, 9, 20)]
    assert delays == [2.0, 4.0, 8.0, 256.0, 300.0, 300.0]  # 2 × 2^(n−1), capped at 300


def test_replicate_backoff_jitter_takes_off_at_most_a_fifth() -> None:
    delays = [REPLICA_BACKOFF.delay(2) for _ in range(200)]
    assert all(6.4 <= d <= 8.0 for d in delays)  # 8 s, less up to 20 %
    assert len(set(delays)) > 1


def test_replicate_day_span_covers_a_23_hour_day() -> None:
    # 2025-03-30 in Helsinki: clocks jump from 03:00 to 04:00, the day lasts 23 h.
    start, end = day_span(1_743_292_800, 1_743_292_800 + 900, HELSINKI)  # 2025-03-30 00:00 UTC
    assert start == 1_743_285_600  # 2025-03-30 00:00+02:00
    assert end - start == 23 * 3600


def test_replicate_fingerprint_changes_with_content() -> None:
    assert fingerprint(["grid", "grid", []]) == fingerprint(["grid", "grid", []])
    assert fingerprint(["grid", "grid", []]) != fingerprint(["grid", "grid", ["b"]])


# -- against the server -----------------------------------------------------------------------


async def test_replicate_first_sync_of_three_days_equals_sqlite(
    tmp_path: Path, replica: MongoReplica
) -> None:
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db"))
    await store.open()
    try:
        records = emulated_records(3, seed=5)
        await fill_async(store, records)
        replicator = Replicator(store, replica, SITE)
        assert replicator.lag_seconds() is None  # nothing looked at yet
        written = await replicator.sync_once()
        quarters = len(await store.quarter_sums(0, FAR))
        days = len(await store.day_rows(0, FAR))
        # 3 days of quarters (288), one more when the days do not start on a quarter
        assert quarters == len({r.ts - r.ts % 900 for r in records["grid"]}) in {288, 289}
        # 2 meters × 3 days × 1440 minutes, the rollups and the two meters' documents
        assert written == 2 * 4320 + quarters + days + 2
        await _assert_same(store, replica)
        await _assert_same_site(store, replica, SITE)
        assert replicator.lag_seconds() == 0.0
        assert replicator.status().pending_changes == 0
        assert await store.changes(0, 10) == []  # the log was pruned
    finally:
        await store.close()
    meters = await replica.collection(METERS_COLLECTION).find({}, {"_id": 0}).to_list()
    assert sorted(m["id"] for m in meters) == ["grid", "solar"]


async def test_replicate_first_sync_of_six_hours(store: AsyncStore, replica: MongoReplica) -> None:
    replicator = Replicator(store, replica, SITE)
    await replicator.sync_once()
    await _assert_same(store, replica)
    assert replicator.lag_seconds() == 0.0
    assert replicator.status().pending_changes == 0
    assert await store.changes(0, 10) == []  # the log was pruned
    meters = await replica.collection(METERS_COLLECTION).find({}, {"_id": 0}).to_list()
    assert sorted(m["id"] for m in meters) == ["grid", "solar"]


async def test_replicate_second_sync_sends_nothing(
    store: AsyncStore, replica: MongoReplica
) -> None:
    replicator = Replicator(store, replica, SITE)
    await replicator.sync_once()
    assert await replicator.sync_once() == 0
    assert await Replicator(store, replica, SITE).sync_once() == 0  # after a restart too


async def test_replicate_edits_and_deletions_reach_the_replica(
    store: AsyncStore, replica: MongoReplica, six_hours: dict[str, list[MinuteRecord]]
) -> None:
    replicator = Replicator(store, replica, SITE)
    await replicator.sync_once()
    first = six_hours["grid"][0].ts
    corrected = MinuteRecord("grid", first + 600, *([1.0] * 18))
    await store.upsert([corrected])
    await store.delete("solar", first + 3600, first + 3 * 3600)  # 2 h = 120 min
    await replicator.sync_once()
    await _assert_same(store, replica)
    mongo = await _mongo_minutes(replica)
    assert mongo["solar"]["count"] == 360 - 120
    reader = await replica.reader(SITE)
    (back,) = await reader.readings("grid", first + 600, first + 660, limit=10)
    assert back == corrected


async def test_replicate_minutes_get_only_inserts_and_deletes(
    mongo: MongoServer, tmp_path: Path, six_hours: dict[str, list[MinuteRecord]]
) -> None:
    # secantusdb accepts upserts on time-series collections; MongoDB 8 refuses them.
    commands = Commands()
    replica = fresh_replica(mongo, event_listeners=[commands])
    path = tmp_path / "w.db"
    store = AsyncStore(lambda: sqlite_store(path))
    await store.open()
    try:
        await fill_async(store, six_hours)
        await Replicator(store, replica, SITE).sync_once()
        await store.upsert([MinuteRecord("grid", six_hours["grid"][5].ts, *[2.0] * 18)])
        await store.delete("grid", six_hours["grid"][100].ts, six_hours["grid"][200].ts)
        await Replicator(store, replica, SITE).sync_once()
        await store.close()
        # A clamp turned round: every grid minute changes and goes to the replica again.
        inverted = (MeterSpec("grid", "grid", ("b",)), METERS[1])
        store = AsyncStore(lambda: sqlite_store(path, meters=inverted))
        await store.open()
        await store.rebuild()
        await Replicator(store, replica, SITE).sync_once()
        await _assert_same(store, replica)
        grid = await store.readings("grid", 0, FAR, limit=3)
        reader = await replica.reader(SITE)
        assert await reader.readings("grid", 0, FAR, limit=3) == grid
    finally:
        await store.close()
        await replica.close()
    sent = commands.on(MINUTES)
    names = {event.command_name for event in sent}
    assert names <= {"create", "createIndexes", "insert", "delete", "find", "aggregate", "getMore"}
    assert {"insert", "delete"} <= names
    for event in sent:
        if event.command_name == "delete":
            for statement in event.command["deletes"]:
                assert statement["limit"] == 0  # delete_many of a range
                assert set(statement["q"]) == {"meter.site", "meter.id", "ts"}
    inserts = [len(e.command["documents"]) for e in sent if e.command_name == "insert"]
    assert inserts[:2] == [360, 360]  # the first sync: one request per meter, 6 h × 60 min
    created = [e.command for e in sent if e.command_name == "create"]
    assert created[0]["timeseries"] == {
        "timeField": "ts",
        "metaField": "meter",
        "granularity": "minutes",
    }


async def test_replicate_pages_a_backlog_into_batches(
    store: AsyncStore, replica: MongoReplica, mongo: MongoServer
) -> None:
    commands = Commands()
    watched = fresh_replica(mongo, database=replica.db.name, event_listeners=[commands])
    try:
        replicator = Replicator(store, watched, SITE, page=100, change_rows=7)
        await replicator.sync_once()
    finally:
        await watched.close()
    await _assert_same(store, replica)
    inserts = [
        len(e.command["documents"]) for e in commands.on(MINUTES) if e.command_name == "insert"
    ]
    assert max(inserts) == 100  # pages of 100 documents
    assert sum(inserts) == 2 * 360  # every minute once: 3 full pages and 60 per meter


async def test_replicate_crash_between_ack_and_watermark_doubles_nothing(
    store: AsyncStore, replica: MongoReplica, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = store.set_replication_watermark

    async def crash(collection: str, watermark: int) -> None:
        if collection == MINUTES:
            raise KeyboardInterrupt  # the power went out right after MongoDB said "done"
        await commit(collection, watermark)

    monkeypatch.setattr(store, "set_replication_watermark", crash)
    with pytest.raises(KeyboardInterrupt):
        await Replicator(store, replica, SITE).sync_once()
    assert (await _mongo_minutes(replica))["grid"]["count"] == 360  # acknowledged, not committed
    monkeypatch.setattr(store, "set_replication_watermark", commit)
    await Replicator(store, replica, SITE).sync_once()  # the restart sends the batch again
    await _assert_same(store, replica)


async def test_replicate_new_database_gets_everything_again(
    store: AsyncStore, replica: MongoReplica, mongo: MongoServer, caplog: pytest.LogCaptureFixture
) -> None:
    await Replicator(store, replica, SITE).sync_once()
    other = fresh_replica(mongo)
    try:
        with caplog.at_level(logging.WARNING):
            await Replicator(store, other, SITE).sync_once()
        await _assert_same(store, other)
    finally:
        await other.close()
    assert "sending everything again" in caplog.text


async def test_replicate_zone_change_replaces_every_day_row(
    tmp_path: Path, replica: MongoReplica, six_hours: dict[str, list[MinuteRecord]]
) -> None:
    path = tmp_path / "w.db"
    store = AsyncStore(lambda: sqlite_store(path))
    await store.open()
    await fill_async(store, six_hours)
    await Replicator(store, replica, SITE).sync_once()
    await store.close()
    new_york = ZoneInfo("America/New_York")
    store = AsyncStore(lambda: sqlite_store(path, zone=new_york))
    await store.open()
    try:
        await store.rebuild()
        await Replicator(store, replica, SITE).sync_once()
        await _assert_same(store, replica)  # no Helsinki day left behind
        reader = await replica.reader(SITE)
        await reader.refresh(force=True)
        assert reader.zone == new_york
    finally:
        await store.close()


async def test_replicate_unreachable_database_never_logs_the_password(
    store: AsyncStore, caplog: pytest.LogCaptureFixture
) -> None:
    replica = MongoReplica.connect(UNREACHABLE, "w", timeout=0.2)
    replicator = Replicator(store, replica, SITE, backoff=FAST, own_replica=True)
    stop = asyncio.Event()
    with caplog.at_level(logging.DEBUG):
        task = asyncio.create_task(replicator.run(stop))
        await until(lambda: replicator.status().failing)
        await until(
            lambda: (replicator.lag_seconds() or 0) >= 0 and replicator._episode.failures >= 2
        )
        stop.set()
        await task
    status = replicator.status()
    assert status.pending_changes == 3  # the first full sync: grid, solar, rollups
    assert status.lag_seconds is not None
    assert "s3cret" not in caplog.text
    assert "s3cret" not in status.error
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per outage, not once per attempt


async def test_replicate_database_stopped_for_hours_then_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = EmulatorOptions(port=0, history_days=0.1, seed=21)
    with running_server(tmp_path / "mongo") as server:
        async with start_emulators(options) as sim:
            settings = settings_for(sim, tmp_path / "w.db")
            store = open_store(settings)
            await store.open()
            collector = Collector(settings, store)
            await collector.start()
            replica = fresh_replica(server, timeout=0.3)
            replicator = Replicator(store, replica, "test", interval=0.05, backoff=FAST)
            stop = asyncio.Event()
            task = asyncio.create_task(replicator.run(stop))
            try:
                await collector.ingest_once()
                await until(lambda: _log_empty(store))  # all replicated and pruned
                await asyncio.to_thread(server.stop)  # the database shuts down
                for meter in sim.meters.values():
                    meter.device.clock_offset += 3 * 3600  # three hours pass meanwhile
                    meter.device.advance()
                with caplog.at_level(logging.INFO, logger="wattboard.replica.replicator"):
                    written = await collector.ingest_once()  # the collector carries on
                    assert written >= 2 * 180  # 2 meters × 3 h × 60 min
                    await until(lambda: replicator.status().pending_changes > 0)
                    await until(lambda: replicator.status().failing)
                    await asyncio.sleep(1.1)
                    assert (replicator.lag_seconds() or 0.0) >= 1.0  # the backlog waits
                    assert (replicator.failing_seconds() or 0.0) >= 1.0  # what /health shows
                    await asyncio.to_thread(server.start)  # back, with its data
                    await until(lambda: not replicator.status().failing)
                    assert replicator.failing_seconds() is None
                    await until(lambda: replicator.status().pending_changes == 0)
                await _assert_same_site(store, replica, "test")
            finally:
                stop.set()
                await task
                await replica.close()
                await collector.aclose()
                await store.close()
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert sum("failing" in m for m in messages) == 1  # one warning for the whole outage
    assert sum("back after" in m for m in messages) == 1


async def _log_empty(store: AsyncStore) -> bool:
    return await store.change_backlog(0) == (0, None)


async def _assert_same_site(store: AsyncStore, replica: MongoReplica, site: str) -> None:
    reader = await replica.reader(site)
    for meter in ("grid", "solar"):
        sqlite = await store.readings(meter, 0, FAR, limit=10**6)
        assert await reader.readings(meter, 0, FAR, limit=10**6) == sqlite
    assert await reader.quarter_sums(0, FAR) == await store.quarter_sums(0, FAR)
    assert await reader.day_rows(0, FAR) == await store.day_rows(0, FAR)
    assert await _duplicates(replica) == []


async def test_replicate_errors_are_replica_errors(store: AsyncStore) -> None:
    replica = MongoReplica.connect(UNREACHABLE, "w", timeout=0.2)
    try:
        with pytest.raises(ReplicaError, match="MongoDB could not"):
            await Replicator(store, replica, SITE).sync_once()
    finally:
        await replica.close()


# -- prices -----------------------------------------------------------------------------------


def _price_hours(start: int, prices: list[float]) -> list[PricePoint]:
    return [PricePoint(start + 3600 * i, start + 3600 * (i + 1), p) for i, p in enumerate(prices)]


def _price_quarters(start: int, prices: list[float]) -> list[PricePoint]:
    return [PricePoint(start + 900 * i, start + 900 * (i + 1), p) for i, p in enumerate(prices)]


async def test_replicate_prices_follow_sqlite(
    store: AsyncStore, replica: MongoReplica, mongo: MongoServer
) -> None:
    day = 1_748_736_000  # 2025-06-01 00:00 UTC
    await store.put_prices(_price_hours(day, [0.05 + i / 1000 for i in range(24)]))
    commands = Commands()
    watched = fresh_replica(mongo, database=replica.db.name, event_listeners=[commands])
    try:
        replicator = Replicator(store, watched, SITE)
        await replicator.sync_once()
        reader = await replica.reader(SITE)
        assert await reader.prices(0, FAR) == await store.prices(0, FAR)
        assert len(await reader.prices(day, day + 7200)) == 2  # start <= p.start < end

        # The first hour again in quarters, and a negative price the next day.
        commands.events.clear()
        await store.put_prices(_price_quarters(day, [0.1, 0.2, 0.3, -0.04]))
        await store.put_prices(_price_hours(day + 86400, [-0.01]))
        await replicator.sync_once()
    finally:
        await watched.close()
    stored = await store.prices(0, FAR)
    assert len(stored) == 4 + 23 + 1
    assert await reader.prices(0, FAR) == stored
    assert await replica.collection("prices").count_documents({"site": SITE}) == 28
    # A price change sends prices only: the energy collections are not written.
    assert commands.on(MINUTES) == commands.on(FLOWS_15M) == commands.on(FLOWS_DAY) == []
    # One bulk write (a delete and the upserts) per changed span: that day, the next.
    assert [e.command_name for e in commands.on("prices")] == ["delete", "update"] * 2
    assert await store.changes(0, 10) == []  # pruned, prices included


async def test_replicate_prices_of_another_site_stay_apart(
    store: AsyncStore, replica: MongoReplica
) -> None:
    day = 1_748_736_000
    await store.put_prices(_price_hours(day, [0.05]))
    await Replicator(store, replica, SITE).sync_once()
    other = replica.writer("cabin")
    await other.replace_prices(0, FAR, _price_hours(day, [0.5, 0.6]))
    reader = await replica.reader(SITE)
    assert await reader.prices(0, FAR) == _price_hours(day, [0.05])
