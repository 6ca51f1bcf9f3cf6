"""The lifetime energy counters of a running site, kept current for MQTT and /metrics.

Recomputed after each stored minute (the collector wakes it) and at least once a minute; each
result is raised to the published marks kept in the store, so no counter ever goes down, not
even across restarts (see wattboard.energy.counters).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final

from wattboard.collector.episodes import Episode
from wattboard.exceptions import StoreError
from wattboard.store.asyncstore import AsyncStore

log = logging.getLogger(__name__)
REFRESH_EVERY: Final = 60.0

Listener = Callable[[], None]


class EnergyCounters:
    """The published lifetime counters in Wh (None until first read) and today's coverage."""

    def __init__(
        self,
        store: AsyncStore,
        *,
        clock: Callable[[], float] = time.time,
        interval: float = REFRESH_EVERY,
    ) -> None:
        self.store = store
        self.clock = clock
        self.interval = interval
        self.values: dict[str, float] | None = None
        self.coverage_today: float | None = None
        # Called after every refresh (the MQTT bridge publishes the new values).
        self.listeners: list[Listener] = []
        self._wake = asyncio.Event()
        self._episode = Episode("energy counters", log)

    def wake(self) -> None:
        """Recompute now (new minutes were stored) rather than at the next interval."""
        self._wake.set()

    async def refresh(self) -> dict[str, float] | None:
        """Recompute the counters, raise the stored marks, tell the listeners."""
        now = int(self.clock())
        try:
            computed = await self.store.energy_counters(now)
            self.values = await self.store.raise_counter_marks(computed)
            self.coverage_today = await self.store.coverage_today(now)
        except StoreError as err:
            # The collector reports failing writes itself; the last values stay published.
            self._episode.failed(err)
            return self.values
        self._episode.succeeded()
        for listener in list(self.listeners):
            listener()
        return self.values

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh at once, then after every wake-up and at least every `interval` seconds."""
        while not stop.is_set():
            self._wake.clear()
            await self.refresh()
            waiters = [asyncio.ensure_future(e.wait()) for e in (stop, self._wake)]
            _, pending = await asyncio.wait(
                waiters, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
