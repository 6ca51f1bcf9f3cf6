"""Retention: old minute records are deleted, the rollups built from them are kept."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from wattboard.energy.periods import local_midnight
from wattboard.exceptions import StoreError
from wattboard.store.sqlite.core import SqliteCore


class Retention(SqliteCore):
    """Deleting minutes past the retention and remembering from when they are kept."""

    def apply_retention(self, days: int | None, now: float) -> int:
        """Delete minute records older than `days` local days before `now`; keep every rollup."""
        if days is None:
            return 0
        today = datetime.fromtimestamp(now, self.zone).date()
        # A local midnight is a quarter boundary too, so no kept quarter loses part of its minutes.
        cutoff = local_midnight(today - timedelta(days=days), self.zone)
        try:
            with self._db:
                # No rollup is refreshed: they were built from these minutes and outlive them.
                deleted = self._db.execute("DELETE FROM minutes WHERE ts < ?", (cutoff,)).rowcount
                self._db.execute(
                    "INSERT INTO settings VALUES ('minutes_kept_from', ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)",
                    (str(cutoff),),
                )
        except sqlite3.Error as err:
            raise StoreError(f"could not delete minutes before {cutoff}: {err}") from err
        return int(deleted)

    def minutes_kept_from(self) -> int | None:
        """Return the time before which retention deleted the minutes (rollups remain)."""
        row = self._db.execute(
            "SELECT value FROM settings WHERE key = 'minutes_kept_from'"
        ).fetchone()
        return None if row is None else int(row[0])
