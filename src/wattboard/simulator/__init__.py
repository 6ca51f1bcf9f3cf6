"""Emulated Shelly Pro 3EM meters with household and PV physics (`wattboard simulate`)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from wattboard.energy.records import ROLES, Role
from wattboard.simulator.device import EmulatedMeter, Identity, SimClock
from wattboard.simulator.physics import SiteParams, SitePhysics
from wattboard.simulator.prices import PriceEmulator
from wattboard.simulator.server import MeterServer, apply_fault

__all__ = ["EmulatorOptions", "Emulators", "RunningMeter", "apply_fault", "start_emulators"]
log = logging.getLogger(__name__)
SAVE_EVERY: Final = 300.0


@dataclass(frozen=True, slots=True)
class EmulatorOptions:
    """What `wattboard simulate` takes; `port=0` lets each meter pick a free port."""

    port: int = 18001
    meters: tuple[Role, ...] = ("grid", "solar")
    history_days: float = 7.0
    password: str | None = None
    seed: int = 1
    speed: float = 1.0
    state_dir: Path | None = None
    lat: float = 60.17
    lon: float = 24.94
    timezone: str = "Europe/Helsinki"
    pv_kwp: float = 10.0
    host: str = "127.0.0.1"
    nonce_reuse: bool = False
    # The device clock's epoch second at start; None is the host's clock. Tests pin it so the
    # history, and so every day, week and year they check, does not depend on today's date.
    start: float | None = None
    # An Elering-compatible spot price endpoint on the port after the meters'.
    prices: bool = True

    def __post_init__(self) -> None:
        unknown = [m for m in self.meters if m not in ROLES]
        if unknown or not self.meters or len(set(self.meters)) != len(self.meters):
            raise ValueError(f"meters must be distinct roles out of {ROLES}, got {self.meters}")
        if not 0 <= self.history_days <= 60:
            raise ValueError("history_days must lie within 0..60 (the device keeps 60 days)")
        if self.speed <= 0:
            raise ValueError("speed must be positive")


@dataclass(slots=True)
class RunningMeter:
    device: EmulatedMeter
    server: MeterServer

    @property
    def url(self) -> str:
        return self.server.url


@dataclass(slots=True)
class Emulators:
    options: EmulatorOptions
    meters: dict[str, RunningMeter] = field(default_factory=dict)
    prices: PriceEmulator | None = None

    def save(self) -> None:
        if self.options.state_dir is None:
            return
        for meter in self.meters.values():
            meter.device.save(self.options.state_dir)


def mac_for(seed: int, role: str) -> str:
    """Return a stable MAC address for a meter of this seed and role."""
    digest = hashlib.sha256(f"{seed}:{role}".encode()).hexdigest()[:6].upper()
    return f"A8032A{digest}"


def build_meters(options: EmulatorOptions) -> list[EmulatedMeter]:
    """Create the meters sharing one site and one clock, with their history."""
    params = SiteParams(
        seed=options.seed,
        lat=options.lat,
        lon=options.lon,
        pv_kwp=options.pv_kwp,
        timezone=options.timezone,
    )
    physics, clock = SitePhysics(params), SimClock(options.speed, options.start)
    meters = []
    for role in options.meters:
        identity = Identity(mac_for(options.seed, role), f"Wattboard {role} (emulated)")
        meter = EmulatedMeter(
            role,
            physics,
            clock,
            identity,
            password=options.password,
            timezone=options.timezone,
            location=(options.lat, options.lon),
        )
        if options.state_dir is None or not meter.load(options.state_dir):
            meter.prefill(options.history_days)
        meters.append(meter)
    return meters


@contextlib.asynccontextmanager
async def start_emulators(options: EmulatorOptions) -> AsyncIterator[Emulators]:
    """Run the emulated meters for the duration of the `async with` block."""
    devices = await asyncio.to_thread(build_meters, options)
    running = Emulators(options)
    try:
        for index, device in enumerate(devices):
            port = 0 if options.port == 0 else options.port + index
            server = MeterServer(
                device, host=options.host, port=port, nonce_reuse=options.nonce_reuse
            )
            await server.start()
            running.meters[device.role] = RunningMeter(device, server)
        if options.prices:
            port = 0 if options.port == 0 else options.port + len(devices)
            clock = devices[0].clock.now if devices else None
            running.prices = PriceEmulator(
                clock or time.time, seed=options.seed, host=options.host, port=port
            )
            await running.prices.start()
        saver = asyncio.create_task(_save_periodically(running))
        try:
            yield running
        finally:
            saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await saver
    finally:
        for meter in running.meters.values():
            await meter.server.stop()
        if running.prices is not None:
            await running.prices.stop()
        running.save()


async def _save_periodically(running: Emulators) -> None:
    if running.options.state_dir is None:
        return
    while True:
        await asyncio.sleep(SAVE_EVERY)
        await asyncio.to_thread(running.save)
