"""The change log the replicator follows: what each write logs, and only while replicating."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.store.test_sqlite import METERS, T0, rec
from wattboard.store.sqlite import MeterSpec, SqliteStore

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    yield db
    db.close()


def _spans(store: SqliteStore) -> list[tuple[str | None, int, int]]:
    return [(c.meter, c.start, c.end) for c in store.changes(0, 100)]


def test_changes_nothing_logged_until_replication_starts(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0)])
    assert store.changes(0, 100) == []


def test_changes_start_logs_each_meters_span_and_the_rollups(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0), rec("grid", T0 + 600), rec("solar", T0 + 60)])
    assert store.start_replication() is True
    assert store.start_replication() is False  # already on: nothing logged twice
    assert _spans(store) == [
        ("grid", T0, T0 + 660),  # first minute to the end of the last (T0 + 600 + 60)
        ("solar", T0 + 60, T0 + 120),
        (None, T0, T0 + 900),  # the one quarter holding all three
    ]


def test_changes_upsert_logs_runs_split_at_gaps_over_an_hour(store: SqliteStore) -> None:
    store.start_replication()
    minutes = [T0 + 60 * i for i in range(3)] + [T0 + 3 * 3600]
    store.upsert([rec("grid", ts) for ts in minutes])
    assert _spans(store) == [
        ("grid", T0, T0 + 180),  # three minutes in a row
        ("grid", T0 + 10800, T0 + 10860),  # 3 h later: a change of its own, not 3 h resent
    ]


def test_changes_delete_logs_the_quarters_it_touched(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0 + 60 * i) for i in range(20)])
    store.start_replication()
    first = store.changes(0, 100)[-1].seq
    assert store.delete("grid", 0, 2**40) == 20
    (change,) = store.changes(first, 100)
    # Not [0, 2**40): the quarters that held the 20 minutes, [T0, T0 + 2 × 900).
    assert (change.meter, change.start, change.end) == ("grid", T0, T0 + 1800)


def test_changes_delete_of_nothing_logs_nothing(store: SqliteStore) -> None:
    store.start_replication()
    assert store.delete("grid", T0, T0 + 3600) == 0
    assert store.changes(0, 100) == []


def test_changes_rebuild_logs_the_rollups_a_day_wider(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0), rec("grid", T0 + 60)])
    store.start_replication()
    store.close()
    utc = SqliteStore(path, zone=ZoneInfo("UTC"), netting="minute", meters=METERS)
    after = utc.changes(0, 100)[-1].seq
    utc.rebuild()
    (change,) = utc.changes(after, 100)
    assert (change.meter, change.start, change.end) == (None, T0 - 86400, T0 + 120 + 86400)
    utc.close()


def test_changes_inversion_logs_the_meters_whole_span(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0), rec("grid", T0 + 7200)])
    store.start_replication()
    after = store.changes(0, 100)[-1].seq
    store.close()
    inverted = (MeterSpec("grid", "grid", ("b",)), METERS[1])
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=inverted)
    store.rebuild()
    assert [(c.meter, c.start, c.end) for c in store.changes(after, 100)] == [
        ("grid", T0, T0 + 7260),  # every stored minute of the grid meter changed sign
        (None, T0 - 86400, T0 + 7260 + 86400),
    ]
    store.close()


def test_changes_pruned_sequence_numbers_are_never_reused(store: SqliteStore) -> None:
    store.start_replication()
    store.upsert([rec("grid", T0)])
    (first,) = store.changes(0, 100)
    assert store.prune_changes(first.seq) == 1
    store.upsert([rec("grid", T0 + 60)])
    (second,) = store.changes(0, 100)
    assert second.seq == first.seq + 1  # AUTOINCREMENT: a watermark keeps its meaning


def test_changes_backlog_counts_and_dates_the_oldest(store: SqliteStore) -> None:
    assert store.change_backlog(0) == (0, None)
    store.start_replication()
    store.upsert([rec("grid", T0)])
    store.upsert([rec("solar", T0)])
    count, oldest = store.change_backlog(0)
    assert count == 2
    assert oldest is not None
    assert store.change_backlog(store.changes(0, 100)[-1].seq) == (0, None)


def test_changes_stop_replication_clears_the_log_and_watermarks(store: SqliteStore) -> None:
    store.start_replication()
    store.upsert([rec("grid", T0)])
    store.set_replication_watermark("minutes", 1)
    store.stop_replication()
    store.upsert([rec("grid", T0 + 60)])
    assert store.changes(0, 100) == []
    assert store.replication_watermark("minutes") is None
    assert store.start_replication() is True  # a later start logs everything again
    assert _spans(store)[0] == ("grid", T0, T0 + 120)


def test_changes_migration_upgrades_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0)])
    store.close()
    with sqlite3.connect(path) as db:  # make it the file an older Wattboard left behind
        db.execute("DROP TABLE changes")
        db.execute("DROP TABLE prices")
        db.execute("PRAGMA user_version = 1")
    db.close()
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    assert store.start_replication() is True
    assert _spans(store)[0] == ("grid", T0, T0 + 60)
    store.close()


def test_changes_adopted_rollups_are_logged_for_the_replica(store: SqliteStore) -> None:
    store.start_replication()
    source = SqliteStore(
        store.path.with_name("src.db"), zone=HELSINKI, netting="minute", meters=METERS
    )
    source.upsert([rec("grid", T0 + 60 * i, a=(1.0, 0.0)) for i in range(30)])
    adopted = store.adopt_quarters(source.quarter_sums(0, 2**40))
    source.close()
    assert adopted == 2  # two quarters of minutes this store never had
    assert _spans(store) == [(None, T0, T0 + 1800)]  # rollups only, both quarters
