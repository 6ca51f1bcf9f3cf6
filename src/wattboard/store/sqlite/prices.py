"""Spot prices: stored periods (15 or 60 minutes) and the price fetcher's last state."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from wattboard.energy.prices import PricePoint, check_points
from wattboard.exceptions import StoreError
from wattboard.store.sqlite.changes import CHANGE_SPLIT, PRICES_CHANGE, ChangeLog, spans
from wattboard.store.sqlite.core import INT64_MAX


class Prices(ChangeLog):
    """Price periods by start, replaced when a period overlapping them arrives."""

    def put_prices(self, points: Sequence[PricePoint]) -> int:
        """Store spot prices (upsert by start); return the rows written.

        A stored period that overlaps a new one is replaced by it, so a day fetched again at
        another resolution (hourly, then 15 minutes) never leaves both. All or nothing: a bad
        point (not 15 or 60 minutes, not on a quarter hour, no price) stores none.
        """
        ordered = check_points(points)
        if not ordered:
            return 0
        try:
            with self._db:
                self._db.executemany(
                    "DELETE FROM prices WHERE start < ? AND end > ?",
                    [(p.end, p.start) for p in ordered],
                )
                self._db.executemany(
                    "INSERT INTO prices (start, end, price) VALUES (?, ?, ?)",
                    [(p.start, p.end, p.price) for p in ordered],
                )
                for first, last in spans([p.start for p in ordered], CHANGE_SPLIT):
                    self._log_change(None, first, last + 1, kind=PRICES_CHANGE)
        except sqlite3.Error as err:
            raise StoreError(f"could not store {len(ordered)} prices: {err}") from err
        self._prices_changed(ordered[0].start, ordered[-1].end)
        return len(ordered)

    def prices(self, start: int, end: int, *, limit: int = -1) -> list[PricePoint]:
        """Return the price periods with `start <= p.start < end`, oldest first (`limit`: all)."""
        rows = self._db.execute(
            "SELECT start, end, price FROM prices WHERE start >= ? AND start < ? ORDER BY start "
            "LIMIT ?",
            (max(start, -INT64_MAX), min(end, INT64_MAX), limit),
        )
        return [PricePoint(int(s), int(e), float(p)) for s, e, p in rows]

    def price_span(self) -> tuple[int, int] | None:
        """Return the start of the first and the end of the last stored price period."""
        first, last = self._db.execute("SELECT min(start), max(end) FROM prices").fetchone()
        return None if first is None else (int(first), int(last))

    def set_price_status(self, status: dict[str, Any]) -> None:
        """Remember the price fetcher's state (JSON), for `doctor` in another process."""
        with self._db:
            self._db.execute(
                "INSERT INTO settings VALUES ('prices.status', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (json.dumps(status, sort_keys=True),),
            )

    def price_status(self) -> dict[str, Any] | None:
        """Return what `set_price_status` stored last, or None."""
        row = self._db.execute("SELECT value FROM settings WHERE key = 'prices.status'").fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return value if isinstance(value, dict) else None
