"""What the API's routes need, handed to `create_app` (no globals: tests build many apps)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wattboard.collector.live import LiveState
from wattboard.collector.service import DeviceFacts, MeterStats
from wattboard.energy.tariff import TariffBook
from wattboard.store.base import EnergyReader, EnergyWriter


async def _no_gaps() -> list[tuple[str, int, int, str]]:
    return []


@dataclass(slots=True)
class ApiContext:
    """The parts behind the API: a store, live state (at home), and the collector's facts.

    On the cloud API `writer` and `live` are None and `read_only` locks every endpoint but
    /health behind the token.
    """

    site_id: str
    reader: EnergyReader
    writer: EnergyWriter | None = None
    live: LiveState | None = None
    token: str = ""
    read_only: bool = False
    backend: Literal["sqlite", "mongodb"] = "sqlite"
    cors_origins: list[str] = field(default_factory=list)
    web_dir: Path | None = None
    devices: Callable[[], dict[str, DeviceFacts]] = dict
    stats: Callable[[], dict[str, MeterStats]] = dict
    backfilling: Callable[[], set[str]] = set
    replication_lag: Callable[[], float | None] = lambda: None
    # How long replication has been failing (None while it works), and how long /health
    # tolerates that: the replicator's backoff reaches 5 minutes between attempts.
    replication_failing: Callable[[], float | None] = lambda: None
    replication_grace: float = 600.0
    # The store's file: /health says "degraded" when its disk has less than `disk_low` free.
    store_path: Path | None = None
    disk_low: int = 2**30
    # Facts of the collector and store for /health: a failing write, implausible minutes.
    store_problem: Callable[[], str | None] = lambda: None
    implausible: Callable[[], Awaitable[list[tuple[str, int, int, str]]]] = _no_gaps
    clock: Callable[[], float] = time.time
    max_batch: int = 10_000
    # A cloud API for several homes: every site's token (for GET /sites) and the default site.
    site_tokens: dict[str, str] = field(default_factory=dict)
    default_site: str = ""
    # The site's tariffs: energy responses carry money when there is one, else `money: null`.
    tariffs: TariffBook | None = None
