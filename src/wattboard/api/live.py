"""The API's view of live state: what it reads of whoever polls the meters, and nothing more.

The API never imports the collector. At home the collector's side (`collector/view.py`)
implements `LiveView`; a server that reads no meters (the cloud API, `serve` at home without
`run`) passes `NoLiveData`. Every member is read-only and cheap: /health and /metrics call them
per request, /power/stream on every live tick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Protocol

# A minute the collector dropped as implausible: (meter, start, end, reason); newest first.
Implausible = tuple[str, int, int, str]


class PhaseNow(Protocol):
    """One phase of a meter's latest reading."""

    @property
    def w(self) -> float: ...  # + import, − export, clamp inversion applied

    @property
    def v(self) -> float: ...

    @property
    def a(self) -> float: ...


class ReadingNow(Protocol):
    """A meter's latest reading: when it was taken (epoch s) and its phases."""

    @property
    def ts(self) -> float: ...

    @property
    def phases(self) -> Mapping[str, PhaseNow]: ...

    @property
    def total_w(self) -> float: ...


class MeterNow(Protocol):
    """One meter's live state: its role, latest reading and whether that is stale."""

    @property
    def role(self) -> str: ...

    @property
    def reading(self) -> ReadingNow | None: ...

    @property
    def stale(self) -> bool: ...


class SitePower(Protocol):
    """The site's power in W (docs/architecture.md, "Energy semantics")."""

    @property
    def ts(self) -> float: ...

    @property
    def grid_w(self) -> float: ...

    @property
    def solar_w(self) -> float: ...

    @property
    def home_w(self) -> float: ...

    @property
    def deficit_w(self) -> float: ...


class LivePower(Protocol):
    """Latest power per meter and of the site, kept current by the live pollers."""

    @property
    def meters(self) -> Mapping[str, MeterNow]: ...

    @property
    def stale(self) -> bool: ...  # any meter stale

    @property
    def closed(self) -> bool: ...  # shutting down: live streams end

    def flow(self) -> SitePower: ...

    def max_1m(self) -> SitePower | None: ...  # the highest of each power over the last minute

    def oldest_reading(self) -> float | None: ...  # when the oldest reading combined was taken

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` on every new reading and on close; return what unsubscribes it."""
        ...


class MeterFacts(Protocol):
    """What a meter said about itself."""

    @property
    def model(self) -> str | None: ...

    @property
    def profile(self) -> str | None: ...


class MeterCounts(Protocol):
    """What the collector counts per meter since the process started."""

    @property
    def polls(self) -> int: ...

    @property
    def poll_failures(self) -> int: ...

    @property
    def records_ingested(self) -> int: ...


class LiveView(Protocol):
    """Everything the API reads that is not stored energy: live power and the server's state."""

    def power(self) -> LivePower | None:
        """Return live power, or None on a server that reads no meters (answered with 503)."""
        ...

    def facts(self) -> Mapping[str, MeterFacts]:
        """Return the model and profile of each meter that answered, by meter id."""
        ...

    def stats(self) -> Mapping[str, MeterCounts]:
        """Return the polls, failed polls and stored records of each meter, by meter id."""
        ...

    def backfilling(self) -> AbstractSet[str]:
        """Return the meters whose history is still being fetched (recent days partial)."""
        ...

    def replication_lag(self) -> float | None:
        """Return how far the MongoDB replica is behind in seconds, or None without one."""
        ...

    def replication_failing(self) -> float | None:
        """Return for how many seconds replication has been failing, or None while it works."""
        ...

    def store_problem(self) -> str | None:
        """Return why minutes are not being stored right now ("disk full: ..."), or None."""
        ...

    async def implausible(self) -> Sequence[Implausible]:
        """Return the newest minutes dropped as implausible."""
        ...

    def energy_counters(self) -> Mapping[str, float] | None:
        """Return the lifetime energy counters in Wh by flow (never lower), or None without."""
        ...


class Replica(Protocol):
    """A store that knows how far behind its source it is (the MongoDB replica)."""

    def replication_lag(self) -> float | None: ...


class NoLiveData:
    """The view of a server that reads no meters: no live power, no collector facts.

    On the cloud API `replica` (what it reads) still says how far behind the home it is.
    """

    def __init__(self, replica: Replica | None = None) -> None:
        self._replica = replica

    def power(self) -> LivePower | None:
        return None

    def facts(self) -> Mapping[str, MeterFacts]:
        return {}

    def stats(self) -> Mapping[str, MeterCounts]:
        return {}

    def backfilling(self) -> AbstractSet[str]:
        return frozenset()

    def replication_lag(self) -> float | None:
        return None if self._replica is None else self._replica.replication_lag()

    def replication_failing(self) -> float | None:
        return None

    def store_problem(self) -> str | None:
        return None

    async def implausible(self) -> Sequence[Implausible]:
        return []

    def energy_counters(self) -> Mapping[str, float] | None:
        return None
