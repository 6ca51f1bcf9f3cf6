"""Backups and imports: a consistent SQLite copy, CSV of minute records, Shelly CSV files.

- `backup_database` copies the live database with SQLite's online backup API, so it can run
  while `wattboard run` writes; the copy is a single file (no WAL) checked with `quick_check`.
- `export_csv` writes minute records with the API's field names (the README, "The API"), one row per
  meter and minute, as stored, with an `inverted` column naming the phases turned round in them.
- `import_backup` merges a backup into a store: minutes, gaps, and the quarter rollups whose
  minutes retention already deleted. Rollups of imported minutes are recomputed in the store's
  own zone and netting.
- `import_csv` reads either CSV: ours (header `meter,ts,...`), or the meter's own
  `/emdata/0/data.csv` for one meter (raw device values, nothing turned round).

Every imported minute is turned to the orientation the store keeps that meter's rows in
(`meters.inverted`); when the configured `invert_phases` differ, the next start of `run`
converts all rows alike, imported or not.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal, TextIO
from zoneinfo import ZoneInfo

from wattboard.energy.plausible import split_implausible
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import (
    PHASES,
    RECORD_FIELDS,
    VALUE_FIELDS,
    MinuteRecord,
    Phase,
    Role,
    invert_phases,
    record_from_values,
)
from wattboard.energy.sums import QUARTER, MinuteSums, sums_from_row
from wattboard.exceptions import DeviceProtocolError, InvalidInputError, StoreError
from wattboard.shelly.parse import csv_records
from wattboard.store.codec import decode
from wattboard.store.schema import MINUTE_COLUMNS, SCHEMA_VERSION
from wattboard.store.sqlite import SUM_COLUMNS, MeterSpec, SqliteStore

Progress = Callable[[int, int], None]
Format = Literal["sqlite", "csv", "shelly-csv"]
SQLITE_MAGIC: Final = b"SQLite format 3\x00"
BACKUP_PAGES: Final = 256  # pages per step of the online backup: progress, and room for writers
BATCH: Final = 5000  # minute records per import transaction
log = logging.getLogger(__name__)
CSV_HEADER: Final = ("meter", "ts", "utc", "inverted", *RECORD_FIELDS[2:])


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added: minute records, gap records, rollups without minutes, prices."""

    records: int
    gaps: int = 0
    quarters: int = 0
    prices: int = 0


# -- export --------------------------------------------------------------------------------------


def backup_database(source: Path, target: Path, progress: Progress | None = None) -> None:
    """Copy the database at `source` to `target` consistently, even while it is written."""
    if not source.exists():
        raise StoreError(f"no database at {source}; nothing to back up")
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        with _open_readonly(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst, pages=BACKUP_PAGES, progress=_pages(progress))
            # One self-contained file: no -wal beside it to forget when copying the backup away.
            dst.execute("PRAGMA journal_mode = DELETE")
            verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"the backup of {source} fails its check: {verdict}")
        partial.replace(target)
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise StoreError(f"cannot back up {source} to {target}: {reason}") from err
    finally:
        with contextlib.suppress(OSError):  # nothing to remove when it could not be made
            partial.unlink(missing_ok=True)


def export_csv(
    store: SqliteStore,
    out: TextIO,
    meters: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the minute records of `meters` (default: all) as CSV; return the rows written."""
    chosen = list(meters) if meters else store.meter_ids
    total = sum(store.count(m) for m in chosen)
    orientation = _orientation(store)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    written = 0
    for meter in chosen:
        inverted = "".join(sorted(orientation.get(meter, ())))
        for record in _all_records(store, meter):
            writer.writerow(_csv_row(record, inverted))
            written += 1
            if progress is not None and written % BATCH == 0:
                progress(written, total)
    if progress is not None:
        progress(written, total)
    return written


def _all_records(store: SqliteStore, meter: str) -> Iterator[MinuteRecord]:
    after: int | None = None
    while page := store.readings(meter, 0, 2**62, limit=BATCH, after=after):
        yield from page
        after = page[-1].ts


def _csv_row(record: MinuteRecord, inverted: str) -> list[str]:
    utc = datetime.fromtimestamp(record.ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [repr(getattr(record, name)) for name in RECORD_FIELDS[2:]]
    return [record.meter, str(record.ts), utc, inverted, *values]


# -- import --------------------------------------------------------------------------------------


def detect_format(path: Path) -> Format:
    """Tell a SQLite backup, a Wattboard CSV and a Shelly CSV apart by their first bytes."""
    try:
        with path.open("rb") as file:
            head = file.read(256)
    except OSError as err:
        raise InvalidInputError("path", f"cannot read {path}: {err}") from err
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").split(",", 1)[0].strip()
    if first == "meter":
        return "csv"
    if first == "timestamp" or first.isdigit():
        return "shelly-csv"
    raise InvalidInputError(
        "path",
        f"{path} is neither a Wattboard backup nor a CSV starting with 'meter' or 'timestamp'",
    )


def import_backup(
    store: SqliteStore, path: Path, progress: Progress | None = None
) -> ImportSummary:
    """Merge a backup made by `backup_database` (or a copy of a store) into `store`."""
    with _readable_backup(path) as source:
        try:
            meters = _backup_meters(source)
            for meter_id, (role, _) in meters.items():
                store.add_meter(MeterSpec(meter_id, role))
            orientation = _orientation(store)
            flips = {m: inv ^ orientation.get(m, set()) for m, (_, inv) in meters.items()}
            records, dropped = _import_minutes(store, source, flips, progress)
            gaps = _import_gaps(store, source) + dropped
            quarters = store.adopt_quarters(_orphan_quarters(source))
            prices = _import_prices(store, source)
        except sqlite3.DatabaseError as err:
            # Checked before the import, so this is a file changing under us: say so plainly.
            raise StoreError(f"{path} could not be read to the end: {err}") from err
    return ImportSummary(records, gaps, quarters, prices)


def import_csv(
    store: SqliteStore,
    path: Path,
    *,
    meter: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a Wattboard CSV, or a Shelly CSV of the meter `meter`."""
    orientation = _orientation(store)
    text = _read_text(path)
    if detect_format(path) == "csv":
        records = [
            invert_phases(record, inverted ^ orientation.get(record.meter, set()))
            for record, inverted in _wattboard_records(text, path)
        ]
    elif meter is None:
        raise InvalidInputError("meter", f"{path} is a Shelly CSV: say which meter it came from")
    elif meter not in orientation:
        known = ", ".join(sorted(orientation)) or "none"
        raise InvalidInputError("meter", f"no meter {meter!r} in the store (known: {known})")
    else:
        raw = _shelly_records(text, path, meter)
        records = [invert_phases(record, orientation[meter]) for record in raw]
    kept, dropped = _plausible(store, records)
    return ImportSummary(_write(store, kept, progress), dropped)


def _plausible(
    store: SqliteStore, records: Sequence[MinuteRecord]
) -> tuple[list[MinuteRecord], int]:
    """Keep the plausible records; store each implausible minute as a gap naming its value."""
    kept, dropped = split_implausible(records)
    gaps = [(r.meter, r.ts, r.ts + 60, reason) for r, reason in dropped]
    for meter, start, _, reason in gaps:
        when = datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%d %H:%M UTC")
        log.warning("meter %s: minute %s not imported: %s", meter, when, reason)
    if gaps:
        store.ingest([], gaps)
    return kept, len(gaps)


def _orientation(store: SqliteStore) -> dict[str, set[Phase]]:
    """Return, per meter, the phases its stored rows have turned round."""
    return {m.id: {p for p in PHASES if p in m.inverted} for m in store.meter_infos()}


def _write(store: SqliteStore, records: Sequence[MinuteRecord], progress: Progress | None) -> int:
    written = 0
    for offset in range(0, len(records), BATCH):
        written += store.upsert(records[offset : offset + BATCH])
        if progress is not None:
            progress(written, len(records))
    return written


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInputError("path", f"cannot read {path}: {err}") from err


def _shelly_records(text: str, path: Path, meter: str) -> list[MinuteRecord]:
    try:
        return csv_records(text, meter=meter)
    except DeviceProtocolError as err:
        raise InvalidInputError("path", f"{path}: {err}") from err


def _wattboard_records(text: str, path: Path) -> list[tuple[MinuteRecord, set[Phase]]]:
    """Return each record with the phases turned round in it (column `inverted`, if any)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in RECORD_FIELDS if name not in (reader.fieldnames or ())]
    if missing:
        raise InvalidInputError("path", f"{path}: columns {', '.join(missing)} are missing")
    records = []
    for line, row in enumerate(reader, start=2):
        try:
            values = [float(row[name]) for name in VALUE_FIELDS]
            record = record_from_values(row["meter"], int(row["ts"]), values)
        except (TypeError, ValueError) as err:
            raise InvalidInputError("path", f"{path} line {line}: {err}") from err
        records.append((record, {p for p in PHASES if p in (row.get("inverted") or "")}))
    return records


# -- reading a backup ----------------------------------------------------------------------------


@contextlib.contextmanager
def _readable_backup(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a backup read-only, through a migrated copy when its schema is older."""
    if detect_format(path) != "sqlite":
        raise InvalidInputError("path", f"{path} is not a SQLite backup")
    with tempfile.TemporaryDirectory(prefix="wattboard-import-") as tmp:
        db = _open_readonly(path)
        try:
            _check_backup(db, path)
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} has schema {version}, newer than this Wattboard ({SCHEMA_VERSION});"
                    " upgrade Wattboard to import it"
                )
            if version < SCHEMA_VERSION:
                db.close()
                db = _migrated_copy(path, Path(tmp) / "backup.db")
            yield db
        finally:
            db.close()


def _check_backup(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a truncated or damaged backup before a single row of it is imported."""
    try:
        verdict = str(db.execute("PRAGMA quick_check").fetchone()[0])
    except sqlite3.DatabaseError as err:
        verdict = str(err)
    if verdict != "ok":
        raise StoreError(
            f"{path} is damaged or incomplete ({verdict}); nothing was imported. Use an "
            "older backup, or make a new one with `wattboard export`"
        )


def _migrated_copy(path: Path, copy: Path) -> sqlite3.Connection:
    shutil.copyfile(path, copy)
    # Opening a store runs the migrations; no meters are registered, so nothing else changes.
    SqliteStore(copy, zone=ZoneInfo("UTC"), netting="minute", meters=()).close()
    return _open_readonly(copy)


def _open_readonly(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise StoreError(f"cannot open {path}: {err}") from err


def _backup_meters(
    source: sqlite3.Connection,
) -> dict[str, tuple[Role, set[Phase]]]:
    meters: dict[str, tuple[Role, set[Phase]]] = {}
    for meter_id, role, inverted in source.execute("SELECT id, role, inverted FROM meters"):
        phases = {p for p in PHASES if p in inverted}
        meters[meter_id] = ("grid" if role == "grid" else "solar", phases)
    return meters


def _import_minutes(
    store: SqliteStore,
    source: sqlite3.Connection,
    flips: dict[str, set[Phase]],
    progress: Progress | None,
) -> tuple[int, int]:
    total = int(source.execute("SELECT count(*) FROM minutes").fetchone()[0])
    cursor = source.execute(
        f"SELECT m.id, ts, {', '.join(MINUTE_COLUMNS)} FROM minutes "  # noqa: S608 - constant names
        "JOIN meters m ON m.num = minutes.meter ORDER BY ts, m.id"
    )
    written = dropped = 0
    while rows := cursor.fetchmany(BATCH):
        records = [_turned(decode(meter, ts, tuple(values)), flips) for meter, ts, *values in rows]
        kept, skipped = _plausible(store, records)
        written += store.upsert(kept)
        dropped += skipped
        if progress is not None:
            progress(written + dropped, total)
    return written, dropped


def _turned(record: MinuteRecord, flips: dict[str, set[Phase]]) -> MinuteRecord:
    return invert_phases(record, flips.get(record.meter, set()))


def _import_gaps(store: SqliteStore, source: sqlite3.Connection) -> int:
    rows = source.execute(
        "SELECT m.id, start, end, reason FROM gaps JOIN meters m ON m.num = gaps.meter"
    ).fetchall()
    store.ingest(
        [], [(meter, int(start), int(end), str(reason)) for meter, start, end, reason in rows]
    )
    return len(rows)


def _import_prices(store: SqliteStore, source: sqlite3.Connection) -> int:
    """Copy the backup's spot prices (a migrated backup from before prices has none)."""
    rows = source.execute("SELECT start, end, price FROM prices ORDER BY start").fetchall()
    return store.put_prices([PricePoint(int(s), int(e), float(p)) for s, e, p in rows])


def _orphan_quarters(source: sqlite3.Connection) -> dict[int, MinuteSums]:
    """Return the backup's quarter rollups that no minute of the backup backs any more."""
    rows = source.execute(
        f"SELECT start, {SUM_COLUMNS} FROM quarters q WHERE NOT EXISTS "  # noqa: S608 - constant names
        f"(SELECT 1 FROM minutes WHERE ts >= q.start AND ts < q.start + {QUARTER})"
    )
    return {int(start): sums_from_row(values) for start, *values in rows}


def _pages(progress: Progress | None) -> Callable[[int, int, int], object] | None:
    if progress is None:
        return None

    def report(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return report
