"""The SQLite file itself: opening the connection, the schema and its migrations, the meters.

Every part of `SqliteStore` builds on `SqliteCore`: it holds the connection and the facts
fixed when the store opens (zone, netting, configured meters), and the small helpers the
parts share (day keys, row decoding).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from wattboard.energy.flows import STORED_FLOW_FIELDS, Flows
from wattboard.energy.netting import Netting
from wattboard.energy.periods import local_day
from wattboard.energy.records import Phase, Role
from wattboard.energy.sums import SUM_FIELDS, MinuteSums
from wattboard.exceptions import (
    InvalidInputError,
    MigrationError,
    SchemaVersionError,
    StoreError,
)
from wattboard.store.schema import MIGRATIONS, SCHEMA_VERSION

Progress = Callable[[int, int], None]
DAY: Final = 86400
INT64_MAX: Final = 2**63 - 1  # SQLite's largest integer
LAST_TS: Final = 253_370_764_800  # 9998-12-31: callers pass huge ends for "everything"
# The days table has a column per stored Flows field, in field order.
FLOW_COLUMNS: Final = ", ".join(STORED_FLOW_FIELDS)
# The quarter table has a column per MinuteSums field, in field order.
SUM_COLUMNS: Final = ", ".join(SUM_FIELDS)


@dataclass(frozen=True, slots=True)
class MeterSpec:
    """A configured meter as the store needs it."""

    id: str
    role: Role
    invert_phases: tuple[Phase, ...] = ()


class SqliteCore:
    """The connection, the schema version and the meters: what every other part builds on."""

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
        self._init_caches()
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

    # -- hooks the caches of other parts extend -------------------------------------------------

    def _init_caches(self) -> None:
        """Set up the in-memory caches (each part extends this for its own)."""

    def _day_changed(self, start: int) -> None:
        """The rollup of the local day starting at `start` was rewritten."""

    def _all_days_changed(self) -> None:
        """Every rollup is about to be rebuilt."""

    def _prices_changed(self, start: int, end: int) -> None:
        """Prices of periods within `[start, end)` were written."""

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

    def integrity(self) -> str:
        """Return SQLite's own verdict on the file ('ok' when healthy)."""
        try:
            return str(self._db.execute("PRAGMA quick_check").fetchone()[0])
        except sqlite3.DatabaseError as err:
            # A file damaged badly enough makes the check itself fail: that is its verdict.
            return str(err)

    # -- meters -------------------------------------------------------------------------------

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

    def _day_key(self, ts: int) -> str:
        """Return the local day key of `ts`, with open-ended ranges held to representable days."""
        return local_day(min(max(ts, 0), LAST_TS), self.zone)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
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
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA query_only = ON")
    except sqlite3.Error as err:
        raise StoreError(f"cannot open the database {path}: {err}") from err
    return db


def damaged(path: Path | str, err: Exception) -> str:
    """Say that the database file is unreadable, and what to do about it."""
    return (
        f"the database {path} is damaged or not a Wattboard database ({err}); move it away "
        "and restore a backup with `wattboard import`"
    )


def flows_of(values: Sequence[float]) -> Flows:
    """Return the flows of a row of `STORED_FLOW_FIELDS` (`expected` is the reader's to set)."""
    row: dict[str, Any] = dict(zip(STORED_FLOW_FIELDS, values, strict=True))
    # total() of a count is a float in SQLite.
    row["present"], row["clamped_minutes"] = int(row["present"]), int(row["clamped_minutes"])
    return Flows(**row)


def sum_values(s: MinuteSums) -> tuple[float | int, ...]:
    return tuple(getattr(s, name) for name in SUM_FIELDS)


def flow_values(f: Flows) -> tuple[float | int, ...]:
    return tuple(getattr(f, name) for name in STORED_FLOW_FIELDS)
