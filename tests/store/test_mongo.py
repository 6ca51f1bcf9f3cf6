"""The MongoDB store: documents, the reader against SQLite, the cloud API's same JSON, no leaks."""

from __future__ import annotations

import asyncio
import math
import os
import traceback
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.mongo_server import HELSINKI, MongoServer, fresh_replica, running_server, sqlite_store
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.live import NoLiveData
from wattboard.energy.flows import Flows
from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import MinuteSums
from wattboard.exceptions import ConfigError, InvalidInputError, ReplicaError
from wattboard.replica.replicator import Replicator
from wattboard.store import mongo as mongo_module
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.base import DayRow, MeterInfo
from wattboard.store.mongo import (
    MINUTES,
    MongoReader,
    MongoReplica,
    SiteInfo,
    day_doc,
    day_from_doc,
    minute_doc,
    quarter_doc,
    record_from_doc,
    sums_from_doc,
)

SITE = "home"
FAR = 4_102_444_800  # 2100-01-01: after anything stored
TOKEN = "cloud-token-0123456789"
START = 1_761_307_200  # 2025-10-24 12:00 UTC; Helsinki's clocks go back on 2025-10-26 (25 h)
MINUTES_STORED = 4 * 1440  # four days
NOW = 1_762_000_000  # 2025-11-01, after the data: coverage counts whole days
UNREACHABLE = "mongodb://wattboard:s3cret-pass@db.wattboard-test.invalid:27017/"


def synthetic(start: int = START, minutes: int = MINUTES_STORED) -> dict[str, list[MinuteRecord]]:
    """Return a grid and a solar meter's records: a day's sun, a wavy load, a 2 h solar gap."""
    grid, solar = [], []
    stats = (100.0, -50.0, 230.1, 1.234)
    for i in range(minutes):
        ts = start + 60 * i
        hour = ts % 86400 / 3600
        pv = max(0.0, math.sin((hour - 6) / 12 * math.pi)) * 20.0  # Wh per phase and minute
        phases = []
        for k in range(3):
            load = 8.0 + 4.0 * math.sin(i / 37 + k)
            phases.append((round(max(0.0, load - pv), 4), round(max(0.0, pv - load), 4)))
        grid.append(MinuteRecord("grid", ts, *[v for p in phases for v in (*p, *stats)]))
        if not 600 <= i < 720:
            night = round(0.02 if pv == 0 else 0.0, 4)
            own = [(night, round(pv, 4))] * 3
            solar.append(MinuteRecord("solar", ts, *[v for p in own for v in (*p, *stats)]))
    return {"grid": grid, "solar": solar}


@pytest.fixture(scope="module")
def mongo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    with running_server(tmp_path_factory.mktemp("mongo")) as server:
        yield server


@pytest.fixture
async def replica(mongo: MongoServer) -> AsyncIterator[MongoReplica]:
    replica = fresh_replica(mongo)
    yield replica
    await replica.close()


@dataclass(frozen=True)
class Seeded:
    """A SQLite file with four days around a DST change and its replica database."""

    path: Path
    database: str


async def _seed(server: MongoServer, seeded: Seeded) -> None:
    store = AsyncStore(lambda: sqlite_store(seeded.path, netting="hour"))
    await store.open()
    replica = fresh_replica(server, seeded.database)
    try:
        for records in synthetic().values():
            await store.upsert(records)
        await Replicator(store, replica, SITE).sync_once()
    finally:
        await replica.close()
        await store.close()


@pytest.fixture(scope="module")
def seeded(mongo: MongoServer, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """Replicated once per module: the tests below only read it."""
    seeded = Seeded(tmp_path_factory.mktemp("seeded") / "w.db", "seeded")
    asyncio.run(_seed(mongo, seeded))
    return seeded


@pytest.fixture
async def store(seeded: Seeded) -> AsyncIterator[AsyncStore]:
    """Four days around a DST change under hourly netting, in SQLite."""
    store = AsyncStore(lambda: sqlite_store(seeded.path, netting="hour"))
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def replicated(mongo: MongoServer, seeded: Seeded) -> AsyncIterator[MongoReader]:
    """The same four days read from the replica."""
    replica = fresh_replica(mongo, seeded.database)
    yield await replica.reader(SITE)
    await replica.close()


# -- documents --------------------------------------------------------------------------------


def test_mongo_minute_doc_round_trips_device_precision() -> None:
    record = MinuteRecord("grid", START, 60.7312, 0.0, 4379.4, 3099.6, 226.5, 17.237,
                          31.5258, 0.0001, 2576.1, -12.3, 229.9, 11.02,
                          0.0, 8.25, -480.0, -510.5, 231.0, 2.1)  # fmt: skip
    doc = minute_doc(SITE, record)
    assert doc["meter"] == {"site": SITE, "id": "grid"}
    assert doc["ts"].timestamp() == START
    assert doc["a_imp"] == 60.7312
    assert doc["c_min_w"] == -510.5
    assert record_from_doc("grid", doc) == record


def test_mongo_quarter_and_day_docs_keep_counts_as_ints() -> None:
    sums = MinuteSums(net=1.5, consumption=2.0, present=30, clamped_minutes=1, clamped_wh=0.5)
    doc = quarter_doc(SITE, START, sums)
    assert (doc["ts"], doc["site"]) == (START, SITE)
    doc["present"], doc["consumption"] = 30.0, 2  # as a lax server might hand them back
    back = sums_from_doc(doc)
    assert back == sums
    assert type(back.present) is int  # the API's JSON shows 30, not 30.0
    assert type(back.consumption) is float
    row = DayRow("2025-10-26", START, START + 25 * 3600, Flows(grid_import=3.0, present=2880))
    assert day_from_doc(day_doc(SITE, row)) == row


# -- the reader against SQLite ----------------------------------------------------------------


async def test_mongo_reader_answers_as_sqlite(store: AsyncStore, replicated: MongoReader) -> None:
    sqlite = store
    assert replicated.zone == sqlite.zone == HELSINKI
    assert replicated.netting == sqlite.netting == "hour"
    assert await replicated.expected_meters() == await sqlite.expected_meters() == 2
    assert await replicated.meters() == await sqlite.meters()
    # The first day row starts at local midnight before the first minute (10-24 00:00+03:00).
    assert await replicated.span() == await sqlite.span() == (START - 15 * 3600, START + 60 * 5759)
    assert await replicated.quarter_sums(0, FAR) == await sqlite.quarter_sums(0, FAR)
    days = await sqlite.day_rows(0, FAR)
    assert await replicated.day_rows(0, FAR) == days
    assert [d.end - d.start for d in days if d.day == "2025-10-26"] == [25 * 3600]
    for meter in ("grid", "solar"):
        first_page = await sqlite.readings(meter, START, START + 86400, limit=500)
        assert await replicated.readings(meter, START, START + 86400, limit=500) == first_page
        after = first_page[-1].ts
        assert await replicated.readings(
            meter, START, START + 86400, limit=500, after=after
        ) == await sqlite.readings(meter, START, START + 86400, limit=500, after=after)
    assert await replicated.readings("grid", START, START + 60, limit=0) == []
    spans = [(d.start, d.end) for d in days] + [(0, START), (days[0].start, days[-1].end)]
    for ours, theirs in zip(
        await replicated.day_sums(spans), await sqlite.day_sums(spans), strict=True
    ):
        assert astuple(ours) == pytest.approx(astuple(theirs), abs=1e-9)
    assert await replicated.day_sums([]) == []


async def test_mongo_reader_unknown_meter_says_what_is_known(
    store: AsyncStore, replicated: MongoReader
) -> None:
    with pytest.raises(InvalidInputError) as mongo_error:
        await replicated.readings("garage", 0, FAR, limit=10)
    with pytest.raises(InvalidInputError) as sqlite_error:
        await store.readings("garage", 0, FAR, limit=10)
    assert str(mongo_error.value) == str(sqlite_error.value)
    assert mongo_error.value.field == "meter"


async def test_mongo_reader_unknown_site_is_invalid_input(replica: MongoReplica) -> None:
    with pytest.raises(InvalidInputError, match="no data has been replicated for site 'cabin'"):
        await replica.reader("cabin")
    fallback = SiteInfo("cabin", HELSINKI, "minute", 2)
    reader = await replica.reader("cabin", fallback=fallback)
    assert reader.zone == HELSINKI
    assert await reader.span() is None
    assert reader.replication_lag() is None  # never synced


async def test_mongo_sites_share_a_database_apart(replica: MongoReplica, tmp_path: Path) -> None:
    hours = {"home": 120, "cabin": 60}
    for site, minutes in hours.items():
        store = AsyncStore(lambda site=site: sqlite_store(tmp_path / f"{site}.db"))
        await store.open()
        try:
            await store.upsert(synthetic(START, minutes)["grid"])
            await Replicator(store, replica, site).sync_once()
        finally:
            await store.close()
    home, cabin = await replica.reader("home"), await replica.reader("cabin")
    assert len(await home.readings("grid", 0, FAR, limit=10**4)) == 120  # 2 h, not 3 h
    assert len(await cabin.readings("grid", 0, FAR, limit=10**4)) == 60
    assert sum(q.present for q in (await cabin.quarter_sums(0, FAR)).values()) == 60
    assert await replica.sites() == ["cabin", "home"]
    assert cabin.replication_lag() is not None


# -- the cloud API: the Pi's JSON, locked ------------------------------------------------------


@pytest.fixture
async def apis(
    store: AsyncStore, replicated: MongoReader
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The home API over SQLite and the cloud API over the replica, with the same clock."""
    home = ApiContext(SITE, store, clock=lambda: NOW)
    cloud = ApiContext(
        SITE,
        replicated,
        token=TOKEN,
        read_only=True,
        backend="mongodb",
        view=NoLiveData(replicated),
        clock=lambda: NOW,
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        _client(home, {}) as home_client,
        _client(cloud, headers) as cloud_client,
    ):
        yield home_client, cloud_client


def _client(ctx: ApiContext, headers: dict[str, str]) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(ctx))
    return httpx.AsyncClient(transport=transport, base_url="http://t/api/v1", headers=headers)


CALENDAR = [
    *(f"/energy/day/2025-10-{d}" for d in range(24, 29)),  # 2025-10-26 has 25 hours
    "/energy/week/2025-W43",
    "/energy/week/2025-W44",
    "/energy/month/2025-10",
    "/energy/year/2025",
    "/energy/years",
    "/energy?start=2025-10-25&end=2025-10-27&bucket=15m",
    "/energy?start=2025-10-25&end=2025-10-28&bucket=hour",
    "/energy?start=2025-10-24&end=2025-10-29&bucket=day",
    "/energy?start=2025-10-01&end=2025-11-01&bucket=month",
]


async def test_mongo_cloud_calendar_endpoints_equal_the_pis(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    home, cloud = apis
    for path in CALENDAR:
        at_home, away = await home.get(path), await cloud.get(path)
        assert at_home.status_code == away.status_code == 200, path
        pi, replica = at_home.json(), away.json()
        assert replica["totals"] == pytest.approx(pi["totals"], abs=0.01), path
        assert len(replica["buckets"]) == len(pi["buckets"]), path
        for ours, theirs in zip(replica["buckets"], pi["buckets"], strict=True):
            assert ours == pytest.approx(theirs, abs=0.01), path
        assert replica == pi, path  # not only to 0.01 Wh: the same JSON
    day = (await cloud.get("/energy/day/2025-10-26")).json()
    assert len(day["buckets"]) == 25  # the hour clocks went back is there twice


async def test_mongo_cloud_readings_meters_and_csv_equal_the_pis(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    home, cloud = apis
    paths = [
        "/meters",
        "/readings?meter=grid&start=2025-10-25&end=2025-10-26&limit=700",
        "/readings?meter=solar&start=2025-10-24&end=2025-10-29&limit=10000",
        "/export.csv?start=2025-10-25&end=2025-10-27&bucket=hour",
    ]
    for path in paths:
        at_home, away = await home.get(path), await cloud.get(path)
        assert at_home.status_code == away.status_code == 200, path
        assert away.content == at_home.content, path
    page = (await cloud.get(paths[1])).json()
    assert len(page["items"]) == 700
    following = f"{paths[1]}&cursor={page['next_cursor']}"
    assert (await cloud.get(following)).json() == (await home.get(following)).json()


async def test_mongo_cloud_wants_the_token_and_has_no_writes(
    apis: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    _, cloud = apis
    bare = {"Authorization": ""}
    assert (await cloud.get("/energy/day/2025-10-26", headers=bare)).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (
        await cloud.get("/readings?meter=grid&start=0&end=60", headers=wrong)
    ).status_code == 401
    health = await cloud.get("/health", headers=bare)
    assert health.status_code == 200  # the one open endpoint
    assert health.json()["store"]["backend"] == "mongodb"
    writes = [
        cloud.post("/readings", json=[]),
        cloud.put("/readings/grid/1761307200", json={}),
        cloud.delete("/readings?meter=grid&start=0&end=60"),
    ]
    for write in writes:
        assert (await write).status_code in {404, 405}


async def test_mongo_edits_through_the_home_api_reach_the_cloud_api(
    replica: MongoReplica, tmp_path: Path
) -> None:
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db"))
    await store.open()
    try:
        for records in synthetic(START, 120).values():
            await store.upsert(records)
        data = store
        home_ctx = ApiContext(SITE, data, writer=data, token=TOKEN, clock=lambda: NOW)
        replicator = Replicator(store, replica, SITE)
        await replicator.sync_once()
        cloud_ctx = ApiContext(SITE, await replica.reader(SITE), token=TOKEN, read_only=True)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with _client(home_ctx, auth) as home, _client(cloud_ctx, auth) as cloud:
            grid = f"/readings?meter=grid&start={START}&end={START + 7200}"
            record = (await home.get(grid)).json()["items"][5]
            values = {k: v for k, v in record.items() if k not in ("meter", "ts", "time")}
            values["a_import_wh"] += 100.0
            assert (await home.put(f"/readings/grid/{record['ts']}", json=values)).is_success
            gone = {"meter": "solar", "start": START, "end": START + 1800}
            assert (await home.delete("/readings", params=gone)).json()["deleted"] == 30
            await replicator.sync_once()
            for path in (grid, f"/readings?meter=solar&start={START}&end={START + 7200}"):
                assert (await cloud.get(path)).json() == (await home.get(path)).json()
            day = "/energy/day/2025-10-24"
            assert (await cloud.get(day)).json() == (await home.get(day)).json()
            solar = await cloud.get(f"/readings?meter=solar&start={START}&end={START + 7200}")
            assert len(solar.json()["items"]) == 120 - 30  # half an hour deleted at home
    finally:
        await store.close()


# -- errors -----------------------------------------------------------------------------------


async def test_mongo_errors_never_echo_the_connection_string() -> None:
    replica = MongoReplica.connect(UNREACHABLE, "wattboard", timeout=0.2)
    try:
        with pytest.raises(ReplicaError) as caught:
            await replica.reader(SITE)
    finally:
        await replica.close()
    shown = "".join(traceback.format_exception(caught.value))
    assert "could not read the site" in str(caught.value)
    assert "s3cret" not in shown  # nor in the chained pymongo error
    assert UNREACHABLE not in shown


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://wattboard:s3cret-pass@",  # no host
        "mongodb+srv://wattboard:s3cret-pass@a,b.example.net/",  # SRV takes one host
        "http://wattboard:s3cret-pass@example.net/",  # not MongoDB at all
    ],
)
def test_mongo_bad_uri_is_a_config_error_without_the_password(uri: str) -> None:
    with pytest.raises(ConfigError) as caught:
        MongoReplica.connect(uri, "wattboard")
    shown = "".join(traceback.format_exception(caught.value))
    assert "mongo.uri" in str(caught.value)
    assert "s3cret" not in shown


async def test_mongo_refuses_a_minutes_collection_that_is_not_time_series(
    replica: MongoReplica,
) -> None:
    await replica.db.create_collection(MINUTES)
    with pytest.raises(ReplicaError, match="not a time-series collection"):
        await replica.writer(SITE).ensure_schema()


# -- a real MongoDB (Atlas or a local mongod), only when MONGODB_URI is set ---------------------


@pytest.mark.skipif("MONGODB_URI" not in os.environ, reason="set MONGODB_URI to a test cluster")
async def test_mongo_real_server_smoke(tmp_path: Path) -> None:
    database = f"wattboard_smoke_{uuid.uuid4().hex[:8]}"
    replica = MongoReplica.connect(os.environ["MONGODB_URI"], database, timeout=20.0)
    store = AsyncStore(lambda: sqlite_store(tmp_path / "w.db", netting="hour"))
    await store.open()
    try:
        for records in synthetic().values():
            await store.upsert(records)
        await Replicator(store, replica, SITE).sync_once()
        reader = await replica.reader(SITE)
        sqlite = store
        assert await reader.day_rows(0, FAR) == await sqlite.day_rows(0, FAR)
        assert await reader.readings("grid", 0, FAR, limit=100) == await sqlite.readings(
            "grid", 0, FAR, limit=100
        )
        info = await (await replica.db.list_collections(filter={"name": MINUTES})).to_list()
        assert info[0]["type"] == "timeseries"
        doc: dict[str, Any] = {"ts": 0, "meter": {"site": SITE, "id": "grid"}}
        # MongoDB refuses what secantusdb lets through.
        with pytest.raises(ReplicaError), replica.guard("upsert a minute"):
            await replica.collection(MINUTES).replace_one(doc, doc, upsert=True)
    finally:
        await replica.client.drop_database(database)
        await replica.close()
        await store.close()


async def test_mongo_reader_answers_meters_from_its_cache_when_mongodb_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_server(tmp_path / "mongo") as server:
        replica = MongoReplica.connect(server.uri, "cache", timeout=1.0)
        try:
            writer = replica.writer("home")
            await writer.put_meters([MeterInfo("grid", "grid", (), None)])
            await writer.put_site(HELSINKI, "minute", 1, 1_750_000_000.0)
            reader = await replica.reader("home")  # starts loading the meters at once
            first = await reader.meters()
            server.stop(kill=True)
            monkeypatch.setattr(mongo_module, "METERS_TTL", 0.0)  # every call now wants a reload
            # /health asks this: it answers from the cache while a reload runs (and fails).
            assert await reader.meters() == first == [MeterInfo("grid", "grid", (), None)]
            assert await reader.meters() == first
        finally:
            await replica.close()
