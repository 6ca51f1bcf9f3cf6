"""The collector: live pollers and the minute ingest loop of every meter, until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

from wattboard.collector.episodes import Episode
from wattboard.collector.ingest import Fetched, MeterIngest, Progress, store_fetched
from wattboard.collector.live import LiveState, MeterLive, poll_live
from wattboard.config import MeterSettings, Settings
from wattboard.exceptions import DeviceError, InvalidInputError, StoreError
from wattboard.shelly.client import ShellyClient
from wattboard.store.asyncstore import AsyncStore, meter_specs, open_store

# open_store and meter_specs live with the store (serve opens one without a collector); they
# are named here too, where callers have always found them.
__all__ = ["Collector", "DeviceFacts", "MeterStats", "meter_specs", "open_store"]

log = logging.getLogger(__name__)
# Records of minute T are saved just after T+60 (docs/shelly-wire.md, "Notifications and timing"):
# ask a little after the minute.
AFTER_MINUTE: Final = 3.0
LIVE_TIMEOUT: Final = 3.0
RETENTION_EVERY: Final = 86400.0
LOST_KEPT: Final = 100
WRITE_RETRY: Final = 5.0  # seconds before the first retry of a failed write; doubles to 60


def _tls(meters: list[MeterSettings]) -> ssl.SSLContext | bool:
    """Trust the usual certificates only when a meter is reached over HTTPS.

    Loading them (certifi's bundle) costs `run` 1.2 MB of RSS for as long as it runs
    (bench_run_steady), and meters on the LAN answer plain HTTP. Without an https URL the
    context trusts nothing, so a TLS link (which no request makes) could never be unverified.
    """
    if any(m.url.startswith("https://") for m in meters):
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What a meter said about itself (`Shelly.GetDeviceInfo`)."""

    model: str | None
    profile: str | None


@dataclass(frozen=True, slots=True)
class MeterStats:
    """Counters of one meter, for /metrics."""

    polls: int
    poll_failures: int
    records_ingested: int


class Collector:
    """Keeps LiveState current and every minute record of every meter in the store."""

    def __init__(
        self,
        settings: Settings,
        store: AsyncStore,
        live: LiveState | None = None,
        *,
        ingest_interval: float = 60.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self.live = live or LiveState()
        self.ingest_interval = ingest_interval
        timeout = settings.collector.request_timeout
        # One connection pool for all meters: every extra httpx client costs its own SSL context.
        self._http = httpx.AsyncClient(verify=_tls(settings.meters))
        self._ingest = [
            MeterIngest(m, self._client(m, timeout=timeout, retries=3)) for m in settings.meters
        ]
        self._live_clients = {
            m.id: self._client(m, timeout=LIVE_TIMEOUT, retries=0) for m in settings.meters
        }
        self._episodes = {
            m.id: Episode(f"minute records of meter {m.id}", log) for m in settings.meters
        }
        for m in settings.meters:
            self.live.meters[m.id] = MeterLive(m.role, settings.collector.live_interval)
        self._retention_due = 0.0
        # Called after records were stored (the replicator: sync now, not at its next interval).
        self.on_stored: list[Callable[[], None]] = []
        self.ingested: dict[str, int] = dict.fromkeys((m.id for m in settings.meters), 0)
        self.devices: dict[str, DeviceFacts] = {}
        # Meters whose history is still being fetched in chunks: their recent days are partial.
        self.backfilling: set[str] = set()
        # Failing writes (a full disk): the API and live power go on, the minutes wait in the
        # meters' memory (60 days) and the watermarks stay put until a write succeeds again.
        self._writes = Episode("writes to the database", log)
        # Spans of minutes the meters can no longer give, as stored in the gaps table, with
        # the wall time each was found: (meter, start, end, reason, found); for the alerts.
        self.lost: deque[tuple[str, int, int, str, float]] = deque(maxlen=LOST_KEPT)

    async def start(self) -> None:
        """Load each meter's watermark from the store and ask each meter what it is."""
        for ingest in self._ingest:
            ingest.watermark = await self._watermark(ingest.meter.id)
            try:
                info = await ingest.client.device_info()
            except DeviceError as err:
                log.warning("meter %s: no device info yet: %s", ingest.meter.id, err)
                continue
            self.devices[ingest.meter.id] = DeviceFacts(info.get("model"), info.get("profile"))

    async def _watermark(self, meter: str) -> int | None:
        """Return the newest minute done with: stored, or dropped as implausible (not again)."""
        stored = await self.store.watermark(meter)
        dropped = await self.store.implausible_gaps(1, meter)
        if dropped and (stored is None or dropped[0][1] > stored):
            return dropped[0][1]
        return stored

    def stats(self) -> dict[str, MeterStats]:
        """Return the polls, failures and stored records of every meter."""
        return {
            meter_id: MeterStats(live.polls, live.poll_failures, self.ingested.get(meter_id, 0))
            for meter_id, live in self.live.meters.items()
        }

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and ingest until `stop` is set; the next start resumes from the watermarks."""
        await self.start()
        try:
            async with asyncio.TaskGroup() as group:
                for meter in self.settings.meters:
                    client = self._live_clients[meter.id]
                    interval = self.settings.collector.live_interval
                    group.create_task(poll_live(meter, client, self.live, stop, interval))
                group.create_task(self._ingest_forever(stop))
        finally:
            await self.aclose()

    async def _ingest_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.ingest_once()
            await self._apply_retention()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._until_next_cycle())

    @property
    def store_problem(self) -> str | None:
        """Why minutes are not being stored right now ("disk full: ..."), or None."""
        if not self._writes.failing:
            return None
        error = self._writes.last_error
        return f"disk full: {error}" if "full" in error else f"database writes failing: {error}"

    def _until_next_cycle(self) -> float:
        if self._writes.failing:
            # Retry a failed write sooner than the next cycle, backing off to once a cycle.
            return min(WRITE_RETRY * 2.0 ** (self._writes.failures - 1), self.ingest_interval)
        if self.ingest_interval != 60.0:
            return self.ingest_interval
        return 60.0 - time.time() % 60.0 + AFTER_MINUTE

    async def ingest_once(self, progress: Progress | None = None) -> int:
        """Fetch and store what every meter holds after its watermark; return records stored."""
        steady: list[tuple[MeterIngest, Fetched]] = []
        written = 0
        try:
            for ingest in self._ingest:
                written += await self._ingest_meter(ingest, steady, progress)
            if steady:
                # In steady state every meter's new minute lands in one transaction (SD cards
                # wear).
                written += await self._store(steady)
        except StoreError as err:
            # Nothing is lost: the watermarks did not move, so the next cycle fetches the same
            # minutes again from the meters' memory.
            self._writes.failed(err)
        else:
            self._writes.succeeded()
        return written

    async def _ingest_meter(
        self,
        ingest: MeterIngest,
        steady: list[tuple[MeterIngest, Fetched]],
        progress: Progress | None,
    ) -> int:
        episode = self._episodes[ingest.meter.id]
        written = 0
        try:
            async for batch in ingest.batches(progress=progress):
                if batch.partial:
                    self.backfilling.add(ingest.meter.id)
                    written += await self._store([(ingest, batch)])
                else:
                    steady.append((ingest, batch))
        except DeviceError as err:
            episode.failed(err)
        else:
            episode.succeeded()
        finally:
            self.backfilling.discard(ingest.meter.id)
        return written

    async def _apply_retention(self) -> None:
        """Once a day, delete minutes older than `store.minute_retention_days` (rollups stay)."""
        days = self.settings.store.minute_retention_days
        if days is None or time.monotonic() < self._retention_due:
            return
        self._retention_due = time.monotonic() + RETENTION_EVERY
        try:
            deleted = await self.store.apply_retention(days, time.time())
        except StoreError as err:
            log.warning("retention: %s; trying again in a day", err)
            return
        if deleted:
            log.info("retention: deleted %d minute records older than %d days", deleted, days)

    async def _store(self, batches: list[tuple[MeterIngest, Fetched]]) -> int:
        written = await store_fetched(self.store, [batch for _, batch in batches])
        found = time.time()
        for ingest, batch in batches:
            ingest.advance(batch)
            self.lost.extend(
                (batch.meter, start, end, why, found) for start, end, why in batch.gaps
            )
            self.ingested[batch.meter] = self.ingested.get(batch.meter, 0) + len(batch.records)
        for listener in self.on_stored:
            listener()
        return written

    async def backfill(self, meter_id: str, since: int, progress: Progress | None = None) -> int:
        """Fetch one meter's records from `since` on, whatever the watermark says."""
        ingest = next((i for i in self._ingest if i.meter.id == meter_id), None)
        if ingest is None:
            known = ", ".join(m.id for m in self.settings.meters)
            raise InvalidInputError("meter", f"no meter {meter_id!r} configured (known: {known})")
        written = 0
        async for batch in ingest.batches(since=since, progress=progress):
            written += await store_fetched(self.store, [batch])
        return written

    def _client(self, meter: MeterSettings, *, timeout: float, retries: int) -> ShellyClient:
        return ShellyClient(
            meter.url,
            password=_secret(meter),
            meter=meter.id,
            timeout=timeout,
            retries=retries,
            http=self._http,
        )

    async def aclose(self) -> None:
        await self._http.aclose()


def _secret(meter: MeterSettings) -> str | None:
    return meter.password.get_secret_value() or None
