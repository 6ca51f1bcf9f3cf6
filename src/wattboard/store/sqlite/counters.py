"""Lifetime energy counters (closed days plus the open day) and their published marks."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from wattboard.energy.counters import lifetime_counters, ratchet
from wattboard.energy.flows import Flows, expected_meter_minutes
from wattboard.energy.periods import local_day, local_midnight, period
from wattboard.store.sqlite.core import LAST_TS
from wattboard.store.sqlite.rollups import Rollups

# The settings rows that keep each lifetime counter's published mark: `counter:grid_import`...
_COUNTER_KEY: Final = "counter:"
_COUNTER_KEY_END: Final = "counter;"  # the key after every `counter:` key


class Counters(Rollups):
    """The counters Home Assistant and Prometheus see: never going back, cheap to compute."""

    # The sum of the day rollups before the open day (the counters' base): (open day's
    # start, data_version, sum). Kept until a closed day changes, not at every write.
    _closed: tuple[int, int, Flows] | None

    def _init_caches(self) -> None:
        super()._init_caches()
        self._closed = None

    def _day_changed(self, start: int) -> None:
        super()._day_changed(start)
        if self._closed is not None and start < self._closed[0]:
            self._closed = None  # a closed day changed (a backfill, a correction)

    def _all_days_changed(self) -> None:
        super()._all_days_changed()
        self._closed = None

    def energy_counters(self, now: int) -> dict[str, float]:
        """Return the lifetime counters in Wh: closed days' rollups plus the open day's quarters."""
        open_start = local_midnight(datetime.fromtimestamp(now, self.zone).date(), self.zone)
        # The closed days' sum (one aggregate over the day rows, kept until a closed day
        # changes) and at most a day of quarters: never a scan of the minutes.
        closed = self._closed_days(open_start)
        quarters = self.quarter_sums(open_start, LAST_TS)
        return lifetime_counters(
            closed, quarters, open_start, netting=self.netting, zone=self.zone, until=now
        )

    def _closed_days(self, open_start: int) -> Flows:
        # data_version moves when another process (an import) wrote to the file.
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        cached = self._closed
        if cached is None or cached[0] != open_start or cached[1] != version:
            cached = self._closed = (open_start, version, self._day_sum(0, open_start))
        return cached[2]

    def coverage_today(self, now: int) -> float | None:
        """Return the share of today's expected meter-minutes stored (None: none expected)."""
        day = period("day", local_day(now, self.zone), self.zone)
        quarters = self.quarter_sums(day.start, day.end)
        present = sum(s.present for s in quarters.values())
        span = self.span()
        first = span[0] if span else None
        if first is not None and first >= day.start:
            # The site began today: the span starts at the day row's midnight, the first
            # quarter with a record says when recording began (as the API's coverage does).
            first = min((q for q, s in quarters.items() if s.present > 0), default=first)
        expected = expected_meter_minutes(day.start, day.end, self.meter_count(), now, first)
        return None if expected <= 0 else min(1.0, present / expected)

    def counter_marks(self) -> dict[str, float]:
        """Return the highest value each counter was ever published with."""
        rows = self._db.execute(
            "SELECT key, value FROM settings WHERE key >= ? AND key < ?",
            (_COUNTER_KEY, _COUNTER_KEY_END),
        )
        return {str(key).removeprefix(_COUNTER_KEY): float(value) for key, value in rows}

    def raise_counter_marks(self, computed: dict[str, float]) -> dict[str, float]:
        """Return the counters to publish (never below a published mark) and keep them as marks.

        The marks live in the file, so a restart, a rebuild with another netting mode or a
        deletion cannot make a counter that Home Assistant or Prometheus saw go back.
        """
        with self._db:
            marks = self.counter_marks()
            published = ratchet(marks, computed)
            changed = [
                (f"{_COUNTER_KEY}{name}", repr(value))
                for name, value in published.items()
                if marks.get(name) != value
            ]
            self._db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", changed)
        return published
