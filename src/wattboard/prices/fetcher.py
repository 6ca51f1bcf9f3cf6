"""The price fetcher of `wattboard run`: tomorrow after publication, missing history on start.

The day-ahead auction publishes the next delivery day's prices at about 12:45 CET; delivery
days are days in Europe/Brussels (CET/CEST), whatever the site's zone. Each round looks at
what the store holds (so nothing is lost across failures or restarts) and fetches:

- on start, the days of the last `history_days` without a complete set of prices, in runs of
  at most `CHUNK_DAYS` days; a past day the source has nothing for is not asked again until
  the next start (the source keeps only so much history);
- today, when it is missing;
- from `PUBLISHED` (13:00 Brussels time) on, tomorrow, again and again with backoff until it
  arrives.

Failures (timeout, HTTP 500, a bad answer, a failed write) are logged once per episode and
retried with the backoff. The fetcher runs beside the collector: HTTP is async and store work
goes through the store's thread, so it never blocks collection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, Protocol
from zoneinfo import ZoneInfo

import httpx

from wattboard.backoff import Backoff
from wattboard.collector.episodes import Episode
from wattboard.energy.periods import local_midnight
from wattboard.energy.prices import PricePoint
from wattboard.exceptions import InvalidInputError, PriceSourceError, StoreError
from wattboard.prices.elering import EleringSource
from wattboard.prices.entsoe import EntsoeSource

if TYPE_CHECKING:
    from wattboard.config import PriceSettings

log = logging.getLogger(__name__)
MARKET_ZONE: Final = ZoneInfo("Europe/Brussels")
PUBLISHED: Final = 13  # hour (Brussels time) after which tomorrow's prices are expected
HISTORY_DAYS: Final = 60
CHUNK_DAYS: Final = 14
# After a failure: 30 s, doubled per failure, at most 30 minutes.
PRICE_BACKOFF: Final = Backoff(base=30.0, cap=1800.0, spread=0.2)
# Tomorrow not published yet: ask again this often.
NOT_YET: Final = 600.0
TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


class PriceSource(Protocol):
    """A source of day-ahead prices (ENTSO-E, Elering)."""

    @property
    def name(self) -> str: ...

    async def fetch(self, client: httpx.AsyncClient, start: int, end: int) -> list[PricePoint]:
        """Return the periods starting in `[start, end)`."""
        ...


class PriceStore(Protocol):
    """What the fetcher needs of a store (the SQLite store's async facade)."""

    async def prices(self, start: int, end: int) -> list[PricePoint]: ...

    async def put_prices(self, points: Sequence[PricePoint]) -> int: ...


def source_from_settings(settings: PriceSettings) -> PriceSource | None:
    """Return the configured source, or None for `source = "none"`."""
    if settings.source == "entsoe":
        return EntsoeSource(settings.area, settings.token.get_secret_value(), settings.url)
    if settings.source == "elering":
        return EleringSource(settings.area, settings.url)
    return None


def market_day(ts: float) -> date:
    """Return the delivery day (Brussels time) holding epoch second `ts`."""
    return datetime.fromtimestamp(ts, MARKET_ZONE).date()


def day_span(day: date) -> tuple[int, int]:
    """Return `[start, end)` of a delivery day in epoch seconds (23 to 25 hours)."""
    return local_midnight(day, MARKET_ZONE), local_midnight(day + timedelta(days=1), MARKET_ZONE)


def publication(day: date) -> int:
    """Return when the prices of delivery day `day` are expected: 13:00 Brussels the day before."""
    before = day - timedelta(days=1)
    moment = datetime(before.year, before.month, before.day, PUBLISHED, tzinfo=MARKET_ZONE)
    return int(moment.timestamp())


def missing_days(points: Sequence[PricePoint], days: Sequence[date]) -> list[date]:
    """Return the days of `days` whose periods do not cover the whole day."""
    covered: dict[date, int] = {}
    for point in points:
        day = market_day(point.start)
        covered[day] = covered.get(day, 0) + point.end - point.start
    result = []
    for day in days:
        start, end = day_span(day)
        if covered.get(day, 0) < end - start:
            result.append(day)
    return result


def runs(days: Sequence[date], limit: int) -> list[list[date]]:
    """Group sorted days into runs of consecutive days, at most `limit` long."""
    groups: list[list[date]] = []
    for day in days:
        last = groups[-1] if groups else None
        if last and len(last) < limit and day - last[-1] == timedelta(days=1):
            last.append(day)
        else:
            groups.append([day])
    return groups


@dataclass(frozen=True, slots=True)
class PriceStatus:
    """What `doctor` and the logs say about the price source."""

    source: str
    last_success: float | None
    last_period_end: int | None
    failing: bool
    failures: int
    error: str


class PriceFetcher:
    """Keeps the store's spot prices complete: history on start, then each next day."""

    def __init__(
        self,
        source: PriceSource,
        store: PriceStore,
        *,
        clock: Callable[[], float] = time.time,
        backoff: Backoff = PRICE_BACKOFF,
        history_days: int = HISTORY_DAYS,
        not_yet: float = NOT_YET,
        http: httpx.AsyncClient | None = None,
        report: Callable[[PriceStatus], Awaitable[None]] | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.clock = clock
        self.backoff = backoff
        self.history_days = history_days
        self.not_yet = not_yet
        self._http = http
        self._own_http = http is None
        self._episode = Episode(f"spot prices from {source.name}", log)
        # Past days the source had nothing for: not asked again until the next start.
        self._unavailable: set[date] = set()
        self._history_done = False
        self._last_success: float | None = None
        self._last_end: int | None = None
        # Told the status after every round (the store keeps it for `doctor`).
        self.report = report

    def status(self) -> PriceStatus:
        return PriceStatus(
            source=self.source.name,
            last_success=self._last_success,
            last_period_end=self._last_end,
            failing=self._episode.failing,
            failures=self._episode.failures,
            error=self._episode.last_error,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch rounds until `stop` is set, pausing as each round says."""
        try:
            while not stop.is_set():
                pause = await self.step()
                await self._report()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
        finally:
            await self.aclose()

    async def _report(self) -> None:
        if self.report is None:
            return
        try:
            await self.report(self.status())
        except StoreError as err:
            log.debug("price status not stored: %s", err)

    async def aclose(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def step(self) -> float:
        """Run one round; return the seconds until the next one."""
        try:
            waiting = await self._round()
        except (PriceSourceError, InvalidInputError, StoreError, httpx.HTTPError) as err:
            self._episode.failed(PriceSourceError(self._describe(err)))
            return self.backoff.delay(self._episode.failures - 1)
        self._episode.succeeded()
        now = self.clock()
        if waiting:
            return self.not_yet
        tomorrow = market_day(now) + timedelta(days=1)
        nxt = publication(tomorrow)
        if nxt <= now:
            nxt = publication(tomorrow + timedelta(days=1))
        return max(1.0, nxt - now)

    def _describe(self, err: Exception) -> str:
        if isinstance(err, httpx.TimeoutException):
            return f"{self.source.name} did not answer in time ({type(err).__name__})"
        if isinstance(err, httpx.HTTPError):
            return f"{self.source.name} unreachable: {type(err).__name__}: {err}"
        return str(err)

    async def _round(self) -> bool:
        """Fetch what is missing; return True while tomorrow is due but not published yet."""
        now = self.clock()
        today = market_day(now)
        tomorrow = today + timedelta(days=1)
        first = today - timedelta(days=self.history_days if not self._history_done else 0)
        days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
        if now >= publication(tomorrow):
            days.append(tomorrow)
        start, end = day_span(days[0])[0], day_span(days[-1])[1]
        wanted = list(missing_days(await self.store.prices(start, end), days))
        wanted = [d for d in wanted if d not in self._unavailable]
        for group in runs(wanted, CHUNK_DAYS):
            await self._fetch(group)
        self._history_done = True
        still = missing_days(await self.store.prices(start, end), days)
        for day in still:
            if day < today:
                self._unavailable.add(day)
        return tomorrow in still

    async def _fetch(self, days: list[date]) -> None:
        start, end = day_span(days[0])[0], day_span(days[-1])[1]
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=TIMEOUT)
        points = await self.source.fetch(self._http, start, end)
        if points:
            await self.store.put_prices(points)
            self._last_end = max(self._last_end or 0, points[-1].end)
            log.info(
                "stored %d spot prices of %s to %s from %s",
                len(points),
                days[0],
                days[-1],
                self.source.name,
            )
        self._last_success = self.clock()
