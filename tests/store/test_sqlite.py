"""The SQLite store: exact round trips, idempotent upserts, rollups that follow every write."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import InvalidInputError, MigrationError, StoreError
from wattboard.store.sqlite import MeterSpec, SqliteStore

HELSINKI = ZoneInfo("Europe/Helsinki")
METERS = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
T0 = 1_748_736_000  # 2025-06-01 00:00 UTC = 03:00 in Helsinki, a quarter boundary


def rec(
    meter: str,
    ts: int,
    a: tuple[float, float] = (0.0, 0.0),
    b: tuple[float, float] = (0.0, 0.0),
    c: tuple[float, float] = (0.0, 0.0),
) -> MinuteRecord:
    """A record with the given (import, export) Wh per phase and plausible statistics."""
    stats = (100.0, -50.0, 230.1, 1.234)
    return MinuteRecord(meter, ts, *a, *stats, *b, *stats, *c, *stats)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    yield db
    db.close()


def test_store_round_trips_device_precision(store: SqliteStore) -> None:
    record = MinuteRecord("grid", T0, 60.7312, 0.0, 4379.4, 3099.6, 226.5, 17.237,
                          31.5258, 0.0001, 2576.1, -12.3, 229.9, 11.02,
                          0.0, 8.25, -480.0, -510.5, 231.0, 2.1)  # fmt: skip
    store.upsert([record])
    (back,) = store.readings("grid", T0, T0 + 60)
    assert back.a_import_wh == 60.7312
    assert back.b_export_wh == 0.0001
    assert back.c_min_w == -510.5
    assert back.a_avg_a == 17.237
    assert back.b_avg_v == 229.9


def test_store_upsert_twice_changes_nothing(store: SqliteStore) -> None:
    records = [rec("grid", T0 + 60 * i, a=(5.0, 0.0)) for i in range(30)]
    store.upsert(records)
    first = store.quarter_sums(T0, T0 + 1800)
    store.upsert(records)
    assert store.count() == 30
    assert store.quarter_sums(T0, T0 + 1800) == first
    assert first[T0].net == pytest.approx(75.0)  # 15 minutes × 5 Wh


def test_store_upsert_replaces_a_corrected_minute(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0, a=(5.0, 0.0))])
    store.upsert([rec("grid", T0, a=(7.0, 0.0))])
    assert store.readings("grid", T0, T0 + 60)[0].a_import_wh == 7.0
    assert store.quarter_sums(T0, T0 + 900)[T0].phase_import == pytest.approx(7.0)


def test_store_quarter_rollup_nets_phases_and_adds_solar(store: SqliteStore) -> None:
    # Phase A exports 8 Wh while B and C import 5 Wh each; the inverter produces 12 Wh.
    store.upsert([rec("grid", T0, a=(0.0, 8.0), b=(5.0, 0.0), c=(5.0, 0.0)),
                  rec("solar", T0, a=(0.0, 4.0), b=(0.0, 4.0), c=(0.0, 4.0))])  # fmt: skip
    q = store.quarter_sums(T0, T0 + 900)[T0]
    assert q.phase_import == pytest.approx(10.0)  # 5 + 5
    assert q.phase_export == pytest.approx(8.0)
    assert q.minute_import == pytest.approx(2.0)  # 10 − 8 netted within the minute
    assert q.minute_export == 0.0
    assert q.solar == pytest.approx(12.0)  # 3 × 4
    assert q.consumption == pytest.approx(14.0)  # 2 imported + 12 produced
    assert q.present == 2  # two meter-minutes


def test_store_day_row_settles_hour_netting(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.db", zone=HELSINKI, netting="hour", meters=METERS)
    # One local hour: 30 minutes importing 2 Wh, 30 minutes exporting 1 Wh.
    store.upsert([rec("grid", T0 + 60 * i, a=(2.0, 0.0)) for i in range(30)]
                 + [rec("grid", T0 + 60 * i, a=(0.0, 1.0)) for i in range(30, 60)])  # fmt: skip
    (day,) = store.day_rows(T0 - 86400, T0 + 86400)
    assert day.day == "2025-06-01"
    assert day.flows.grid_import == pytest.approx(30.0)  # 60 − 30 netted over the hour
    assert day.flows.grid_export == 0.0
    assert day.flows.present == 60
    store.close()


def test_store_delete_refreshes_rollups(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0 + 60 * i, a=(1.0, 0.0)) for i in range(20)])
    removed = store.delete("grid", T0 + 600, T0 + 1200)
    assert removed == 10
    assert store.quarter_sums(T0, T0 + 1800)[T0].phase_import == pytest.approx(10.0)  # minutes 0–9
    assert T0 + 900 not in store.quarter_sums(T0, T0 + 1800)  # its minutes are all gone
    assert store.day_rows(T0 - 86400, T0 + 86400)[0].flows.grid_import == pytest.approx(10.0)


def test_store_refuses_bad_input_and_keeps_what_it_has(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0, a=(1.0, 0.0))])
    with pytest.raises(InvalidInputError, match="unknown meter 'wind'"):
        store.upsert([rec("grid", T0 + 60), rec("wind", T0 + 120)])
    with pytest.raises(InvalidInputError, match="multiple of 60") as caught:
        store.upsert([rec("grid", T0 + 61)])
    assert caught.value.field == "ts"
    assert store.count() == 1


def test_store_readings_page_with_cursor(store: SqliteStore) -> None:
    store.upsert([rec("grid", T0 + 60 * i) for i in range(10)])
    first = store.readings("grid", T0, T0 + 600, limit=4)
    second = store.readings("grid", T0, T0 + 600, limit=4, after=first[-1].ts)
    assert [r.ts for r in first + second] == [T0 + 60 * i for i in range(8)]


def test_store_watermark_is_newest_record(store: SqliteStore) -> None:
    assert store.watermark("grid") is None
    store.upsert([rec("grid", T0), rec("grid", T0 + 600), rec("solar", T0 + 900)])
    assert store.watermark("grid") == T0 + 600
    assert store.watermark("solar") == T0 + 900


def test_store_rebuild_after_netting_change(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0, a=(0.0, 8.0), b=(5.0, 0.0), c=(5.0, 0.0))])
    store.rebuild()
    assert store.needs_rebuild() == []
    store.close()
    store = SqliteStore(path, zone=HELSINKI, netting="phase", meters=METERS)
    assert store.needs_rebuild() == ["netting changed from minute to phase"]
    store.rebuild()
    assert store.day_rows(T0 - 86400, T0 + 86400)[0].flows.grid_import == pytest.approx(
        10.0
    )  # 5 + 5
    assert store.needs_rebuild() == []
    store.close()


def test_store_rebuild_after_zone_change_moves_day_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "z.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    # 2025-06-01 22:00 UTC is 01:00 on June 2 in Helsinki but still June 1 in New York.
    store.upsert([rec("grid", T0 + 22 * 3600, a=(1.0, 0.0))])
    store.rebuild()
    assert [d.day for d in store.day_rows(T0 - 86400, T0 + 2 * 86400)] == ["2025-06-02"]
    store.close()
    store = SqliteStore(path, zone=ZoneInfo("America/New_York"), netting="minute", meters=METERS)
    store.rebuild()
    assert [d.day for d in store.day_rows(T0 - 86400, T0 + 2 * 86400)] == ["2025-06-01"]
    store.close()


def test_store_rebuild_applies_changed_clamp_inversion(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0, a=(3.0, 0.0), b=(0.0, 2.0))])
    store.close()
    inverted = (MeterSpec("grid", "grid", ("b",)), METERS[1])
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=inverted)
    assert store.needs_rebuild() == ["invert_phases of grid changed from [] to ['b']"]
    store.rebuild()
    (back,) = store.readings("grid", T0, T0 + 60)
    assert (back.b_import_wh, back.b_export_wh) == (2.0, 0.0)  # swapped
    assert (back.b_max_w, back.b_min_w) == (50.0, -100.0)  # negated and swapped
    assert store.quarter_sums(T0, T0 + 900)[T0].net == pytest.approx(5.0)  # 3 + 2
    store.close()


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(MigrationError, match="newer than this Wattboard"):
        SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)


def test_store_gaps_and_replication_watermarks(store: SqliteStore) -> None:
    store.record_gap("grid", T0, T0 + 3600, "older than the meter keeps")
    store.record_gap("grid", T0, T0 + 7200, "older than the meter keeps")
    assert store.gaps("grid") == [(T0, T0 + 7200, "older than the meter keeps")]
    assert store.replication_watermark("minutes") is None
    store.set_replication_watermark("minutes", T0)
    assert store.replication_watermark("minutes") == T0
    assert store.integrity() == "ok"


def test_store_rebuild_keeps_history_that_only_rollups_hold(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    # Three local days (from 2025-06-01 00:00+03:00) of one phase importing 2 Wh a minute.
    start = T0 - 3 * 3600
    store.upsert([rec("grid", start + 60 * i, a=(2.0, 0.0)) for i in range(3 * 1440)])
    deleted = store.apply_retention(1, now=start + 3 * 86400 - 60)  # keep 1 day before today
    assert deleted == 1440  # the first day's minutes are gone
    store.close()
    store = SqliteStore(path, zone=ZoneInfo("UTC"), netting="hour", meters=METERS)
    store.rebuild()
    days = store.day_rows(start - 86400, start + 4 * 86400)
    total = sum(d.flows.grid_import for d in days)
    assert total == pytest.approx(3 * 1440 * 2.0)  # 8640 Wh: no day lost to the rebuild
    assert days[0].day == "2025-05-31"  # re-cut in UTC: 21:00 UTC is still May 31
    store.close()


def test_store_new_meter_records_its_configured_inversion(tmp_path: Path) -> None:
    inverted = (MeterSpec("grid", "grid", ("c",)), METERS[1])
    store = SqliteStore(tmp_path / "n.db", zone=HELSINKI, netting="minute", meters=inverted)
    # Rows ingested from now on are inverted by the collector: nothing is left to rebuild.
    assert store.needs_rebuild() == []
    store.close()


def test_store_day_sums_follow_every_change(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    june = (T0 - 3 * 3600, T0 + 29 * 86400)  # the month's local days, kept between reads
    try:
        store.upsert([rec("grid", T0 + 60 * i, a=(1.0, 0.0)) for i in range(10)])
        assert store.day_sums([june])[0].grid_import == pytest.approx(10.0)
        store.upsert([rec("grid", T0 + 3600, a=(2.5, 0.0))])  # this connection writes
        assert store.day_sums([june])[0].grid_import == pytest.approx(12.5)
        # Another process (`wattboard import`, a second connection) writes too.
        other = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
        other.delete("grid", T0, T0 + 300)
        other.close()
        assert store.day_sums([june])[0].grid_import == pytest.approx(7.5)
    finally:
        store.close()


def damage(path: Path) -> None:
    """Overwrite every page after the first with garbage: the header still says SQLite."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))


def _checkpointed(path: Path) -> None:
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    store.upsert([rec("grid", T0 + 60 * i) for i in range(600)])
    store.close()  # the last connection closing checkpoints the WAL into the file


def test_sqlite_store_refuses_a_damaged_file_with_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    _checkpointed(path)
    damage(path)
    with pytest.raises(StoreError) as caught:
        SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    message = str(caught.value)
    assert message.startswith(f"the database {path} is damaged or not a Wattboard database")
    assert "restore a backup with `wattboard import`" in message


def test_sqlite_store_integrity_reports_damage_instead_of_raising(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    _checkpointed(path)
    store = SqliteStore(path, zone=HELSINKI, netting="minute", meters=METERS)
    try:
        damage(path)  # under an open connection, as a failing SD card would
        verdict = store.integrity()
    finally:
        store.close()
    assert verdict != "ok"
    assert "malformed" in verdict or "not a database" in verdict


def test_sqlite_store_refuses_a_value_too_large_to_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    try:
        huge = MinuteRecord("grid", T0, *([1e300] + [0.0] * 17))
        with pytest.raises(InvalidInputError) as caught:
            store.upsert([huge])
        assert caught.value.field == "a_import_wh"
        assert store.count() == 0
    finally:
        store.close()


def test_sqlite_store_lists_implausible_gaps_newest_first(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting="minute", meters=METERS)
    try:
        reason = "implausible value from the meter: a_avg_v = 9999"
        store.ingest(
            [],
            [
                ("grid", T0, T0 + 60, reason),
                ("solar", T0 + 600, T0 + 660, reason),
                ("grid", T0 + 1200, T0 + 1800, "not recorded by the meter"),
            ],
        )
        assert store.implausible_gaps() == [
            ("solar", T0 + 600, T0 + 660, reason),
            ("grid", T0, T0 + 60, reason),
        ]
    finally:
        store.close()
