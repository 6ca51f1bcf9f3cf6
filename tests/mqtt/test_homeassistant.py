"""The Home Assistant bridge against a real mosquitto, with the collector on emulated meters."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.collector.conftest import settings_for
from tests.mosquitto import Broker, needs_mosquitto, recorder, running, wait_for
from tests.mqtt.test_discovery import check_payload
from tests.store.test_sqlite import T0, rec
from wattboard.backoff import Backoff
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.collector.service import Collector, open_store
from wattboard.config import MqttSettings, Settings
from wattboard.counters import EnergyCounters
from wattboard.energy.counters import COUNTER_FLOWS
from wattboard.energy.prices import PricePoint
from wattboard.mqtt.homeassistant import HomeAssistantBridge
from wattboard.runtime import current_prices, run_home
from wattboard.simulator import Emulators

pytestmark = needs_mosquitto
PREFIX = "wattboard/test"


def _with_mqtt(settings: Settings, port: int, **extra: Any) -> Settings:
    mqtt = MqttSettings(host="127.0.0.1", port=port, **extra)
    return settings.model_copy(
        update={"mqtt": mqtt, "api": settings.api.model_copy(update={"port": 0})}
    )


async def _rebuild(_store: object) -> None:
    return


def _kwh(received: Any, flow: str) -> float | None:
    text = received.last(f"{PREFIX}/energy/{flow}")
    return None if text is None else float(text)


@pytest.mark.slow
async def test_homeassistant_discovery_and_counters_equal_the_api_totals(
    tmp_path: Path, emulators: Emulators
) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        settings = _with_mqtt(settings_for(emulators, tmp_path / "w.db"), broker.port)
        urls: list[str] = []
        stop = asyncio.Event()
        async with recorder(broker.port) as received:
            task = asyncio.create_task(
                run_home(settings, stop, collect=True, rebuild=_rebuild, announce=urls.append)
            )
            try:
                await wait_for(lambda: bool(urls))
                async with httpx.AsyncClient(base_url=urls[0], timeout=10) as api:

                    async def equal() -> bool:
                        years = (await api.get("/api/v1/energy/years")).json()["totals"]
                        published = {f: _kwh(received, f) for f in COUNTER_FLOWS}
                        return years["grid_import"] > 0 and all(
                            published[f] is not None and abs(published[f] - years[f] / 1000) < 1e-6
                            for f in COUNTER_FLOWS
                        )

                    await _until(equal, 20)
                    metrics = (await api.get("/api/v1/metrics")).text
                years = (await api_get(urls[0], "/api/v1/energy/years"))["totals"]
                await wait_for(lambda: received.last(f"{PREFIX}/power/grid") is not None)
                # Discovery is retained: a subscriber coming later (Home Assistant starting)
                # gets every config from the broker; each is valid; one device for the site
                # and one per meter.
                async with recorder(broker.port, "homeassistant/#") as late:
                    # 3 site powers, 5 counters, coverage; 3 phases and online per meter.
                    await wait_for(lambda: len(late.messages) == 17)
                configs = late.messages
                assert all(retained for _, _, retained in configs)
                for topic, payload, _ in configs:
                    check_payload(topic.split("/")[1], json.loads(payload))
                devices = {json.loads(p)["device"]["identifiers"][0] for _, p, _ in configs}
                assert devices == {
                    "wattboard_test",
                    "wattboard_test_meter_grid",
                    "wattboard_test_meter_solar",
                }
                assert received.last(f"{PREFIX}/status") == "online"
                assert received.last(f"{PREFIX}/meter/grid/online") == "ON"
                # Today's share of expected minutes (any value: the test may start at midnight).
                assert 0 <= float(received.last(f"{PREFIX}/diagnostic/coverage_today") or -1) <= 100
                # /metrics exposes the same counters, in Wh.
                line = 'wattboard_energy_wh_total{flow="grid_import"} '
                value = float(
                    next(x for x in metrics.splitlines() if x.startswith(line)).split()[-1]
                )
                assert value == pytest.approx(years["grid_import"], abs=1e-3)
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=30)
            await wait_for(lambda: received.last(f"{PREFIX}/status") == "offline")


async def api_get(url: str, path: str) -> Any:
    async with httpx.AsyncClient(base_url=url, timeout=10) as api:
        return (await api.get(path)).json()


async def _until(condition: Any, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():
            await asyncio.sleep(0.1)


def _parts(tmp_path: Path, settings: Settings) -> tuple[Any, EnergyCounters, HomeAssistantBridge]:
    store = open_store(settings)
    counters = EnergyCounters(store)
    bridge = HomeAssistantBridge(settings, LiveState(), counters, tick=0.1)
    bridge.link.backoff = Backoff(base=0.05, cap=0.2)
    return store, counters, bridge


def _offline_settings(tmp_path: Path, port: int) -> Settings:
    return Settings(
        site={"id": "test", "timezone": "Europe/Helsinki", "netting": "minute"},
        store={"path": tmp_path / "w.db"},
        meters=[{"id": "grid", "role": "grid", "url": "http://127.0.0.1:9"}],
        mqtt={"host": "127.0.0.1", "port": port},
    )


async def test_homeassistant_broker_restart_loses_no_counter_step(tmp_path: Path) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        settings = _offline_settings(tmp_path, broker.port)
        store, counters, bridge = _parts(tmp_path, settings)
        await store.open()
        stop = asyncio.Event()
        async with recorder(broker.port) as received:
            await store.upsert([rec("grid", T0 + 60 * i, a=(2.0, 0.0)) for i in range(5)])
            task = asyncio.gather(counters.run(stop), bridge.run(stop))
            await wait_for(lambda: _kwh(received, "grid_import") == pytest.approx(0.010))
        broker.stop()
        await wait_for(lambda: not bridge.link.connected)
        # Minutes stored while the broker is away: the counter moves on without it.
        await store.upsert([rec("grid", T0 + 60 * i, a=(2.0, 0.0)) for i in range(5, 8)])
        counters.wake()
        await wait_for(
            lambda: (
                counters.values is not None
                and counters.values["grid_import"] == pytest.approx(16.0)
            )
        )
        broker.start()
        async with recorder(broker.port) as received:
            # The retained value the broker sends a new subscriber, then the republished one:
            # the step made during the outage is there, and the counter never went down.
            await wait_for(
                lambda: _kwh(received, "grid_import") == pytest.approx(0.016), timeout=15
            )
            values = [float(p) for p in received.payloads(f"{PREFIX}/energy/grid_import")]
            assert values == sorted(values)
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await store.close()


async def test_homeassistant_restart_gets_discovery_again(tmp_path: Path) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        settings = _offline_settings(tmp_path, broker.port)
        store, counters, bridge = _parts(tmp_path, settings)
        await store.open()
        stop = asyncio.Event()
        task = asyncio.gather(counters.run(stop), bridge.run(stop))
        await wait_for(lambda: bridge.discoveries == 1)
        topic = "homeassistant/sensor/wattboard_test/energy_grid_import/config"
        async with recorder(broker.port, "homeassistant/#") as received:
            await wait_for(lambda: len(received.payloads(topic)) == 1)  # the retained copy
            await _publish(broker.port, "homeassistant/status", "online")
            await wait_for(lambda: len(received.payloads(topic)) == 2)
            assert bridge.discoveries == 2
            assert json.loads(received.payloads(topic)[-1])["unique_id"] == (
                "wattboard_test_energy_grid_import"
            )
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await store.close()


async def _publish(port: int, topic: str, payload: str) -> None:
    import aiomqtt  # noqa: PLC0415

    async with aiomqtt.Client("127.0.0.1", port, timeout=10) as client:
        await client.publish(topic, payload)


@pytest.mark.slow
async def test_homeassistant_wrong_credentials_leave_collection_alone(
    tmp_path: Path, emulators: Emulators, caplog: pytest.LogCaptureFixture
) -> None:
    with running(Broker(tmp_path / "broker", users={"ha": "right"})) as broker:
        settings = _with_mqtt(
            settings_for(emulators, tmp_path / "w.db"), broker.port, username="ha", password="bad"
        )
        store = open_store(settings)
        await store.open()
        collector = Collector(settings, store)
        counters = EnergyCounters(store)
        collector.on_stored.append(counters.wake)
        bridge = HomeAssistantBridge(settings, collector.live, counters)
        bridge.link.backoff = Backoff(base=0.05, cap=0.2)
        caplog.set_level(logging.INFO)
        stop = asyncio.Event()
        task = asyncio.gather(collector.run(stop), counters.run(stop), bridge.run(stop))
        held = {role: len(m.device.memory) for role, m in emulators.meters.items()}
        db = tmp_path / "w.db"

        def stored() -> dict[str, int]:
            with sqlite3.connect(db) as conn:
                rows = conn.execute(
                    "SELECT m.id, count(*) FROM minutes JOIN meters m ON meter = num GROUP BY m.id"
                ).fetchall()
            return dict(rows)

        # Every minute the meters hold is stored, while the broker refuses every login.
        await wait_for(lambda: all(stored().get(r, 0) >= n for r, n in held.items()), timeout=30)
        await wait_for(lambda: bridge.link._episode.failures >= 3)
        assert counters.values is not None
        assert counters.values["grid_import"] > 0
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        await store.close()
    refused = [r for r in caplog.records if "refused the login" in r.getMessage()]
    assert len(refused) == 1
    assert refused[0].levelno == logging.WARNING


async def test_homeassistant_power_once_a_tick_and_only_past_the_deadband(tmp_path: Path) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        settings = _offline_settings(tmp_path, broker.port)
        settings.mqtt = settings.mqtt.model_copy(update={"power_deadband": 5.0})  # type: ignore[union-attr]
        store = open_store(settings)
        await store.open()
        live = LiveState()
        live.meters["grid"] = MeterLive("grid", 1.0)
        bridge = HomeAssistantBridge(settings, live, EnergyCounters(store), tick=0.2)
        topic = f"{PREFIX}/power/grid"

        def power(watts: float) -> None:
            live.update("grid", MeterReading(T0, {"a": PhaseReading(watts, 230.0, 1.0)}))

        stop = asyncio.Event()
        async with recorder(broker.port, f"{PREFIX}/power/#") as received:
            power(100.0)
            task = asyncio.create_task(bridge.run(stop))
            await wait_for(lambda: received.payloads(topic) == ["100.0"])
            power(103.0)  # inside the deadband: not sent
            await asyncio.sleep(0.6)
            assert received.payloads(topic) == ["100.0"]
            power(110.0)
            await wait_for(lambda: received.payloads(topic) == ["100.0", "110.0"])
            # Fifty readings in one second, each far past the deadband: one value per tick.
            before = len(received.payloads(topic))
            for i in range(50):
                power(200.0 + 50 * i)
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)
            sent = len(received.payloads(topic)) - before
            assert 3 <= sent <= 7
            assert received.last(topic) == "2650.0"  # the latest reading, not a stale one
            stop.set()
            await asyncio.wait_for(task, timeout=10)
        await store.close()


async def test_homeassistant_publishes_the_full_prices_of_each_period(tmp_path: Path) -> None:
    tariff = {
        "valid_from": "2025-01-01",
        "currency": "EUR",
        "import": [{"name": "energy", "spot": True, "price": 0.01, "vat": 25.5}],
        "export": [{"name": "sale", "spot": True, "price": -0.003}],
    }
    with running(Broker(tmp_path / "broker")) as broker:
        settings = _offline_settings(tmp_path, broker.port)
        settings.tariffs = Settings(tariffs=[tariff]).tariffs
        store = open_store(settings)
        await store.open()

        await store.put_prices(
            [PricePoint(T0, T0 + 900, 0.10), PricePoint(T0 + 900, T0 + 1800, -0.05)]
        )
        now = [T0 + 60.0]
        prices = current_prices(settings.tariff_book(), store, clock=lambda: now[0])
        bridge = HomeAssistantBridge(settings, LiveState(), EnergyCounters(store), prices=prices)
        stop = asyncio.Event()
        async with recorder(broker.port) as received:
            task = asyncio.create_task(bridge.run(stop))
            imported, exported = f"{PREFIX}/price/import", f"{PREFIX}/price/export"
            await wait_for(lambda: None not in (received.last(imported), received.last(exported)))
            assert float(received.last(imported) or "nan") == pytest.approx(0.11 * 1.255)
            assert float(received.last(exported) or "nan") == pytest.approx(0.097)
            config = json.loads(
                received.last("homeassistant/sensor/wattboard_test/price_import/config") or "{}"
            )
            assert config["unit_of_measurement"] == "EUR/kWh"
            now[0] = T0 + 900.0  # the next quarter, with a negative spot price
            await bridge.publish_energy()
            await wait_for(lambda: received.last(exported) == "-0.053000")
            await wait_for(lambda: received.last(imported) != "0.138050")
            assert float(received.last(imported) or "nan") == pytest.approx(-0.04 * 1.255)
            now[0] = T0 + 1800.0  # no price published yet: unknown in HA, never zero
            await bridge.publish_energy()
            await wait_for(lambda: received.last(imported) == received.last(exported) == "None")
            stop.set()
            await asyncio.wait_for(task, timeout=10)
        await store.close()
