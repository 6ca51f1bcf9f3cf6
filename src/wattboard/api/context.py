"""What the API's routes need, handed to `create_app` (no globals: tests build many apps)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wattboard.api.live import LiveView, NoLiveData
from wattboard.energy.tariff import TariffBook
from wattboard.store.base import EnergyReader, EnergyWriter


@dataclass(slots=True)
class ApiContext:
    """The parts behind the API: a store, and a view of live power and the server's state.

    On the cloud API `writer` is None, `view` has no live data and `read_only` locks every
    endpoint but /health behind the token.
    """

    site_id: str
    reader: EnergyReader
    writer: EnergyWriter | None = None
    view: LiveView = field(default_factory=NoLiveData)
    token: str = ""
    read_only: bool = False
    backend: Literal["sqlite", "mongodb"] = "sqlite"
    cors_origins: list[str] = field(default_factory=list)
    web_dir: Path | None = None
    # How long /health tolerates failing replication: the replicator's backoff reaches 5
    # minutes between attempts.
    replication_grace: float = 600.0
    # The store's file: /health says "degraded" when its disk has less than `disk_low` free.
    store_path: Path | None = None
    disk_low: int = 2**30
    clock: Callable[[], float] = time.time
    max_batch: int = 10_000
    # A cloud API for several homes: every site's token (for GET /sites) and the default site.
    site_tokens: dict[str, str] = field(default_factory=dict)
    default_site: str = ""
    # The site's first recorded quarter by the store's first minute (routes/energy.py).
    first_records: dict[int, int] = field(default_factory=dict)
    # The first and last year of the store's span at the last /energy/years: its sums are read
    # beside the span, and used when the span still has these years (routes/energy.py).
    energy_years: tuple[int, int] | None = None
    # The site's tariffs: energy responses carry money when there is one, else `money: null`.
    tariffs: TariffBook | None = None
