"""Minute records: writing (upsert, ingest with gaps, delete) and reading them back, and gaps."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from typing import Final

from wattboard.energy.plausible import REASON as IMPLAUSIBLE
from wattboard.energy.plausible import implausible_field
from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import QUARTER, quarter_start
from wattboard.exceptions import InvalidInputError, StoreError
from wattboard.store.base import MeterInfo
from wattboard.store.codec import decode, encode
from wattboard.store.schema import MINUTE_COLUMNS
from wattboard.store.sqlite.core import INT64_MAX
from wattboard.store.sqlite.rollups import Rollups

_INSERT_MINUTE: Final = (
    f"INSERT INTO minutes (meter, ts, {', '.join(MINUTE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(MINUTE_COLUMNS) + 2))}) "
    f"ON CONFLICT (meter, ts) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in MINUTE_COLUMNS)
)
_INSERT_GAP: Final = (
    "INSERT INTO gaps VALUES (?, ?, ?, ?) ON CONFLICT (meter, start) "
    "DO UPDATE SET end = max(end, excluded.end), reason = excluded.reason"
)


class Records(Rollups):
    """Each meter's minute records and the gaps in them; every write refreshes its rollups."""

    def upsert(self, records: Sequence[MinuteRecord]) -> int:
        """Insert or replace records (idempotent by meter and ts) and refresh their rollups."""
        return self.ingest(records, ())

    def ingest(
        self, records: Sequence[MinuteRecord], gaps: Sequence[tuple[str, int, int, str]]
    ) -> int:
        """Store fetched records and the gaps found on the way in one transaction."""
        rows = [(self._num(r.meter), _checked_ts(r.ts), *_encoded(r)) for r in records]
        try:
            with self._db:
                self._db.executemany(_INSERT_MINUTE, rows)
                self._db.executemany(_INSERT_GAP, [(self._num(m), s, e, r) for m, s, e, r in gaps])
                self._refresh({quarter_start(r.ts) for r in records})
                self._log_records(records)
        except sqlite3.Error as err:
            raise StoreError(f"could not store {len(rows)} records: {err}") from err
        return len(rows)

    def delete(self, meter: str, start: int, end: int) -> int:
        """Remove a meter's records with `start <= ts < end` and refresh the rollups."""
        num = self._num(meter)
        with self._db:
            touched = self._db.execute(
                f"SELECT DISTINCT ts - ts % {QUARTER} FROM minutes "
                "WHERE meter = ? AND ts >= ? AND ts < ?",
                (num, start, end),
            ).fetchall()
            count = self._db.execute(
                "DELETE FROM minutes WHERE meter = ? AND ts >= ? AND ts < ?", (num, start, end)
            ).rowcount
            self._refresh({q for (q,) in touched})
            if count:
                # The quarters that held deleted minutes bound the change, whatever was asked.
                quarters = [q for (q,) in touched]
                self._log_change(num, min(quarters), max(quarters) + QUARTER)
        return int(count)

    def record_gap(self, meter: str, start: int, end: int, reason: str) -> None:
        """Remember minutes that can no longer be fetched (older than the device keeps)."""
        with self._db:
            self._db.execute(_INSERT_GAP, (self._num(meter), start, end, reason))

    def gaps(self, meter: str) -> list[tuple[int, int, str]]:
        rows = self._db.execute(
            "SELECT start, end, reason FROM gaps WHERE meter = ? ORDER BY start",
            (self._num(meter),),
        )
        return [(int(s), int(e), str(r)) for s, e, r in rows]

    def implausible_gaps(
        self, limit: int = 10, meter: str | None = None
    ) -> list[tuple[str, int, int, str]]:
        """Return the newest minutes dropped as implausible: (meter, start, end, reason)."""
        rows = self._db.execute(
            "SELECT id, start, end, reason FROM gaps JOIN meters ON meter = num "
            "WHERE reason LIKE ? AND (? IS NULL OR id = ?) ORDER BY start DESC LIMIT ?",
            (f"{IMPLAUSIBLE}%", meter, meter, limit),
        )
        return [(str(m), int(s), int(e), str(r)) for m, s, e, r in rows]

    def minute_timestamps(self, meter: str, start: int, end: int) -> list[int]:
        """Return the minutes stored for a meter with `start <= ts < end`, oldest first."""
        rows = self._db.execute(
            "SELECT ts FROM minutes WHERE meter = ? AND ts >= ? AND ts < ? ORDER BY ts",
            (self._num(meter), start, end),
        )
        return [int(ts) for (ts,) in rows]

    def watermark(self, meter: str) -> int | None:
        """Return the timestamp of the meter's newest record."""
        row = self._db.execute("SELECT max(ts) FROM minutes WHERE meter = ?", (self._num(meter),))
        value = row.fetchone()[0]
        return None if value is None else int(value)

    def readings(
        self, meter: str, start: int, end: int, *, limit: int = 1000, after: int | None = None
    ) -> list[MinuteRecord]:
        """Return a meter's records with `start <= ts < end`, after `after`, oldest first."""
        lower = start if after is None else max(start, after + 1)
        rows = self._db.execute(
            f"SELECT ts, {', '.join(MINUTE_COLUMNS)} FROM minutes "
            "WHERE meter = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?",
            (self._num(meter), lower, end, limit),
        )
        return [decode(meter, ts, tuple(values)) for ts, *values in rows]

    def meter_infos(self) -> list[MeterInfo]:
        """Return every stored meter with its role, inverted phases and newest minute."""
        rows = self._db.execute(
            "SELECT id, role, inverted, (SELECT max(ts) FROM minutes WHERE meter = num) "
            "FROM meters ORDER BY id"
        )
        return [MeterInfo(i, role, tuple(inv), last) for i, role, inv, last in rows]

    def count(self, meter: str | None = None) -> int:
        if meter is None:
            return int(self._db.execute("SELECT count(*) FROM minutes").fetchone()[0])
        query = "SELECT count(*) FROM minutes WHERE meter = ?"
        return int(self._db.execute(query, (self._num(meter),)).fetchone()[0])


def _encoded(record: MinuteRecord) -> tuple[int, ...]:
    """Encode a record; a value too large for an integer column is refused, not a crash."""
    try:
        row = encode(record)
    except (OverflowError, ValueError):  # inf, nan
        row = (INT64_MAX + 1,)
    if all(-INT64_MAX <= value <= INT64_MAX for value in row):
        return row
    bad = implausible_field(record)
    field, value = bad if bad is not None else ("value", math.nan)
    raise InvalidInputError(field, f"{value!r} is too large to store")


def _checked_ts(ts: int) -> int:
    if ts % 60:
        raise InvalidInputError("ts", f"{ts} is not the start of a minute (a multiple of 60)")
    return ts
