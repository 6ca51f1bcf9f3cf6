"""Backups and imports: every record and every rollup survives export → import."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from wattboard.energy.prices import PricePoint
from wattboard.energy.records import MinuteRecord, invert_phases
from wattboard.exceptions import InvalidInputError, StoreError
from wattboard.shelly.client import ShellyClient
from wattboard.simulator import Emulators
from wattboard.store.backup import (
    backup_database,
    detect_format,
    export_csv,
    import_backup,
    import_csv,
)
from wattboard.store.codec import decode, encode
from wattboard.store.sqlite import MeterSpec, SqliteStore

HELSINKI = ZoneInfo("Europe/Helsinki")
METERS = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
T0 = 1_748_725_200  # 2025-06-01 00:00 in Helsinki (21:00 UTC the day before)
DAY = 86400
EVERYTHING = (0, 2**40)


def synthetic(meter: str, ts: int, rng: random.Random) -> MinuteRecord:
    """A record with the device's precision: Wh 4 decimals, W and V 1, A 3."""
    values: list[float] = []
    for _ in range(3):
        values += [
            round(rng.uniform(0, 60), 4), round(rng.uniform(0, 20), 4),
            round(rng.uniform(0, 4000), 1), round(rng.uniform(-3000, 0), 1),
            round(rng.uniform(220, 240), 1), round(rng.uniform(0, 17), 3),
        ]  # fmt: skip
    return MinuteRecord(meter, ts, *values)


def days_of_records(days: int, seed: int = 1) -> list[MinuteRecord]:
    rng = random.Random(seed)
    return [
        synthetic(meter, T0 + 60 * i, rng)
        for i in range(days * 1440)
        for meter in ("grid", "solar")
        if not (meter == "solar" and 600 <= i < 660)  # an hour the solar meter did not record
    ]


def open_store(path: Path, meters: tuple[MeterSpec, ...] = METERS) -> SqliteStore:
    return SqliteStore(path, zone=HELSINKI, netting="minute", meters=meters)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[SqliteStore]:
    store = open_store(tmp_path / "source.db")
    store.ingest(days_of_records(3), [("solar", T0 + 600 * 60, T0 + 660 * 60, "not recorded")])
    yield store
    store.close()


def snapshot(store: SqliteStore) -> dict[str, object]:
    """Everything a reader can see: records, gaps, quarter and day rollups."""
    return {
        "records": {m: store.readings(m, *EVERYTHING, limit=10**7) for m in ("grid", "solar")},
        "gaps": {m: store.gaps(m) for m in ("grid", "solar")},
        "quarters": store.quarter_sums(*EVERYTHING),
        "days": store.day_rows(*EVERYTHING),
    }


def assert_same(got: dict[str, object], expected: dict[str, object]) -> None:
    """Records and gaps exactly; rollups to float rounding.

    A rollup sums its minutes in an order that depends on how many quarters one write
    refreshed, so the same minutes written in other batches may differ in the last bit.
    """
    assert got.keys() == expected.keys()
    for key in got.keys() - {"quarters", "days"}:
        assert got[key] == expected[key], key
    quarters, expected_quarters = got["quarters"], expected["quarters"]
    assert isinstance(quarters, dict)
    assert isinstance(expected_quarters, dict)
    assert quarters.keys() == expected_quarters.keys()
    for q, sums in quarters.items():
        assert astuple(sums) == pytest.approx(astuple(expected_quarters[q]), rel=1e-12, abs=1e-9)
    days, expected_days = got["days"], expected["days"]
    assert isinstance(days, list)
    assert isinstance(expected_days, list)
    assert [(d.day, d.start, d.end) for d in days] == [
        (d.day, d.start, d.end) for d in expected_days
    ]
    for day, expected_day in zip(days, expected_days, strict=True):
        assert astuple(day.flows) == pytest.approx(astuple(expected_day.flows), rel=1e-12, abs=1e-9)


def test_retention_deletes_old_minutes_and_keeps_rollups(source: SqliteStore) -> None:
    before = snapshot(source)
    now = T0 + 2 * DAY + 12 * 3600  # noon of the third local day
    deleted = source.apply_retention(1, now)
    # Kept: today and one whole day before it; deleted: day one of two meters, less the hour
    # the solar meter never recorded.
    assert deleted == 1440 * 2 - 60
    assert source.minutes_kept_from() == T0 + DAY
    assert source.count() == 2 * 1440 * 2
    assert source.quarter_sums(*EVERYTHING) == before["quarters"]
    assert source.day_rows(*EVERYTHING) == before["days"]
    assert source.apply_retention(None, now) == 0
    assert source.apply_retention(1, now) == 0  # idempotent


def test_backup_then_import_reproduces_every_record_and_rollup(
    source: SqliteStore, tmp_path: Path
) -> None:
    source.apply_retention(1, T0 + 2 * DAY + 12 * 3600)  # day one lives on in its rollups only
    expected = snapshot(source)
    reports: list[tuple[int, int]] = []
    backup_database(
        source.path, tmp_path / "backup.db", lambda done, total: reports.append((done, total))
    )
    assert reports
    assert reports[-1][0] == reports[-1][1]
    target = open_store(tmp_path / "fresh.db")
    summary = import_backup(target, tmp_path / "backup.db")
    assert summary.records == 2 * 1440 * 2
    assert summary.gaps == 1
    assert summary.quarters == 96  # the quarters of the pruned local day
    assert_same(snapshot(target), expected)
    assert len(expected["days"]) == 3  # type: ignore[arg-type]
    target.close()


def test_backup_is_one_checked_file(source: SqliteStore, tmp_path: Path) -> None:
    backup_database(source.path, tmp_path / "backup.db")
    with sqlite3.connect(tmp_path / "backup.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert not (tmp_path / "backup.db-wal").exists()
    assert detect_format(tmp_path / "backup.db") == "sqlite"


def test_import_turns_records_to_the_target_clamp_orientation(
    source: SqliteStore, tmp_path: Path
) -> None:
    backup_database(source.path, tmp_path / "backup.db")
    inverted = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar", ("b",)))
    target = open_store(tmp_path / "fresh.db", inverted)
    target.rebuild()  # an empty store takes the configured inversion as its rows' orientation
    import_backup(target, tmp_path / "backup.db")
    original = source.readings("solar", *EVERYTHING, limit=10**7)
    assert target.readings("solar", *EVERYTHING, limit=10**7) == [
        invert_phases(r, ["b"]) for r in original
    ]
    target.close()


def test_import_is_idempotent(source: SqliteStore, tmp_path: Path) -> None:
    backup_database(source.path, tmp_path / "backup.db")
    target = open_store(tmp_path / "fresh.db")
    import_backup(target, tmp_path / "backup.db")
    first = snapshot(target)
    import_backup(target, tmp_path / "backup.db")
    assert_same(snapshot(target), first)
    target.close()


def test_import_refuses_a_backup_of_a_newer_wattboard(source: SqliteStore, tmp_path: Path) -> None:
    backup_database(source.path, tmp_path / "backup.db")
    with sqlite3.connect(tmp_path / "backup.db") as db:
        db.execute("PRAGMA user_version = 99")
    target = open_store(tmp_path / "fresh.db")
    with pytest.raises(StoreError, match="schema 99, newer than this Wattboard"):
        import_backup(target, tmp_path / "backup.db")
    target.close()


def test_csv_export_then_import_reproduces_records_and_rollups(
    source: SqliteStore, tmp_path: Path
) -> None:
    path = tmp_path / "minutes.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = export_csv(source, out)
    assert rows == source.count()
    assert path.read_text(encoding="utf-8").startswith(
        "meter,ts,utc,inverted,a_import_wh,a_export_wh,"
    )
    assert detect_format(path) == "csv"
    target = open_store(tmp_path / "fresh.db")
    assert import_csv(target, path).records == rows
    expected, got = snapshot(source), snapshot(target)
    del expected["gaps"], got["gaps"]  # a CSV holds records only
    assert_same(got, expected)
    target.close()


def test_csv_import_turns_records_to_the_target_clamp_orientation(
    source: SqliteStore, tmp_path: Path
) -> None:
    path = tmp_path / "minutes.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        export_csv(source, out, ["solar"])
    target = open_store(
        tmp_path / "fresh.db", (MeterSpec("grid", "grid"), MeterSpec("solar", "solar", ("b",)))
    )
    target.rebuild()
    import_csv(target, path)
    original = source.readings("solar", *EVERYTHING, limit=10**7)
    assert target.readings("solar", *EVERYTHING, limit=10**7) == [
        invert_phases(r, ["b"]) for r in original
    ]
    target.close()


def test_csv_export_of_one_meter(source: SqliteStore, tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert export_csv(source, out, ["grid"]) == 3 * 1440
    assert {line.split(",")[0] for line in path.read_text().splitlines()[1:]} == {"grid"}


async def test_shelly_csv_import_for_a_meter(emulators: Emulators, tmp_path: Path) -> None:
    grid = emulators.meters["grid"]
    first, last = grid.device.memory.first_ts, grid.device.memory.last_ts
    assert first is not None
    assert last is not None
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{grid.url}/emdata/0/data.csv?ts={first}&end_ts={last}&add_keys=true"
        )
    path = tmp_path / "emdata_grid.csv"
    path.write_bytes(response.content)
    assert detect_format(path) == "shelly-csv"
    async with ShellyClient(grid.url, meter="grid") as client:
        device = await client.fetch_records(first, last + 60)
    store = open_store(tmp_path / "w.db", (MeterSpec("grid", "grid", ("c",)),))
    store.rebuild()  # the empty store now keeps grid's rows with clamp c turned round
    with pytest.raises(InvalidInputError, match=r"meter: .*say which meter"):
        import_csv(store, path)
    with pytest.raises(InvalidInputError, match=r"meter: no meter 'attic' in the store"):
        import_csv(store, path, meter="attic")
    assert import_csv(store, path, meter="grid").records == len(device)
    stored = store.readings("grid", *EVERYTHING, limit=10**7)
    # The store keeps volts to 0.1 V (codec), so compare with what it makes of the device's.
    expected = [decode("grid", r.ts, encode(invert_phases(r, ["c"]))) for r in device]
    assert [astuple(r) for r in stored] == [astuple(r) for r in expected]
    store.close()


def test_detect_format_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello,world\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="neither a Wattboard backup nor a CSV"):
        detect_format(path)


def _garbage_from(path: Path, fraction: float) -> None:
    """Overwrite the file from `fraction` of its length on: a bad sector or a cut download."""
    data = bytearray(path.read_bytes())
    cut = int(len(data) * fraction) // 4096 * 4096
    data[cut:] = b"\x5a" * (len(data) - cut)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "damaged"])
def test_import_refuses_a_broken_backup_and_changes_nothing(
    source: SqliteStore, tmp_path: Path, how: str
) -> None:
    backup = tmp_path / "backup.db"
    backup_database(source.path, backup)
    if how == "truncated":
        backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 3])
    else:
        _garbage_from(backup, 0.5)
    target = open_store(tmp_path / "fresh.db")
    target.upsert(days_of_records(1, seed=9)[:100])
    before = snapshot(target)
    try:
        with pytest.raises(StoreError) as caught:
            import_backup(target, backup)
        assert str(caught.value).startswith(f"{backup} is damaged or incomplete (")
        assert "nothing was imported" in str(caught.value)
        assert_same(snapshot(target), before)
    finally:
        target.close()


def test_import_stores_an_implausible_csv_minute_as_a_gap(
    source: SqliteStore, tmp_path: Path
) -> None:
    path = tmp_path / "minutes.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        export_csv(source, out, ["grid"])
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")  # the fifth minute of grid
    cells[4] = "1e308"  # a_import_wh
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = open_store(tmp_path / "fresh.db")
    try:
        summary = import_csv(target, path)
        bad = int(cells[1])
        assert summary.records == source.count("grid") - 1
        assert summary.gaps == 1
        assert bad not in target.minute_timestamps("grid", *EVERYTHING)
        reason = "implausible value from the meter: a_import_wh = 1e+308"
        assert target.gaps("grid") == [(bad, bad + 60, reason)]
    finally:
        target.close()


@pytest.mark.parametrize("target", ["missing/backup.db", "a-file/backup.db"])
def test_backup_database_into_an_unwritable_place_is_a_store_error(
    source: SqliteStore, tmp_path: Path, target: str
) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        backup_database(source.path, tmp_path / target)
    assert str(caught.value).startswith(f"cannot back up {source.path} to {tmp_path / target}: ")


def test_backup_then_import_carries_the_spot_prices(source: SqliteStore, tmp_path: Path) -> None:
    prices = [PricePoint(T0 + 900 * i, T0 + 900 * (i + 1), 0.01 * i - 0.02) for i in range(96)]
    source.put_prices(prices)
    backup_database(source.path, tmp_path / "backup.db")
    target = open_store(tmp_path / "fresh.db")
    try:
        assert import_backup(target, tmp_path / "backup.db").prices == 96
        assert target.prices(0, 2**40) == prices
        assert import_backup(target, tmp_path / "backup.db").prices == 96  # again: no change
        assert target.prices(0, 2**40) == prices
    finally:
        target.close()
