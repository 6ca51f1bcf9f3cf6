"""Pure parts of the doctor: which missing minutes the meter can still give."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.mongo_server import emulated_records, sqlite_store
from tests.store.test_sqlite import damage
from wattboard.config import Settings
from wattboard.prices.emulated import emulated_prices
from wattboard.prices.fetcher import day_span
from wattboard.replica.replicator import FOLLOWED
from wattboard.setup import checks
from wattboard.setup.checks import (
    Backlog,
    DoctorOptions,
    Finding,
    _replication,
    as_json,
    diagnose,
    healthy,
    held_spans,
    missing_runs,
    replication_backlog,
)
from wattboard.shelly.models import RecordsBlock
from wattboard.store.sqlite import MeterSpec, SqliteStore

T0 = 1_748_736_000  # 2025-06-01 00:00 UTC


def block(ts: int, records: int) -> RecordsBlock:
    return {"ts": ts, "period": 60, "records": records}


def test_checks_held_spans_from_records_blocks() -> None:
    blocks = [block(T0, 10), block(T0 + 3600, 5), block(T0 + 7200, 0)]
    assert held_spans(blocks) == [(T0, T0 + 600), (T0 + 3600, T0 + 3900)]


def test_checks_missing_runs_are_grouped() -> None:
    held = [(T0, T0 + 600)]  # 10 minutes
    stored = [T0 + 60 * i for i in (0, 1, 4, 5, 9)]
    assert missing_runs(held, stored, T0, T0 + 600) == [
        (T0 + 120, T0 + 240),  # minutes 2, 3
        (T0 + 360, T0 + 540),  # minutes 6, 7, 8
    ]


def test_checks_missing_runs_only_within_window_and_held() -> None:
    held = [(T0, T0 + 600), (T0 + 1200, T0 + 1500)]
    # The window starts mid-block and ends mid-second-block; the hole between blocks is the
    # meter's own (not held), so it is not fillable.
    assert missing_runs(held, [], T0 + 300, T0 + 1320) == [
        (T0 + 300, T0 + 600),
        (T0 + 1200, T0 + 1320),
    ]


def test_checks_missing_runs_aligns_an_unaligned_start() -> None:
    assert missing_runs([(T0, T0 + 300)], [], T0 + 1, T0 + 300) == [(T0 + 60, T0 + 300)]


def test_checks_healthy_only_without_problems() -> None:
    ok = [Finding("a", "ok", "x"), Finding("b", "warn", "y"), Finding("c", "info", "z")]
    assert healthy(ok)
    bad = [*ok, Finding("d", "problem", "w", "do this")]
    assert not healthy(bad)
    report = as_json(bad, Path("/etc/wattboard/wattboard.toml"))
    assert report["healthy"] is False
    assert report["findings"][-1] == {
        "check": "d",
        "status": "problem",
        "detail": "w",
        "fix": "do this",
    }  # type: ignore[index]


def _mongo_settings(tmp_path: Path) -> Settings:
    return Settings(
        site={"timezone": "Europe/Helsinki"},
        store={"path": tmp_path / "w.db"},
        mongo={"uri": "mongodb://127.0.0.1:1/", "database": "w"},
    )


def test_checks_replication_lag_from_the_change_log(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "w.db")
    try:
        settings = _mongo_settings(tmp_path)
        off = _replication(settings, store, DoctorOptions(now=lambda: T0))
        assert (off.status, off.detail) == ("warn", "has not started: the change log is off")
        store.start_replication()
        assert replication_backlog(store, T0) == Backlog(0, 0.0)
        store.upsert(emulated_records(1 / 24, seed=4)["grid"][:30])  # 30 minutes, one change
        (change,) = store.changes(0, 10)
        fresh = _replication(settings, store, DoctorOptions(now=lambda: change.logged + 60))
        assert fresh.status == "ok"
        assert fresh.detail == "1 change(s) not yet in MongoDB, the oldest for 60 s"
        late = DoctorOptions(now=lambda: change.logged + 1800, replication_lag_limit=900)
        stuck = _replication(settings, store, late)
        assert stuck.status == "problem"
        assert stuck.detail == "1 change(s) not yet in MongoDB, the oldest for 30 min"
        assert "Atlas IP access list" in stuck.fix
        # Every followed collection past the change: caught up.
        for collection in FOLLOWED:
            store.set_replication_watermark(collection, change.seq)
        assert replication_backlog(store, change.logged + 1800) == Backlog(0, 0.0)
        caught_up = _replication(settings, store, late)
        assert (caught_up.status, caught_up.detail) == (
            "ok",
            "caught up: every change is in MongoDB",
        )
    finally:
        store.close()


def test_checks_one_collection_behind_keeps_the_backlog(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "w.db")
    try:
        store.start_replication()
        store.upsert(emulated_records(1 / 24, seed=4)["grid"][:30])
        (change,) = store.changes(0, 10)
        store.set_replication_watermark(FOLLOWED[0], change.seq)
        backlog = replication_backlog(store, change.logged + 5)
        assert backlog == Backlog(1, 5.0)  # the other collections still wait for it
    finally:
        store.close()


def _site(tmp_path: Path) -> Settings:
    return Settings(site={"timezone": "Europe/Helsinki"}, store={"path": tmp_path / "w.db"})


def _store_findings(settings: Settings, tmp_path: Path) -> dict[str, list[Finding]]:
    options = DoctorOptions(min_free_bytes=0, low_free_bytes=0)
    findings = asyncio.run(diagnose(settings, tmp_path / "wattboard.toml", options))
    named: dict[str, list[Finding]] = {}
    for finding in findings:
        named.setdefault(finding.check, []).append(finding)
    return named


def test_checks_name_a_damaged_store_without_a_traceback(tmp_path: Path) -> None:
    settings = _site(tmp_path)
    store = SqliteStore(
        tmp_path / "w.db", zone=ZoneInfo("Europe/Helsinki"), netting="minute", meters=()
    )
    store.add_meter(MeterSpec("grid", "grid"))
    store.close()
    damage(tmp_path / "w.db")
    (finding,) = _store_findings(settings, tmp_path)["store"]
    assert finding.status == "problem"
    assert "is damaged or not a Wattboard database" in finding.detail
    assert "wattboard import" in (finding.fix or "")


def test_checks_show_implausible_minutes(tmp_path: Path) -> None:
    settings = _site(tmp_path)
    store = SqliteStore(
        tmp_path / "w.db",
        zone=ZoneInfo("Europe/Helsinki"),
        netting="minute",
        meters=[MeterSpec("grid", "grid")],
    )
    reason = "implausible value from the meter: b_avg_a = 31000"
    store.ingest([], [("grid", T0, T0 + 60, reason)])
    store.close()
    (finding,) = _store_findings(settings, tmp_path)["implausible minutes"]
    assert finding.status == "warn"
    assert finding.detail == (
        f"1 minute(s) dropped, the newest of meter grid at 2025-06-01 00:00 UTC: {reason}"
    )


def test_checks_say_disk_full_when_no_space_is_left(tmp_path: Path) -> None:
    options = DoctorOptions(min_free_bytes=2**62)  # more than any disk has free
    findings = asyncio.run(diagnose(_site(tmp_path), tmp_path / "wattboard.toml", options))
    (disk,) = [f for f in findings if f.check == "disk"]
    assert (disk.status, disk.detail.startswith("disk full: ")) == ("problem", True)


# -- prices -------------------------------------------------------------------------------------


def _price_store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(
        tmp_path / "p.db", zone=ZoneInfo("Europe/Helsinki"), netting="minute", meters=()
    )


def test_price_finding_says_how_far_prices_reach(tmp_path: Path) -> None:
    store = _price_store(tmp_path)
    day = date(2025, 11, 20)
    store.put_prices(emulated_prices(day_span(day)[0], day_span(day + timedelta(days=1))[1]))
    site = {"timezone": "Europe/Helsinki"}
    elering = Settings(site=site, prices={"source": "elering", "area": "FI"})
    noon = datetime(2025, 11, 20, 12, tzinfo=ZoneInfo("Europe/Brussels")).timestamp()
    try:
        found = checks.price_finding(elering, store, noon)
        assert (found.status, found.detail) == (
            "ok",
            "elering FI: prices stored until 2025-11-22 01:00",  # Helsinki time
        )
        # The next afternoon the day after is due: a warning until it is stored.
        found = checks.price_finding(elering, store, noon + 86400 + 3 * 3600)
        assert found.status == "warn"
        assert "expected until 2025-11-23 01:00" in found.detail
        store.set_price_status({"failing": True, "failures": 4, "error": "elering answered 500"})
        found = checks.price_finding(elering, store, noon)
        assert found.status == "warn"
        assert "4 failed fetch(es), the last: elering answered 500" in found.detail
        found = checks.price_finding(Settings(site=site), store, noon)
        assert found.status == "info"
        assert found.detail.startswith("no [prices] source: prices stored until 2025-11-22")
    finally:
        store.close()
