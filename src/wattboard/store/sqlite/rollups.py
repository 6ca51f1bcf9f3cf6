"""Rollups: quarter sums and settled local days, kept in step with the minutes; rebuild.

A write refreshes the quarters it touched and the local days holding them in its own
transaction; `rebuild` recomputes all of them when the zone, the netting mode or a meter's
clamp inversion changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Final

from wattboard.energy.flows import STORED_FLOW_FIELDS, Flows
from wattboard.energy.netting import bucket_flows
from wattboard.energy.periods import local_day, period
from wattboard.energy.sums import (
    QUARTER,
    SUM_FIELDS,
    MinuteSums,
    quarter_start,
    site_minute_totals,
    sums_from_row,
)
from wattboard.store.base import DayRow
from wattboard.store.codec import ENERGY_SCALE
from wattboard.store.sqlite.changes import ChangeLog
from wattboard.store.sqlite.core import (
    DAY,
    FLOW_COLUMNS,
    SUM_COLUMNS,
    MeterSpec,
    Progress,
    flow_values,
    flows_of,
    sum_values,
)
from wattboard.store.sqlite.retention import Retention

REBUILD_CHUNK: Final = 7 * DAY
SUMS_KEPT: Final = 4096  # spans of day sums kept between changes (a few hundred bytes each)
_FLOW_TOTALS: Final = ", ".join(f"total({name})" for name in STORED_FLOW_FIELDS)
_SUM_SLOTS: Final = ", ".join("?" * (len(SUM_FIELDS) + 1))
_DAY_SLOTS: Final = ", ".join("?" * (len(STORED_FLOW_FIELDS) + 3))


class Rollups(ChangeLog, Retention):
    """Quarter and day rollups: refreshed on writes, rebuilt on setting changes, read back."""

    _sums: dict[tuple[int, int], Flows]
    _sums_version: tuple[int, int]

    def _init_caches(self) -> None:
        super()._init_caches()
        # Sums of day rollups per span, valid while nothing changed the database (see day_sums).
        self._sums = {}
        self._sums_version = (-1, -1)

    def _refresh(self, quarters: set[int]) -> None:
        """Recompute the given quarters from the minutes, then the local days holding them."""
        for first, last in _runs(sorted(quarters)):
            sums = self._site_quarters(first, last + QUARTER)
            self._db.execute("DELETE FROM quarters WHERE start >= ? AND start <= ?", (first, last))
            self._db.executemany(
                f"INSERT INTO quarters (start, {SUM_COLUMNS}) VALUES ({_SUM_SLOTS})",
                [(q, *sum_values(s)) for q, s in sums.items()],
            )
        for day in sorted({local_day(q, self.zone) for q in quarters}):
            self._refresh_day(day)

    def _site_quarters(self, start: int, end: int) -> dict[int, MinuteSums]:
        """Sum the site minutes of `[start, end)` into quarters, with the energy model."""
        grid: dict[int, tuple[float, float]] = {}
        solar: dict[int, list[tuple[float, float]]] = {}
        roles = dict(self._meters.values())
        cursor = self._db.execute(
            "SELECT meter, ts, a_imp + b_imp + c_imp, a_exp + b_exp + c_exp FROM minutes "
            f"WHERE meter IN ({', '.join('?' * len(roles))}) AND ts >= ? AND ts < ?",
            (*roles, start, end),
        )
        for num, ts, imp, exp in cursor:
            pair = (imp / ENERGY_SCALE, exp / ENERGY_SCALE)
            if roles[num] == "grid":
                grid[ts] = pair
            else:
                solar.setdefault(ts, []).append(pair)
        quarters: dict[int, MinuteSums] = {}
        # In time order, so the same minutes give bit-identical sums whatever the batches were.
        for ts in sorted(grid.keys() | solar.keys()):
            q = ts - ts % QUARTER
            minute = site_minute_totals(grid.get(ts), solar.get(ts, ()))
            quarters[q] = quarters[q] + minute if q in quarters else minute
        return quarters

    def _refresh_day(self, day: str) -> None:
        span = period("day", day, self.zone)
        self._day_changed(span.start)
        quarters = self.quarter_sums(span.start, span.end)
        self._db.execute("DELETE FROM days WHERE day = ?", (day,))
        if not quarters:
            return
        flows = bucket_flows(quarters, span.start, span.end, netting=self.netting, zone=self.zone)
        self._db.execute(
            f"INSERT INTO days (day, start, end, {FLOW_COLUMNS}) VALUES ({_DAY_SLOTS})",
            (day, span.start, span.end, *flow_values(flows)),
        )

    # -- rebuild ------------------------------------------------------------------------------

    def needs_rebuild(self) -> list[str]:
        """Say why the rollups no longer match the settings (empty when they do)."""
        reasons = []
        stored = dict(self._db.execute("SELECT key, value FROM settings").fetchall())
        for key, value in (("timezone", self.zone.key), ("netting", self.netting)):
            if stored.get(key) != value:
                reasons.append(f"{key} changed from {stored.get(key)} to {value}")
        for spec in self._specs:
            inverted, wanted = sorted(self._inverted(spec.id)), sorted(spec.invert_phases)
            if inverted != wanted:
                reasons.append(f"invert_phases of {spec.id} changed from {inverted} to {wanted}")
        return reasons

    def _inverted(self, meter: str) -> set[str]:
        row = self._db.execute("SELECT inverted FROM meters WHERE id = ?", (meter,)).fetchone()
        return set(row[0]) if row else set()

    def rebuild(self, progress: Progress | None = None) -> None:
        """Apply changed clamp inversions and recompute every rollup from the minutes."""
        self._all_days_changed()
        with self._db:
            for spec in self._specs:
                self._apply_inversion(spec)
            # Quarters whose minutes retention deleted are all that is left of them: keep them.
            # They are UTC quarters holding every sum any netting needs, so only days change.
            kept = self.minutes_kept_from()
            self._db.execute("DELETE FROM quarters WHERE start >= ?", (kept or 0,))
            self._db.execute("DELETE FROM days")
            first, last = self._db.execute("SELECT min(ts), max(ts) FROM minutes").fetchone()
            if first is not None:
                self._rebuild_range(quarter_start(first), last + 60, progress)
            oldest = self._db.execute("SELECT min(start) FROM quarters").fetchone()[0]
            if oldest is not None and (first is None or oldest < quarter_start(first)):
                self._refresh_days(oldest, quarter_start(first) if first is not None else kept or 0)
            if oldest is not None:
                newest = last + 60 if last is not None else kept or oldest
                # A day a day wider: rows of days cut in the old zone start up to a day apart.
                self._log_change(None, oldest - DAY, newest + DAY)
            self._db.executemany(
                "INSERT OR REPLACE INTO settings VALUES (?, ?)",
                [("timezone", self.zone.key), ("netting", self.netting)],
            )

    def _refresh_days(self, start: int, end: int) -> None:
        """Re-settle every local day holding a quarter in `[start, end)` from its quarters."""
        days = {local_day(q, self.zone) for q in range(start, max(start, end), QUARTER)}
        for day in sorted(days):
            self._refresh_day(day)

    def _rebuild_range(self, start: int, end: int, progress: Progress | None) -> None:
        for chunk in range(start, end, REBUILD_CHUNK):
            quarters = range(chunk, min(chunk + REBUILD_CHUNK, end), QUARTER)
            self._refresh(set(quarters))
            if progress is not None:
                progress(min(chunk + REBUILD_CHUNK, end) - start, end - start)

    def _apply_inversion(self, spec: MeterSpec) -> None:
        changed = sorted(self._inverted(spec.id) ^ set(spec.invert_phases))
        if not changed:
            return
        # Inverting twice is the identity, so a change applies the difference to stored rows.
        swaps = ", ".join(
            f"{p}_imp = {p}_exp, {p}_exp = {p}_imp, {p}_max_w = -{p}_min_w, {p}_min_w = -{p}_max_w"
            for p in changed
        )
        self._db.execute(f"UPDATE minutes SET {swaps} WHERE meter = ?", (self._num(spec.id),))
        self._log_meter(self._num(spec.id))
        self._db.execute(
            "UPDATE meters SET inverted = ? WHERE id = ?",
            ("".join(sorted(spec.invert_phases)), spec.id),
        )

    def adopt_quarters(self, quarters: dict[int, MinuteSums]) -> int:
        """Store quarter rollups whose minutes are gone (retention), then settle their days."""
        adopted = [
            q
            for q in sorted(quarters)
            if q % QUARTER == 0
            and self._db.execute(
                "SELECT 1 FROM minutes WHERE ts >= ? AND ts < ? LIMIT 1", (q, q + QUARTER)
            ).fetchone()
            is None
        ]
        with self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO quarters (start, {SUM_COLUMNS}) "
                f"VALUES ({', '.join('?' * 13)})",
                [(q, *sum_values(quarters[q])) for q in adopted],
            )
            for day in sorted({local_day(q, self.zone) for q in adopted}):
                self._refresh_day(day)
            if adopted:
                # Rollups only (meter None): the replica takes these quarters and their days too.
                self._log_change(None, adopted[0], adopted[-1] + QUARTER)
        return len(adopted)

    # -- reads --------------------------------------------------------------------------------

    def span(self) -> tuple[int, int] | None:
        """Return the first and last stored minute of any meter (or day rollup, past retention)."""
        # Per meter through the primary key: min(ts) over the whole table would read every row.
        first, last = self._db.execute(
            "SELECT min(first), max(last) FROM ("
            " SELECT (SELECT min(ts) FROM minutes WHERE meter = num) AS first,"
            "        (SELECT max(ts) FROM minutes WHERE meter = num) AS last FROM meters"
            " UNION ALL SELECT min(start), NULL FROM days)"
        ).fetchone()
        return None if first is None else (int(first), int(last if last is not None else first))

    def quarter_sums(self, start: int, end: int) -> dict[int, MinuteSums]:
        """Return the stored quarter rollups with `start <= q < end`."""
        rows = self._db.execute(
            f"SELECT start, {SUM_COLUMNS} FROM quarters WHERE start >= ? AND start < ?",
            (start, end),
        )
        return {q: sums_from_row(values) for q, *values in rows}

    def day_rows(self, start: int, end: int) -> list[DayRow]:
        """Return the local-day rollups whose day starts within `[start, end)`."""
        # A range of the day key walks the table itself (its primary key); `start` then trims.
        rows = self._db.execute(
            f"SELECT day, start, end, {FLOW_COLUMNS} FROM days "
            "WHERE day >= ? AND day <= ? AND start >= ? AND start < ? ORDER BY day",
            (self._day_key(start), self._day_key(end), start, end),
        )
        return [DayRow(day, s, e, flows_of(values)) for day, s, e, *values in rows]

    def day_sums(self, spans: Sequence[tuple[int, int]]) -> list[Flows]:
        """Return the sum of the day rollups starting within each `[start, end)` span."""
        # Ten years of days take milliseconds to add up, and the app asks for the same years and
        # months again and again: the sums are kept until the database changes, by this
        # connection (total_changes) or by another process (data_version).
        version = (
            self._db.total_changes,
            int(self._db.execute("PRAGMA data_version").fetchone()[0]),
        )
        if version != self._sums_version or len(self._sums) > SUMS_KEPT:
            self._sums.clear()
            self._sums_version = version
        result = []
        for span in spans:
            flows = self._sums.get(span)
            if flows is None:
                flows = self._sums[span] = self._day_sum(*span)
            result.append(flows)
        return result

    def _day_sum(self, start: int, end: int) -> Flows:
        # As in day_rows: a range of the day key walks the table itself; through the index on
        # `start` every row would cost a second lookup (a third of /energy/years).
        query = (
            f"SELECT {_FLOW_TOTALS} FROM days "
            "WHERE day >= ? AND day <= ? AND start >= ? AND start < ?"
        )
        args = (self._day_key(start), self._day_key(end), start, end)
        return flows_of(self._db.execute(query, args).fetchone())


def _runs(quarters: Iterable[int]) -> Iterable[tuple[int, int]]:
    """Group sorted quarter starts into contiguous runs `(first, last)`."""
    for _, group in itertools.groupby(enumerate(quarters), key=lambda p: p[1] - p[0] * QUARTER):
        members = [q for _, q in group]
        yield members[0], members[-1]
