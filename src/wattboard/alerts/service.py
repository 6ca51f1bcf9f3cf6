"""The alert task of `wattboard run`: gather the collector's facts, apply the rules, send.

Every `check_seconds` it reads what the collector, the replicator and the store already know
(the facts /health reports), evaluates the pure rules, and queues the tracker's start, repeat
and end messages on every channel. Nothing here waits on a channel: each has its own worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import httpx

from wattboard.alerts.channels import Channel, Delivery, build_channels
from wattboard.alerts.clamps import clamp_suspects
from wattboard.alerts.rules import ClampSuspect, Facts, LostSpan, MeterFacts, evaluate
from wattboard.alerts.tracker import Message, Tracker
from wattboard.collector.episodes import Episode
from wattboard.config import Settings
from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import StoreError

if TYPE_CHECKING:
    from wattboard.collector.service import Collector
    from wattboard.replica.replicator import Replicator
    from wattboard.store.asyncstore import AsyncStore

log = logging.getLogger(__name__)
DAY: Final = 86400.0
# The wiring check again after this long when there were too few minutes, or the store failed.
CLAMPS_RETRY: Final = 3600.0
DRAIN_SECONDS: Final = 3.0


class AlertService:
    """Evaluates the rules over the collector's facts and hands messages to the channels."""

    def __init__(
        self,
        settings: Settings,
        collector: Collector,
        store: AsyncStore | None = None,
        replicator: Replicator | None = None,
        *,
        channels: Sequence[Channel] | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        state_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.rules = settings.alerts
        self.collector = collector
        self.store = store
        self.replicator = replicator
        self.clock = clock
        self.monotonic = monotonic
        # One connection pool for the HTTP channels, opened only when one is configured.
        self._http: httpx.AsyncClient | None = None
        if channels is None:
            if self.rules.ntfy is not None or self.rules.webhook is not None:
                self._http = httpx.AsyncClient()
            channels = build_channels(self.rules, self._http, settings.mqtt, settings.site.id)
        self.deliveries = [Delivery(channel) for channel in channels]
        self.tracker = Tracker(settings.site.id, self.rules.repeat_hours * 3600.0)
        self._started = monotonic()
        self._grid: deque[tuple[float, float | None]] = deque()
        self._clamps: tuple[ClampSuspect, ...] | None = None
        self._clamps_due = 0.0
        self._episode = Episode("alert checks", log)
        self.state_path = state_path or state_file(settings)
        self._saving = Episode("saving the alert state", log)

    async def run(self, stop: asyncio.Event) -> None:
        """Check every `check_seconds` until `stop` is set; never raises on a failed check."""
        names = ", ".join(d.channel.name for d in self.deliveries) or "none (log only)"
        log.info("alerts: checking every %g s; channels: %s", self.rules.check_seconds, names)
        await self.resume()
        try:
            async with asyncio.TaskGroup() as group:
                workers = [group.create_task(d.work()) for d in self.deliveries]
                while not stop.is_set():
                    await self.check()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=self.rules.check_seconds)
                for worker in workers:
                    worker.cancel()
            await asyncio.gather(*(d.drain(DRAIN_SECONDS) for d in self.deliveries))
        finally:
            if self._http is not None:
                await self._http.aclose()

    async def check(self) -> list[Message]:
        """Evaluate the rules once and queue the resulting messages; return them."""
        try:
            facts = await self.facts()
            problems = evaluate(self.rules, facts)
        except Exception as err:  # noqa: BLE001 - a failing check must never stop collection
            self._episode.failed(err)
            return []
        self._episode.succeeded()
        messages = self.tracker.step(problems, facts.now)
        if messages:
            await self.save()
        for message in messages:
            level = logging.INFO if message.kind == "end" else logging.WARNING
            log.log(level, "alert %s: %s: %s", message.kind, message.heading, message.body)
            for delivery in self.deliveries:
                delivery.put(message)
        return messages

    def grace(self) -> float:
        """Return how long after a start every rule has had time to find its problem again."""
        rules = self.rules
        minutes = [rules.meter_offline_minutes]
        minutes += [rules.replication_failing_minutes] if self.replicator else []
        minutes += [rules.import_minutes] if rules.import_above_w else []
        minutes += [rules.export_minutes] if rules.export_above_w else []
        return 60.0 * max(minutes) + 2 * rules.check_seconds

    async def resume(self) -> None:
        """Take back the problems open when the last run stopped (none if unreadable)."""
        try:
            text = await asyncio.to_thread(self.state_path.read_text, encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as err:
            log.warning("alerts: cannot read the saved alert state %s: %s", self.state_path, err)
            return
        try:
            saved = json.loads(text)
            rows = saved.get("open") if isinstance(saved, dict) else None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise TypeError("expected an object with a list `open` of objects")  # noqa: TRY301
            self.tracker.resume(rows, self.clock(), self.grace())
        except (ValueError, TypeError) as err:  # JSONDecodeError is a ValueError
            log.warning(
                "alerts: ignoring the saved alert state %s (%s); problems still there are "
                "announced again",
                self.state_path,
                err,
            )
            return
        if self.tracker.open:
            titles = ", ".join(o.problem.title for o in self.tracker.open.values())
            log.info("alerts: still open from before the restart: %s", titles)

    async def save(self) -> None:
        """Keep the open problems beside the database; a failure is logged once per episode."""
        text = json.dumps({"open": self.tracker.saved()}, indent=1)
        try:
            await asyncio.to_thread(_write_atomically, self.state_path, text)
        except OSError as err:
            self._saving.failed(err)
        else:
            self._saving.succeeded()

    async def facts(self) -> Facts:
        """Gather what the collector, replicator and store know now."""
        now, mono = self.clock(), self.monotonic()
        meters = []
        for meter in self.settings.meters:
            live = self.collector.live.meters[meter.id]
            seen = live.last_success if live.reading is not None else self._started
            meters.append(MeterFacts(meter.id, meter.role, mono - seen))
        self._sample_grid(now)
        return Facts(
            now=now,
            zone=self.settings.site.zone,
            meters=tuple(meters),
            replication_failing_s=self.replicator.failing_seconds() if self.replicator else None,
            store_problem=self.collector.store_problem,
            disk_free=await asyncio.to_thread(self._disk_free),
            lost=tuple(LostSpan(*lost) for lost in self.collector.lost),
            clamps=await self._check_clamps(now, mono),
            grid_w=tuple(self._grid),
        )

    def _sample_grid(self, now: float) -> None:
        grids = [m.id for m in self.settings.meters if m.role == "grid"]
        if not grids:
            return
        live = self.collector.live
        fresh = all(not live.meters[g].stale for g in grids)
        self._grid.append((now, live.flow().grid_w if fresh else None))
        keep = 60.0 * max(self.rules.import_minutes, self.rules.export_minutes)
        keep += 2 * self.rules.check_seconds
        while self._grid and now - self._grid[0][0] > keep:
            self._grid.popleft()

    def _disk_free(self) -> int | None:
        path = self.settings.store.resolved_path()
        directory = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
        return shutil.disk_usage(directory).free

    async def _check_clamps(self, now: float, mono: float) -> tuple[ClampSuspect, ...] | None:
        """Judge the last day of stored minutes once a day; keep the verdict in between."""
        if not self.rules.reversed_clamp or self.store is None or mono < self._clamps_due:
            return self._clamps
        roles = {m.id: m.role for m in self.settings.meters}
        try:
            minutes: dict[str, list[MinuteRecord]] = {}
            for meter in roles:
                start, end = int(now - DAY), int(now) + 60
                minutes[meter] = await self.store.readings(meter, start, end, limit=2000)
        except StoreError as err:
            log.info("alerts: wiring check postponed by an hour: %s", err)
            self._clamps_due = mono + CLAMPS_RETRY
            return self._clamps
        # A tenth of a second of arithmetic on a PC, more on a Pi: off the event loop.
        verdict = await asyncio.to_thread(clamp_suspects, roles, minutes)
        self._clamps_due = mono + (DAY if verdict is not None else CLAMPS_RETRY)
        if verdict is not None:
            self._clamps = verdict
        return self._clamps


def state_file(settings: Settings) -> Path:
    """Return where the open problems are kept: beside the database, e.g. `wattboard.db.alerts`."""
    path = settings.store.resolved_path()
    return path.with_name(f"{path.name}.alerts")


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write leaves the old file, never half a new one.
    temporary = path.with_name(f"{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
