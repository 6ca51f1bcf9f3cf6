"""The embedded store: minute records and their rollups in one SQLite file (WAL).

`SqliteStore` is composed of parts that each do one thing:

- `core`: the connection, schema migrations, the meters;
- `changes`: the change log the MongoDB replica follows, and its watermarks;
- `retention`: deleting old minutes, keeping their rollups;
- `rollups`: quarter and day rollups, refreshed on writes and rebuilt on setting changes;
- `records`: minute records and gaps, written and read;
- `prices`: spot price periods;
- `counters`: lifetime energy counters and their published marks;
- `money`: the money of each day under a tariff book, cached.

Every method is synchronous and meant to run on the store's one thread (`AsyncStore`);
a write is one transaction that upserts records and refreshes the rollups they touch, so a
crash leaves either the whole minute or none of it.
"""

from __future__ import annotations

from wattboard.energy.records import PHASES
from wattboard.store.base import DayRow
from wattboard.store.sqlite.changes import CHANGE_SPLIT, ENERGY_CHANGE, PRICES_CHANGE, Change
from wattboard.store.sqlite.core import (
    DAY,
    INT64_MAX,
    LAST_TS,
    SUM_COLUMNS,
    MeterSpec,
    Progress,
    damaged,
)
from wattboard.store.sqlite.counters import Counters
from wattboard.store.sqlite.money import MONEY_CHUNK_DAYS, MoneyCache
from wattboard.store.sqlite.records import Records
from wattboard.store.sqlite.rollups import REBUILD_CHUNK, SUMS_KEPT


class SqliteStore(Records, Counters, MoneyCache):
    """Minute records, rollups of quarters and local days, gaps and replication watermarks."""


__all__ = [
    "CHANGE_SPLIT",
    "DAY",
    "ENERGY_CHANGE",
    "INT64_MAX",
    "LAST_TS",
    "MONEY_CHUNK_DAYS",
    "PHASES",
    "PRICES_CHANGE",
    "REBUILD_CHUNK",
    "SUMS_KEPT",
    "SUM_COLUMNS",
    "Change",
    "DayRow",
    "MeterSpec",
    "Progress",
    "SqliteStore",
    "damaged",
]
