"""The change log the MongoDB replica follows, and the replica's watermarks.

Every write logs the span it changed (while replication is on), so the replicator resends
only what changed since its watermark of each collection.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import QUARTER
from wattboard.store.sqlite.core import SqliteCore

# Written minutes further apart than this are logged as separate changes, so a scattered
# upsert does not make the replicator resend everything in between.
CHANGE_SPLIT: Final = 3600
ENERGY_CHANGE: Final = "energy"
PRICES_CHANGE: Final = "prices"


@dataclass(frozen=True, slots=True)
class Change:
    """A logged write: a meter's minutes in `[start, end)` changed (meter None: rollups only).

    `kind` is "energy" for minutes and rollups, "prices" when the prices of periods starting
    in `[start, end)` changed.
    """

    seq: int
    meter: str | None
    start: int
    end: int
    logged: int
    kind: str = ENERGY_CHANGE


class ChangeLog(SqliteCore):
    """What changed since when, for the replicator; its watermark per replicated collection."""

    def start_replication(self) -> bool:
        """Turn the change log on; the first time, log all stored data so a replica gets it all."""
        with self._db:
            if self._replicating():
                return False
            self._db.execute("INSERT INTO settings VALUES ('replication', 'on')")
            for (num,) in self._db.execute("SELECT DISTINCT meter FROM minutes").fetchall():
                self._log_meter(num)
            # Rollups may reach further back than the minutes (retention, adopted quarters).
            first, last = self._db.execute("SELECT min(start), max(start) FROM quarters").fetchone()
            if first is not None:
                self._log_change(None, first, last + QUARTER)
            first, last = self._db.execute("SELECT min(start), max(start) FROM prices").fetchone()
            if first is not None:
                self._log_change(None, first, last + 1, kind=PRICES_CHANGE)
        return True

    def stop_replication(self) -> None:
        """Turn the change log off and forget the watermarks: a later start sends everything."""
        with self._db:
            self._db.execute("DELETE FROM settings WHERE key = 'replication'")
            self._db.execute("DELETE FROM changes")
            self._db.execute("DELETE FROM replication")

    def changes(self, after: int, limit: int) -> list[Change]:
        """Return the logged changes with `seq > after`, oldest first."""
        rows = self._db.execute(
            "SELECT seq, id, start, end, logged, kind FROM changes "
            "LEFT JOIN meters ON meter = num WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )
        return [Change(int(s), m, int(a), int(b), int(t), str(k)) for s, m, a, b, t, k in rows]

    def change_backlog(self, after: int) -> tuple[int, int | None]:
        """Return how many changes follow `after` and when the oldest of them was logged."""
        count, oldest = self._db.execute(
            "SELECT count(*), min(logged) FROM changes WHERE seq > ?", (after,)
        ).fetchone()
        return int(count), None if oldest is None else int(oldest)

    def replication_backlog(self, collections: Sequence[str]) -> tuple[int, int | None] | None:
        """Return `change_backlog` past the lowest watermark of `collections`; None when off."""
        if not self._replicating():
            return None
        marks = [self.replication_watermark(c) or 0 for c in collections]
        return self.change_backlog(min(marks, default=0))

    def prune_changes(self, upto: int) -> int:
        """Forget the changes every replicated collection has passed (`seq <= upto`)."""
        with self._db:
            return int(self._db.execute("DELETE FROM changes WHERE seq <= ?", (upto,)).rowcount)

    def set_replication_watermark(self, collection: str, watermark: int) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO replication VALUES (?, ?, ?) ON CONFLICT (collection) "
                "DO UPDATE SET watermark = excluded.watermark, updated = excluded.updated",
                (collection, watermark, int(time.time())),
            )

    def replication_watermark(self, collection: str) -> int | None:
        row = self._db.execute(
            "SELECT watermark FROM replication WHERE collection = ?", (collection,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _replicating(self) -> bool:
        query = "SELECT 1 FROM settings WHERE key = 'replication'"
        return self._db.execute(query).fetchone() is not None

    def _log_change(
        self, num: int | None, start: int, end: int, *, kind: str = ENERGY_CHANGE
    ) -> None:
        if self._replicating():
            self._db.execute(
                "INSERT INTO changes (meter, start, end, logged, kind) VALUES (?, ?, ?, ?, ?)",
                (num, start, end, int(time.time()), kind),
            )

    def _log_meter(self, num: int) -> None:
        """Log all of a meter's stored minutes as changed."""
        first, last = self._db.execute(
            "SELECT min(ts), max(ts) FROM minutes WHERE meter = ?", (num,)
        ).fetchone()
        if first is not None:
            self._log_change(num, int(first), int(last) + 60)

    def _log_records(self, records: Sequence[MinuteRecord]) -> None:
        """Log the runs of written minutes, split where a meter skips more than CHANGE_SPLIT."""
        if not records or not self._replicating():
            return
        stamps: dict[int, list[int]] = {}
        for record in records:
            stamps.setdefault(self._num(record.meter), []).append(record.ts)
        for num, meter_stamps in stamps.items():
            for first, last in spans(sorted(meter_stamps), CHANGE_SPLIT):
                self._log_change(num, first, last + 60)


def spans(stamps: Sequence[int], split: int) -> Iterable[tuple[int, int]]:
    """Group sorted timestamps into runs `(first, last)` without a step longer than `split`."""
    first = previous = stamps[0]
    for ts in stamps[1:]:
        if ts - previous > split:
            yield first, previous
            first = ts
        previous = ts
    yield first, previous
