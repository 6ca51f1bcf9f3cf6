"""The live view of the server at home (the API's `LiveView`, `api/live.py`), read from the
collector, the replicator and the store. It only reads: nothing here changes their state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from wattboard.collector.live import LiveState
    from wattboard.collector.service import Collector, DeviceFacts, MeterStats
    from wattboard.store.asyncstore import AsyncStore


class ReplicationState(Protocol):
    """What the view reads of the replicator (`replica/replicator.py`)."""

    def lag_seconds(self) -> float | None: ...

    def failing_seconds(self) -> float | None: ...


class CounterValues(Protocol):
    """The lifetime energy counters (`wattboard/counters.py`)."""

    @property
    def values(self) -> Mapping[str, float] | None: ...


class HomeView:
    """Live power and facts from the collector (when this process runs one), replication state
    from the replicator (when one is configured), implausible minutes from the store.

    `live` defaults to the collector's; a bench or test may hand its own without a collector.
    """

    def __init__(
        self,
        store: AsyncStore,
        collector: Collector | None = None,
        replicator: ReplicationState | None = None,
        *,
        live: LiveState | None = None,
        counters: CounterValues | None = None,
    ) -> None:
        self._store = store
        self._collector = collector
        self._replicator = replicator
        self._counters = counters
        self._live = live if live is not None or collector is None else collector.live

    def power(self) -> LiveState | None:
        return self._live

    def facts(self) -> Mapping[str, DeviceFacts]:
        return {} if self._collector is None else self._collector.devices

    def stats(self) -> Mapping[str, MeterStats]:
        return {} if self._collector is None else self._collector.stats()

    def backfilling(self) -> AbstractSet[str]:
        return frozenset() if self._collector is None else self._collector.backfilling

    def replication_lag(self) -> float | None:
        return None if self._replicator is None else self._replicator.lag_seconds()

    def replication_failing(self) -> float | None:
        return None if self._replicator is None else self._replicator.failing_seconds()

    def store_problem(self) -> str | None:
        return None if self._collector is None else self._collector.store_problem

    async def implausible(self) -> Sequence[tuple[str, int, int, str]]:
        return await self._store.implausible_gaps()

    def energy_counters(self) -> Mapping[str, float] | None:
        return None if self._counters is None else self._counters.values
