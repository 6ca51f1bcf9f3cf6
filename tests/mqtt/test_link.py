"""The broker link against a real mosquitto: TLS, refused logins, broker restarts."""

from __future__ import annotations

import asyncio
import logging
import ssl
from pathlib import Path

import pytest

from tests.mosquitto import Broker, make_certificates, needs_mosquitto, recorder, running, wait_for
from wattboard.backoff import Backoff
from wattboard.config import MqttSettings
from wattboard.mqtt.link import Message, MqttLink, MqttPublishError, publish_once

pytestmark = needs_mosquitto
FAST = Backoff(base=0.05, cap=0.2)


# paho-mqtt leaves the socket of a failed TLS handshake to the garbage collector, which closes it
# with a ResourceWarning (the untrusted case below).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_link_publishes_over_tls_with_a_self_signed_ca(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path / "tls")
    with running(Broker(tmp_path / "broker", certificates=certificates)) as broker:
        context = ssl.create_default_context(cafile=str(certificates.ca))
        async with recorder(broker.port, tls_context=context) as received:
            settings = MqttSettings(
                host="127.0.0.1", port=broker.port, tls=True, ca_file=certificates.ca
            )
            await publish_once(settings, [Message("wattboard/test/alert", "meter offline")])
            await wait_for(lambda: received.last("wattboard/test/alert") == "meter offline")
        # Without the CA the broker's certificate is not trusted, and the error says so.
        untrusted = MqttSettings(host="127.0.0.1", port=broker.port, tls=True)
        with pytest.raises(MqttPublishError, match="TLS failed"):
            await publish_once(untrusted, [Message("wattboard/test/alert", "x")], attempts=1)


async def test_link_refused_login_is_logged_once_per_episode(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with running(Broker(tmp_path / "broker", users={"wattboard": "right"})) as broker:
        settings = MqttSettings(
            host="127.0.0.1", port=broker.port, username="wattboard", password="wrong"
        )
        attempts = 0

        async def count() -> None:
            nonlocal attempts
            attempts += 1

        link = MqttLink(settings, backoff=FAST, on_connect=count)
        stop = asyncio.Event()
        caplog.set_level(logging.INFO, logger="wattboard.mqtt.link")
        task = asyncio.create_task(link.run(stop))
        await wait_for(lambda: link._episode.failures >= 4)
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "refused the login" in warnings[0].getMessage()
    assert "username and password" in warnings[0].getMessage()
    assert attempts == 0


async def test_link_reconnects_after_a_broker_restart(tmp_path: Path) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        link = MqttLink(MqttSettings(host="127.0.0.1", port=broker.port), backoff=FAST)
        stop = asyncio.Event()
        task = asyncio.create_task(link.run(stop))
        await wait_for(lambda: link.connections == 1)
        broker.stop()
        await wait_for(lambda: not link.connected)
        assert not await link.publish(Message("wattboard/test/x", "1"))
        broker.start()
        await wait_for(lambda: link.connections == 2, timeout=15)
        async with recorder(broker.port) as received:
            assert await link.publish(Message("wattboard/test/x", "2"))
            await wait_for(lambda: received.last("wattboard/test/x") == "2")
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_link_with_a_broken_ca_file_stays_off_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate\n", encoding="utf-8")
    settings = MqttSettings(host="127.0.0.1", port=1, tls=True, ca_file=ca)
    await asyncio.wait_for(MqttLink(settings).run(asyncio.Event()), timeout=5)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith(f"MQTT disabled: cannot use [mqtt] ca_file {ca}: ")
    with pytest.raises(MqttPublishError, match="cannot use \\[mqtt\\] ca_file"):
        await publish_once(settings, [Message("t", "x")])
