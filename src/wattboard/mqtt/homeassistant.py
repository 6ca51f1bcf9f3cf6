"""The Home Assistant bridge: discovery, availability, live power and lifetime energy over MQTT.

Rates: power at most once a second, a value only when it moved by `power_deadband` watts or a
minute passed; energy and diagnostics after each refresh of the counters (each stored minute,
at least once a minute). Nothing here is awaited by the collector: it only sets events this
bridge's own tasks wait on, so a slow or absent broker never delays a poll or a stored minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from wattboard import __version__
from wattboard.mqtt.discovery import (
    HEARTBEAT,
    OFFLINE,
    ONLINE,
    PRICE_DIRECTIONS,
    SITE_POWER,
    Site,
    config_payload,
    config_topic,
    diagnostic_topic,
    energy_topic,
    entities,
    format_kwh,
    format_price,
    format_watts,
    online_topic,
    phase_topic,
    power_topic,
    price_topic,
)
from wattboard.mqtt.link import Message, MqttLink

if TYPE_CHECKING:
    from wattboard.collector.live import LiveState
    from wattboard.config import Settings
    from wattboard.counters import EnergyCounters

log = logging.getLogger(__name__)
# The full import and export price per kWh now (None where a price is missing).
CurrentPrices = Callable[[], Awaitable[tuple[float | None, float | None]]]
TICK: Final = 1.0  # seconds: power is published at most this often


class HomeAssistantBridge:
    """Publishes one site to Home Assistant through a broker link of its own."""

    def __init__(
        self,
        settings: Settings,
        live: LiveState,
        counters: EnergyCounters,
        *,
        replication_lag: Callable[[], float | None] | None = None,
        models: Callable[[], Mapping[str, str]] = dict,
        prices: CurrentPrices | None = None,
        tick: float = TICK,
        heartbeat: float = HEARTBEAT,
    ) -> None:
        if settings.mqtt is None:
            raise ValueError("the Home Assistant bridge needs an [mqtt] section")
        mqtt = settings.mqtt
        self.site = Site(
            id=settings.site.id,
            topic_prefix=mqtt.prefix(settings.site.id),
            discovery_prefix=mqtt.discovery_prefix,
            meters=[(m.id, m.role) for m in settings.meters],
            version=__version__,
            replicating=replication_lag is not None,
            currency=settings.tariffs[0].currency if prices and settings.tariffs else None,
        )
        self.live = live
        self.counters = counters
        self.replication_lag = replication_lag
        self.models = models
        self.prices = prices
        self.deadband = mqtt.power_deadband
        self.tick = tick
        self.heartbeat = heartbeat
        self.ha_status_topic = f"{mqtt.discovery_prefix}/status"
        self.link = MqttLink(
            mqtt,
            identifier=f"{self.site.node}_{int(time.time())}",
            will=Message(self.site.status_topic, OFFLINE, retain=True, qos=1),
            subscriptions=[self.ha_status_topic],
            on_connect=self._on_connect,
            on_message=self._on_message,
            on_stop=self._on_stop,
        )
        self.discoveries = 0  # times discovery was published (tests)
        self._sent: dict[str, tuple[str, float | None, float]] = {}  # topic: payload, value, when
        self._energy_due = asyncio.Event()
        counters.listeners.append(self._energy_due.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Keep the broker link, publish power every tick and energy after each refresh."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.link.run(stop))
            group.create_task(self._power_loop(stop))
            group.create_task(self._energy_loop(stop))

    # -- link events --------------------------------------------------------------------------

    async def _on_connect(self) -> None:
        await self.link.publish(Message(self.site.status_topic, ONLINE, retain=True, qos=1))
        await self.publish_discovery()
        self._sent.clear()  # a new session: every value is sent afresh
        await self.publish_energy()
        await self.publish_power()

    async def _on_message(self, topic: str, payload: bytes) -> None:
        # Home Assistant says `online` on its status topic when it (re)starts: it has forgotten
        # non-retained states and may have lost discovery, so both are sent again.
        if topic == self.ha_status_topic and payload.strip() == ONLINE.encode():
            log.info("MQTT: Home Assistant is online; publishing discovery again")
            await self.publish_discovery()
            self._sent.clear()
            await self.publish_energy()
            await self.publish_power()

    async def _on_stop(self) -> None:
        # A clean stop sends no last will: say "offline" ourselves.
        await self.link.publish(Message(self.site.status_topic, OFFLINE, retain=True, qos=1))

    # -- publishing ---------------------------------------------------------------------------

    async def publish_discovery(self) -> None:
        """Publish every entity's config (retained), with the meters' models as they report."""
        site = replace(self.site, models=dict(self.models()))
        for entity in entities(site):
            payload = json.dumps(config_payload(site, entity), separators=(",", ":"))
            topic = config_topic(site, entity)
            await self.link.publish(Message(topic, payload, retain=True, qos=1))
        self.discoveries += 1

    async def publish_energy(self) -> None:
        """Publish the lifetime counters (retained), the prices now and the diagnostics.

        Counters refresh at each stored minute, so a new settlement period's price follows
        within seconds of the minute that starts it.
        """
        values = self.counters.values
        if values is not None:
            for flow, wh in values.items():
                topic = energy_topic(self.site, flow)
                await self._send(topic, format_kwh(wh), None, retain=True, qos=1)
        if self.prices is not None:
            for direction, price in zip(PRICE_DIRECTIONS, await self.prices(), strict=True):
                text = format_price(price)
                await self._send(price_topic(self.site, direction), text, None, retain=True)
        coverage = self.counters.coverage_today
        text = "None" if coverage is None else f"{coverage * 100:.1f}"
        await self._send(diagnostic_topic(self.site, "coverage_today"), text, None, retain=True)
        if self.replication_lag is not None:
            lag = self.replication_lag()
            text = "None" if lag is None else f"{lag:.0f}"
            await self._send(diagnostic_topic(self.site, "replication_lag"), text, None)

    async def publish_power(self) -> None:
        """Publish the power values that moved past the deadband or are due again."""
        now = time.monotonic()
        meters = self.live.meters
        if any(m.reading is not None for m in meters.values()):
            flow = self.live.flow()
            site = {"grid": flow.grid_w, "solar": flow.solar_w, "home": flow.home_w}
            for name in SITE_POWER:
                await self._power(power_topic(self.site, name), site[name], now)
        for meter_id, live in meters.items():
            stale = live.stale
            await self._state(online_topic(self.site, meter_id), "OFF" if stale else "ON", now)
            if live.reading is None or stale:
                continue
            for phase, reading in live.reading.phases.items():
                await self._power(phase_topic(self.site, meter_id, phase), reading.w, now)

    async def _power(self, topic: str, watts: float, now: float) -> None:
        last = self._sent.get(topic)
        if (
            last is not None
            and last[1] is not None
            and abs(watts - last[1]) < self.deadband
            and now - last[2] < self.heartbeat
        ):
            return
        await self._send(topic, format_watts(watts), watts)

    async def _state(self, topic: str, text: str, now: float) -> None:
        last = self._sent.get(topic)
        if last is not None and last[0] == text and now - last[2] < self.heartbeat:
            return
        await self._send(topic, text, None)

    async def _send(
        self, topic: str, payload: str, value: float | None, *, retain: bool = False, qos: int = 0
    ) -> None:
        if await self.link.publish(Message(topic, payload, retain=retain, qos=qos)):
            self._sent[topic] = (payload, value, time.monotonic())

    # -- loops --------------------------------------------------------------------------------

    async def _power_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self.link.connected:
                await self.publish_power()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.tick)

    async def _energy_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            waiters = [asyncio.ensure_future(e.wait()) for e in (stop, self._energy_due)]
            _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in pending:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
            self._energy_due.clear()
            if self.link.connected and not stop.is_set():
                await self.publish_energy()
