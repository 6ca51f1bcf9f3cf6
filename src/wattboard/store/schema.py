"""The SQLite schema as numbered migrations; `PRAGMA user_version` says which ran last.

Minute records are kept as integers so a row stays small (SD cards, years of data): energy in
units of 0.1 mWh (the device's four decimals of Wh, so sums are exact), power in dW, voltage
in dV, current in mA. Rollups keep float sums per UTC quarter and settled flows per local day.
"""

from __future__ import annotations

from typing import Final

from wattboard.energy.records import PHASE_FIELDS, VALUE_FIELDS

# The column of each per-phase field of a minute record (short names: the rows are many).
COLUMN_OF: Final = {
    "import_wh": "imp",
    "export_wh": "exp",
    "max_w": "max_w",
    "min_w": "min_w",
    "avg_v": "v",
    "avg_a": "a",
}
PHASE_COLUMNS: Final = tuple(COLUMN_OF[name] for name in PHASE_FIELDS)
# In the order of the record's values (`VALUE_FIELDS`).
MINUTE_COLUMNS: Final = tuple(f"{name[0]}_{COLUMN_OF[name[2:]]}" for name in VALUE_FIELDS)

_MINUTES = ",\n    ".join(f"{name} INTEGER NOT NULL" for name in MINUTE_COLUMNS)

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: meters, minutes, rollups, gaps, replication watermarks, settings of the rollups.
    f"""
CREATE TABLE meters (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('grid', 'solar')),
    inverted TEXT NOT NULL DEFAULT ''
);
CREATE TABLE minutes (
    meter INTEGER NOT NULL REFERENCES meters(num),
    ts INTEGER NOT NULL,
    {_MINUTES},
    PRIMARY KEY (meter, ts)
) WITHOUT ROWID;
CREATE TABLE quarters (
    start INTEGER PRIMARY KEY,
    net REAL NOT NULL,
    phase_import REAL NOT NULL,
    phase_export REAL NOT NULL,
    minute_import REAL NOT NULL,
    minute_export REAL NOT NULL,
    solar REAL NOT NULL,
    consumption REAL NOT NULL,
    self_consumption_phase REAL NOT NULL,
    self_consumption_minute REAL NOT NULL,
    present INTEGER NOT NULL,
    clamped_minutes INTEGER NOT NULL,
    clamped_wh REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE days (
    day TEXT PRIMARY KEY,
    start INTEGER NOT NULL UNIQUE,
    end INTEGER NOT NULL,
    grid_import REAL NOT NULL,
    grid_export REAL NOT NULL,
    solar REAL NOT NULL,
    consumption REAL NOT NULL,
    self_consumption REAL NOT NULL,
    present INTEGER NOT NULL,
    clamped_minutes INTEGER NOT NULL,
    clamped_wh REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE gaps (
    meter INTEGER NOT NULL REFERENCES meters(num),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (meter, start)
) WITHOUT ROWID;
CREATE TABLE replication (
    collection TEXT PRIMARY KEY,
    watermark INTEGER NOT NULL,
    updated INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
""",
    # 2: the change log the MongoDB replicator follows: a meter's minutes in [start, end)
    # changed (meter NULL: only the rollups of that span). AUTOINCREMENT, so a pruned log never
    # hands out a sequence number again and a watermark always means the same change.
    """
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    meter INTEGER REFERENCES meters(num),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    logged INTEGER NOT NULL
);
""",
    # 3: spot prices, one row per settlement period (15 or 60 minutes, in the site currency per
    # kWh excl. VAT), and the kind of each logged change: 'energy' (minutes and rollups, as
    # before) or 'prices' (the prices of [start, end) changed; meter NULL).
    """
CREATE TABLE prices (
    start INTEGER PRIMARY KEY,
    end INTEGER NOT NULL,
    price REAL NOT NULL
);
ALTER TABLE changes ADD COLUMN kind TEXT NOT NULL DEFAULT 'energy';
""",
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
