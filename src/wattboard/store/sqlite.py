"""The embedded store: minute records and their rollups in one SQLite file (WAL).

Every method here is synchronous and meant to run on the store's one thread (`AsyncStore`);
a write is one transaction that upserts records and refreshes the rollups they touch, so a
crash leaves either the whole minute or none of it.
"""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from wattboard.energy.flows import STORED_FLOW_FIELDS, Flows
from wattboard.energy.money import Money, Pricer, combine_money, days_flows_money, hour_flows
from wattboard.energy.netting import Netting, bucket_flows
from wattboard.energy.periods import HOUR, local_day, local_midnight, period
from wattboard.energy.plausible import REASON as IMPLAUSIBLE
from wattboard.energy.plausible import implausible_field
from wattboard.energy.prices import PricePoint, check_points
from wattboard.energy.records import PHASES, MinuteRecord, Phase, Role
from wattboard.energy.sums import (
    QUARTER,
    SUM_FIELDS,
    MinuteSums,
    quarter_start,
    site_minute_totals,
    sums_from_row,
)
from wattboard.energy.tariff import TariffBook
from wattboard.exceptions import (
    InvalidInputError,
    MigrationError,
    SchemaVersionError,
    StoreError,
)
from wattboard.store.base import DayRow, MeterInfo
from wattboard.store.codec import ENERGY_SCALE, decode, encode
from wattboard.store.schema import MIGRATIONS, MINUTE_COLUMNS, SCHEMA_VERSION

Progress = Callable[[int, int], None]
DAY: Final = 86400
REBUILD_CHUNK: Final = 7 * DAY
MONEY_CHUNK_DAYS: Final = 92  # days priced per read of quarters and prices (about 9000 quarters)
SUMS_KEPT: Final = 4096  # spans of day sums kept between changes (a few hundred bytes each)
INT64_MAX: Final = 2**63 - 1  # SQLite's largest integer
LAST_TS: Final = 253_370_764_800  # 9998-12-31: callers pass huge ends for "everything"
# Written minutes further apart than this are logged as separate changes, so a scattered
# upsert does not make the replicator resend everything in between.
CHANGE_SPLIT: Final = 3600
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
# The days table has a column per stored Flows field, in field order.
_FLOW_COLUMNS: Final = ", ".join(STORED_FLOW_FIELDS)
_FLOW_TOTALS: Final = ", ".join(f"total({name})" for name in STORED_FLOW_FIELDS)
# The quarter table has a column per MinuteSums field, in field order.
SUM_COLUMNS: Final = ", ".join(SUM_FIELDS)
_SUM_SLOTS: Final = ", ".join("?" * (len(SUM_FIELDS) + 1))
# A quarter's (import, export, self-consumption) as `settle` gives them at each netting's level.
_QUARTER_FLOWS: Final = {
    "phase": "start + 900, phase_import, phase_export, self_consumption_phase",
    "minute": "start + 900, minute_import, minute_export, self_consumption_minute",
    "15min": "start + 900, max(net, 0.0), max(-net, 0.0), "
    "min(max(solar - max(-net, 0.0), 0.0), solar)",
    "hour": "net, solar",  # settled per local hour by `hour_flows`
}
_DAY_SLOTS: Final = ", ".join("?" * (len(STORED_FLOW_FIELDS) + 3))


@dataclass(frozen=True, slots=True)
class MeterSpec:
    """A configured meter as the store needs it."""

    id: str
    role: Role
    invert_phases: tuple[Phase, ...] = ()


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


class SqliteStore:
    """Minute records, rollups of quarters and local days, gaps and replication watermarks."""

    def __init__(
        self,
        path: Path,
        *,
        zone: ZoneInfo,
        netting: Netting,
        meters: Sequence[MeterSpec],
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.zone = zone
        self.netting: Netting = netting
        self._specs = list(meters)
        # Sums of day rollups per span, valid while nothing changed the database (see day_sums).
        self._sums: dict[tuple[int, int], Flows] = {}
        self._sums_version: tuple[int, int] = (-1, -1)
        # Money of each local day (by its start) under `_money_book`, and sums of spans of them:
        # pricing ten years of quarters takes seconds, so a day is priced once and forgotten
        # when its minutes or prices change (here, or in another process: then all of them).
        self._day_money: dict[int, Money] = {}
        self._money_sums: dict[tuple[int, int], Money] = {}
        self._money_book: TariffBook | None = None
        self._money_version: tuple[int, int] = (-1, -1)
        if read_only:
            # Diagnostics beside the running service: no migration, no rows, no new files.
            self._db = _connect_read_only(path)
            try:
                self._check_schema()
                rows = self._db.execute("SELECT id, num, role FROM meters").fetchall()
            except sqlite3.DatabaseError as err:
                self._db.close()
                raise StoreError(damaged(path, err)) from err
            except StoreError:
                self._db.close()
                raise
            self._meters: dict[str, tuple[int, Role]] = {
                meter_id: (num, role) for meter_id, num, role in rows
            }
            return
        self._db = _connect(path)
        try:
            self._migrate()
            self._meters = self._register(self._specs)
            with self._db:
                # A new file's rollups are built with today's settings; later changes are compared.
                self._db.executemany(
                    "INSERT OR IGNORE INTO settings VALUES (?, ?)",
                    [("timezone", zone.key), ("netting", netting)],
                )
        except sqlite3.DatabaseError as err:
            self._db.close()
            raise StoreError(damaged(path, err)) from err

    def close(self) -> None:
        self._db.close()

    # -- set-up -------------------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the schema version of the file (`PRAGMA user_version`)."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check_schema(self) -> None:
        version = self.schema_version()
        if version != SCHEMA_VERSION:
            raise SchemaVersionError(self.path, version, SCHEMA_VERSION)

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise MigrationError(
                f"{self.path} has schema {version}, newer than this Wattboard ({SCHEMA_VERSION});"
                " upgrade Wattboard"
            )
        for number in range(version, SCHEMA_VERSION):
            try:
                with self._db:
                    self._db.executescript(
                        f"BEGIN;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};"
                    )
            except sqlite3.Error as err:
                raise MigrationError(f"migration {number + 1} failed: {err}") from err

    def _register(self, specs: Sequence[MeterSpec]) -> dict[str, tuple[int, Role]]:
        with self._db:
            for spec in specs:
                # A new meter's rows will arrive already inverted as configured, so that is
                # what its rows hold; for a known meter a difference is rebuild()'s to apply.
                self._db.execute(
                    "INSERT INTO meters (id, role, inverted) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET role = excluded.role",
                    (spec.id, spec.role, "".join(sorted(spec.invert_phases))),
                )
        rows = self._db.execute("SELECT id, num, role FROM meters").fetchall()
        return {meter_id: (num, role) for meter_id, num, role in rows}

    @property
    def meter_ids(self) -> list[str]:
        return sorted(self._meters)

    def meter_count(self) -> int:
        """Return how many meters are expected to record each minute (the configured ones)."""
        return len(self._specs) or len(self._meters)

    def _num(self, meter: str) -> int:
        try:
            return self._meters[meter][0]
        except KeyError:
            known = ", ".join(self.meter_ids) or "none"
            raise InvalidInputError("meter", f"unknown meter {meter!r}; known: {known}") from None

    # -- writes -------------------------------------------------------------------------------

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
                for first, last in _spans([p.start for p in ordered], CHANGE_SPLIT):
                    self._log_change(None, first, last + 1, kind=PRICES_CHANGE)
        except sqlite3.Error as err:
            raise StoreError(f"could not store {len(ordered)} prices: {err}") from err
        self._forget_money(ordered[0].start, ordered[-1].end)
        return len(ordered)

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

    def record_gap(self, meter: str, start: int, end: int, reason: str) -> None:
        """Remember minutes that can no longer be fetched (older than the device keeps)."""
        with self._db:
            self._db.execute(_INSERT_GAP, (self._num(meter), start, end, reason))

    def set_replication_watermark(self, collection: str, watermark: int) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO replication VALUES (?, ?, ?) ON CONFLICT (collection) "
                "DO UPDATE SET watermark = excluded.watermark, updated = excluded.updated",
                (collection, watermark, int(time.time())),
            )

    # -- rollups ------------------------------------------------------------------------------

    def _refresh(self, quarters: set[int]) -> None:
        """Recompute the given quarters from the minutes, then the local days holding them."""
        for first, last in _runs(sorted(quarters)):
            sums = self._site_quarters(first, last + QUARTER)
            self._db.execute("DELETE FROM quarters WHERE start >= ? AND start <= ?", (first, last))
            self._db.executemany(
                f"INSERT INTO quarters (start, {SUM_COLUMNS}) VALUES ({_SUM_SLOTS})",
                [(q, *_sum_values(s)) for q, s in sums.items()],
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
        self._day_money.pop(span.start, None)
        quarters = self.quarter_sums(span.start, span.end)
        self._db.execute("DELETE FROM days WHERE day = ?", (day,))
        if not quarters:
            return
        flows = bucket_flows(quarters, span.start, span.end, netting=self.netting, zone=self.zone)
        self._db.execute(
            f"INSERT INTO days (day, start, end, {_FLOW_COLUMNS}) VALUES ({_DAY_SLOTS})",
            (day, span.start, span.end, *_flow_values(flows)),
        )

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

    # -- retention and restore ----------------------------------------------------------------

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

    def add_meter(self, spec: MeterSpec) -> None:
        """Know a meter that is not configured (e.g. one found in an imported backup)."""
        if spec.id in self._meters:
            return
        with self._db:
            self._db.execute(
                "INSERT INTO meters (id, role, inverted) VALUES (?, ?, ?)",
                (spec.id, spec.role, "".join(sorted(spec.invert_phases))),
            )
        (num,) = self._db.execute("SELECT num FROM meters WHERE id = ?", (spec.id,)).fetchone()
        self._meters[spec.id] = (int(num), spec.role)

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
                [(q, *_sum_values(quarters[q])) for q in adopted],
            )
            for day in sorted({local_day(q, self.zone) for q in adopted}):
                self._refresh_day(day)
            if adopted:
                # Rollups only (meter None): the replica takes these quarters and their days too.
                self._log_change(None, adopted[0], adopted[-1] + QUARTER)
        return len(adopted)

    # -- reads --------------------------------------------------------------------------------

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

    def count(self, meter: str | None = None) -> int:
        if meter is None:
            return int(self._db.execute("SELECT count(*) FROM minutes").fetchone()[0])
        query = "SELECT count(*) FROM minutes WHERE meter = ?"
        return int(self._db.execute(query, (self._num(meter),)).fetchone()[0])

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
            f"SELECT day, start, end, {_FLOW_COLUMNS} FROM days "
            "WHERE day >= ? AND day <= ? AND start >= ? AND start < ? ORDER BY day",
            (self._day_key(start), self._day_key(end), start, end),
        )
        return [DayRow(day, s, e, _flows(values)) for day, s, e, *values in rows]

    def _day_key(self, ts: int) -> str:
        """Return the local day key of `ts`, with open-ended ranges held to representable days."""
        return local_day(min(max(ts, 0), LAST_TS), self.zone)

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
        return _flows(self._db.execute(query, args).fetchone())

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

    # -- money --------------------------------------------------------------------------------

    def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        """Return `(day start, money of its energy)` of each day row starting in `[start, end)`."""
        self._check_money(book)
        return self._money_days(start, end)

    def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        """Return the summed money of the day rows starting within each `[start, end)` span."""
        self._check_money(book)
        result = []
        for span in spans:
            money = self._money_sums.get(span)
            if money is None:
                days = self._money_days(*span)
                money = self._money_sums[span] = combine_money(m for _, m in days)
            result.append(money)
        return result

    def _check_money(self, book: TariffBook) -> None:
        version = (
            self._db.total_changes,
            int(self._db.execute("PRAGMA data_version").fetchone()[0]),
        )
        # This connection's writes forget the days they touch; another process's cannot.
        if book is not self._money_book or version[1] != self._money_version[1]:
            self._day_money.clear()
        if book is not self._money_book or version != self._money_version:
            self._money_sums.clear()
        if len(self._money_sums) > SUMS_KEPT:
            self._money_sums.clear()
        self._money_book, self._money_version = book, version

    def _money_days(self, start: int, end: int) -> list[tuple[int, Money]]:
        rows = self._db.execute(
            "SELECT start, end FROM days WHERE day >= ? AND day <= ? AND start >= ? AND start < ? "
            "ORDER BY day",
            (self._day_key(start), self._day_key(end), start, end),
        ).fetchall()
        spans = [(int(s), int(e)) for s, e in rows]
        missing = [span for span in spans if span[0] not in self._day_money]
        for index in range(0, len(missing), MONEY_CHUNK_DAYS):
            self._price_days(missing[index : index + MONEY_CHUNK_DAYS])
        return [(s, self._day_money[s]) for s, _ in spans]

    def _price_days(self, days: list[tuple[int, int]]) -> None:
        book = self._money_book
        if book is None or not days:
            return
        first, last = days[0][0], days[-1][1]
        # An hourly price point starts up to an hour before a quarter it covers.
        pricer = Pricer(self.prices(first - HOUR, last), book)
        # Settled by SQLite, hours added up here: no MinuteSums built for years of quarters.
        query = (
            f"SELECT start, {_QUARTER_FLOWS[self.netting]} FROM quarters "
            "WHERE start >= ? AND start < ? ORDER BY start"
        )
        rows = self._db.execute(query, (first, last)).fetchall()
        flows = hour_flows(rows, book) if self.netting == "hour" else rows
        priced = days_flows_money(flows, days, pricer)
        for (start, _), money in zip(days, priced, strict=True):
            self._day_money[start] = money

    def _forget_money(self, start: int, end: int) -> None:
        """Forget the money of the days holding `[start, end)` (their prices changed)."""
        for day in [d for d in self._day_money if start - 2 * DAY < d < end]:
            self._day_money.pop(day)

    def gaps(self, meter: str) -> list[tuple[int, int, str]]:
        rows = self._db.execute(
            "SELECT start, end, reason FROM gaps WHERE meter = ? ORDER BY start",
            (self._num(meter),),
        )
        return [(int(s), int(e), str(r)) for s, e, r in rows]

    def replication_watermark(self, collection: str) -> int | None:
        row = self._db.execute(
            "SELECT watermark FROM replication WHERE collection = ?", (collection,)
        ).fetchone()
        return None if row is None else int(row[0])

    def integrity(self) -> str:
        """Return SQLite's own verdict on the file ('ok' when healthy)."""
        try:
            return str(self._db.execute("PRAGMA quick_check").fetchone()[0])
        except sqlite3.DatabaseError as err:
            # A file damaged badly enough makes the check itself fail: that is its verdict.
            return str(err)

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

    # -- change log for the MongoDB replica ---------------------------------------------------

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
            for first, last in _spans(sorted(meter_stamps), CHANGE_SPLIT):
                self._log_change(num, first, last + 60)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode loses at most the last transactions on power loss, never integrity;
        # the meter still holds those minutes and the next start fetches them again.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
    except (OSError, sqlite3.Error) as err:
        raise StoreError(f"cannot open the database {path}: {err}") from err
    # Python's sqlite3 opens transactions itself unless isolation_level is None; with None,
    # `with db:` would not BEGIN, so transactions are opened explicitly via the context below.
    db.isolation_level = "DEFERRED"
    return db


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing file read-only, creating nothing beside it.

    A WAL database opened `mode=ro` creates its -wal and -shm files when they are missing, owned
    by whoever runs the diagnosis (root, say), which the service could then not write. With no
    -wal file the service is stopped and the main file holds everything: it is read as immutable.
    """
    if not path.is_file():
        raise StoreError(f"cannot open the database {path}: no such file")
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA query_only = ON")
    except sqlite3.Error as err:
        raise StoreError(f"cannot open the database {path}: {err}") from err
    return db


def _flows(values: Sequence[float]) -> Flows:
    """Return the flows of a row of `STORED_FLOW_FIELDS` (`expected` is the reader's to set)."""
    row: dict[str, Any] = dict(zip(STORED_FLOW_FIELDS, values, strict=True))
    # total() of a count is a float in SQLite.
    row["present"], row["clamped_minutes"] = int(row["present"]), int(row["clamped_minutes"])
    return Flows(**row)


def damaged(path: Path | str, err: Exception) -> str:
    """Say that the database file is unreadable, and what to do about it."""
    return (
        f"the database {path} is damaged or not a Wattboard database ({err}); move it away "
        "and restore a backup with `wattboard import`"
    )


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


def _runs(quarters: Iterable[int]) -> Iterable[tuple[int, int]]:
    """Group sorted quarter starts into contiguous runs `(first, last)`."""
    for _, group in itertools.groupby(enumerate(quarters), key=lambda p: p[1] - p[0] * QUARTER):
        members = [q for _, q in group]
        yield members[0], members[-1]


def _spans(stamps: Sequence[int], split: int) -> Iterable[tuple[int, int]]:
    """Group sorted timestamps into runs `(first, last)` without a step longer than `split`."""
    first = previous = stamps[0]
    for ts in stamps[1:]:
        if ts - previous > split:
            yield first, previous
            first = ts
        previous = ts
    yield first, previous


def _sum_values(s: MinuteSums) -> tuple[float | int, ...]:
    return tuple(getattr(s, name) for name in SUM_FIELDS)


def _flow_values(f: Flows) -> tuple[float | int, ...]:
    return tuple(getattr(f, name) for name in STORED_FLOW_FIELDS)


__all__ = ["PHASES", "Change", "DayRow", "MeterSpec", "SqliteStore"]
