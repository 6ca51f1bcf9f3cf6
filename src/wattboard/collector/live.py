"""Live power: poll `EM.GetStatus` of each meter and keep the latest readings in memory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from wattboard.collector.episodes import Episode
from wattboard.config import MeterSettings
from wattboard.energy.records import PHASES
from wattboard.exceptions import DeviceError
from wattboard.shelly.client import ShellyClient
from wattboard.shelly.models import EmStatus

log = logging.getLogger(__name__)
STALE_AFTER_MISSED: Final = 3
WINDOW: Final = 60.0


@dataclass(frozen=True, slots=True)
class PhaseReading:
    w: float
    v: float
    a: float


@dataclass(frozen=True, slots=True)
class MeterReading:
    """One meter at one instant, clamp inversion applied (+ import, − export)."""

    ts: float
    phases: dict[str, PhaseReading]

    @property
    def total_w(self) -> float:
        return sum(p.w for p in self.phases.values())


def reading_from_status(status: EmStatus, invert: tuple[str, ...], ts: float) -> MeterReading:
    """Turn `EM.GetStatus` into a reading, negating the power of inverted phases."""
    raw = {
        "a": (status["a_act_power"], status["a_voltage"], status["a_current"]),
        "b": (status["b_act_power"], status["b_voltage"], status["b_current"]),
        "c": (status["c_act_power"], status["c_voltage"], status["c_current"]),
    }
    phases: dict[str, PhaseReading] = {}
    for phase in PHASES:
        power, volts, amps = raw[phase]
        sign = -1.0 if phase in invert else 1.0
        phases[phase] = PhaseReading(sign * (power or 0.0), volts or 0.0, amps or 0.0)
    return MeterReading(ts, phases)


@dataclass(slots=True)
class MeterLive:
    role: str
    interval: float
    reading: MeterReading | None = None
    last_success: float = 0.0
    last_attempt: float = 0.0
    polls: int = 0
    poll_failures: int = 0

    @property
    def stale(self) -> bool:
        """True after three polls in a row brought nothing new."""
        if self.reading is None:
            return True
        return time.monotonic() - self.last_success > STALE_AFTER_MISSED * self.interval + 0.5


@dataclass(frozen=True, slots=True)
class Flow:
    """Site power in W: grid + import / − export, solar ≥ 0, home = grid + solar.

    `home_w` is never negative: when grid + solar falls below zero (a stale solar reading next
    to a fresh export, a reversed clamp) it is 0 and `deficit_w` says by how much it fell.
    See docs/architecture.md, "Energy semantics".
    """

    ts: float
    grid_w: float
    solar_w: float
    home_w: float
    deficit_w: float = 0.0


@dataclass(slots=True)
class LiveState:
    """The latest readings of every meter and the site's power over the last minute."""

    meters: dict[str, MeterLive] = field(default_factory=dict)
    history: deque[Flow] = field(default_factory=deque)
    listeners: list[Callable[[], None]] = field(default_factory=list)
    # Set on shutdown: every live stream ends, so the server stops without waiting on clients.
    closed: bool = False

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` on every new reading and on close; return what unsubscribes it."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def close(self) -> None:
        """End every live stream (on shutdown)."""
        self.closed = True
        for listener in list(self.listeners):
            listener()

    def update(self, meter: str, reading: MeterReading) -> None:
        live = self.meters[meter]
        live.reading = reading
        live.last_success = time.monotonic()
        self._remember(self.flow())
        for listener in list(self.listeners):
            listener()

    def flow(self) -> Flow:
        """Return the site's power from the latest reading of each meter."""
        grid = sum(
            m.reading.total_w for m in self.meters.values() if m.role == "grid" and m.reading
        )
        solar = sum(
            max(0.0, -m.reading.total_w)
            for m in self.meters.values()
            if m.role == "solar" and m.reading
        )
        ts = max((m.reading.ts for m in self.meters.values() if m.reading), default=time.time())
        home = grid + solar
        return Flow(ts, grid, solar, max(0.0, home), max(0.0, -home))

    def _remember(self, flow: Flow) -> None:
        self.history.append(flow)
        while self.history and flow.ts - self.history[0].ts > WINDOW:
            self.history.popleft()

    def max_1m(self) -> Flow | None:
        """Return the highest grid, solar and home power seen in the last minute."""
        if not self.history:
            return None
        return Flow(
            self.history[-1].ts,
            max(f.grid_w for f in self.history),
            max(f.solar_w for f in self.history),
            max(f.home_w for f in self.history),
        )

    @property
    def stale(self) -> bool:
        return any(m.stale for m in self.meters.values())

    def oldest_reading(self) -> float | None:
        """Return when the oldest reading the site's power combines was taken."""
        return min((m.reading.ts for m in self.meters.values() if m.reading), default=None)


async def poll_live(
    meter: MeterSettings,
    client: ShellyClient,
    state: LiveState,
    stop: asyncio.Event,
    interval: float,
) -> None:
    """Poll one meter every `interval` seconds until `stop` is set."""
    episode = Episode(f"live power of meter {meter.id}", log)
    invert = tuple(meter.invert_phases)
    next_tick = time.monotonic()
    while not stop.is_set():
        live = state.meters[meter.id]
        live.last_attempt = time.monotonic()
        live.polls += 1
        try:
            status = await client.em_status()
        except DeviceError as err:
            live.poll_failures += 1
            episode.failed(err)
        else:
            episode.succeeded()
            state.update(meter.id, reading_from_status(status, invert, time.time()))
        next_tick = max(next_tick + interval, time.monotonic())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=next_tick - time.monotonic())
