"""Each channel against a real server: what arrives, and what happens when the server fails."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from tests.alerts.receivers import SMTP_PASSWORD, SMTP_USER, http_receiver, smtp_server
from wattboard.alerts.channels import (
    Delivery,
    EmailChannel,
    NtfyChannel,
    WebhookChannel,
    send_test,
)
from wattboard.alerts.tracker import Message
from wattboard.backoff import Backoff
from wattboard.config import EmailSettings, NtfySettings, WebhookSettings

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
START = Message(
    "start", "meter_offline", "grid", "home", "Meter grid offline", "not answering", T0, T0 + 5
)
END = Message("end", "meter_offline", "grid", "home", "Meter grid offline", "back", T0, T0 + 60)
sleeps: list[float] = []


async def _no_sleep(seconds: float) -> None:
    sleeps.append(seconds)


FAST = Backoff(base=2.0, cap=60.0, sleep=_no_sleep, jitter=lambda: 1.0)


async def test_ntfy_send_posts_body_with_title_priority_tags_and_token() -> None:
    async with http_receiver() as server, httpx.AsyncClient() as http:
        settings = NtfySettings(url=f"{server.url}/wattboard-home", token="tk_abc")
        channel = NtfyChannel(settings, http)
        await channel.send(START)
        await channel.send(END)
    start, end = server.on("/wattboard-home")
    assert start.body == b"not answering"
    assert start.headers["Title"] == "[home] Meter grid offline"
    assert (start.headers["Priority"], start.headers["Tags"]) == (
        "high",
        "electric_plug,meter_offline",
    )
    assert start.headers["Authorization"] == "Bearer tk_abc"
    assert end.headers["Title"] == "[home] Resolved: Meter grid offline"
    assert (end.headers["Priority"], end.headers["Tags"]) == (
        "default",
        "white_check_mark,meter_offline",
    )


async def test_ntfy_send_encodes_a_title_beyond_ascii() -> None:
    message = Message("start", "r", "s", "kesämökki", "Meter offline", "x", T0, T0)
    async with http_receiver() as server, httpx.AsyncClient() as http:
        await NtfyChannel(NtfySettings(url=f"{server.url}/t"), http).send(message)
    (got,) = server.received
    assert got.headers["Title"] == "=?utf-8?b?W2tlc8OkbcO2a2tpXSBNZXRlciBvZmZsaW5l?="
    assert "Authorization" not in got.headers


async def test_webhook_send_posts_the_documented_json() -> None:
    async with http_receiver() as server, httpx.AsyncClient() as http:
        await WebhookChannel(WebhookSettings(url=f"{server.url}/hook"), http).send(END)
    (got,) = server.on("/hook")
    body = got.json()
    del body["version"]
    assert body == {
        "event": "end",
        "rule": "meter_offline",
        "subject": "grid",
        "site": "home",
        "title": "[home] Resolved: Meter grid offline",
        "body": "back",
        "since": "2026-01-01T00:00:00Z",
        "at": "2026-01-01T00:01:00Z",
    }
    assert got.headers["Content-Type"] == "application/json"


def _email(box_host: str, port: int, ca_file: Path, **extra: object) -> EmailSettings:
    return EmailSettings.model_validate(
        {
            "host": box_host,
            "port": port,
            "ca_file": ca_file,
            "username": SMTP_USER,
            "password": SMTP_PASSWORD,
            "from": "wattboard@example.org",
            "to": ["owner@example.org", "other@example.org"],
            "timeout_s": 5,
            **extra,
        }
    )


async def test_email_send_uses_starttls_and_login(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as box:
        await EmailChannel(_email(box.host, box.port, box.ca_file)).send(START)
    (mail,) = box.mails
    assert box.tls == [True]
    assert box.logins == [SMTP_USER]
    assert box.envelopes == [("wattboard@example.org", ["owner@example.org", "other@example.org"])]
    assert mail["Subject"] == "[home] Meter grid offline"
    assert mail["X-Wattboard-Event"] == "start meter_offline grid"
    payload = mail.get_payload(decode=True)
    assert payload == b"not answering\r\n\r\n-- \r\nWattboard home, 2026-01-01T00:00:05Z\r\n"


async def test_email_send_refuses_an_unknown_certificate(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as box:
        channel = EmailChannel(_email(box.host, box.port, None))
        (error,) = await send_test([channel], START)
    assert error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in error
    assert box.mails == []


async def test_delivery_retries_a_failing_channel_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleeps.clear()
    async with http_receiver() as server, httpx.AsyncClient() as http:
        server.fail_next = 3
        channel = NtfyChannel(NtfySettings(url=f"{server.url}/t", retries=5), http)
        with caplog.at_level(logging.INFO, logger="wattboard.alerts.channels"):
            assert await Delivery(channel, FAST).deliver(START)
    assert server.attempts == 4
    assert [r.body for r in server.received] == [b"not answering"]
    assert sleeps == [2.0, 4.0, 8.0]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["alert channel ntfy failing: HTTP 503: busy"]
    assert any("alert channel ntfy back after" in r.getMessage() for r in caplog.records)


async def test_delivery_gives_up_after_its_retries_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleeps.clear()
    async with http_receiver() as server, httpx.AsyncClient() as http:
        server.fail_next = 100
        channel = WebhookChannel(WebhookSettings(url=server.url, retries=2), http)
        delivery = Delivery(channel, FAST)
        with caplog.at_level(logging.WARNING, logger="wattboard.alerts.channels"):
            assert not await delivery.deliver(START)
    assert server.attempts == 3
    assert delivery.dropped == 1
    assert [r.getMessage() for r in caplog.records] == [
        "alert channel webhook failing: HTTP 503: busy",
        "alert channel webhook: gave up on '[home] Meter grid offline' (start): HTTP 503: busy",
    ]


async def test_delivery_times_out_a_server_that_never_answers() -> None:
    async with http_receiver() as server, httpx.AsyncClient() as http:
        server.hang = True
        channel = NtfyChannel(NtfySettings(url=f"{server.url}/t", timeout_s=0.3, retries=0), http)
        loop = asyncio.get_running_loop()
        began = loop.time()
        (error,) = await send_test([channel], START)
        took = loop.time() - began
    assert error is not None
    assert "ReadTimeout" in error
    assert took < 2.0


async def test_send_test_reports_each_channel(tmp_path: Path) -> None:
    async with http_receiver() as server, httpx.AsyncClient() as http:
        ok = NtfyChannel(NtfySettings(url=f"{server.url}/t"), http)
        refused = WebhookChannel(WebhookSettings(url="http://127.0.0.1:9/hook"), http)
        results = await send_test([ok, refused], START)
    assert results[0] is None
    assert results[1] is not None
    assert "ConnectError" in results[1]
    del tmp_path


class _Broken:
    name = "broken"
    timeout = 1.0
    retries = 0

    async def send(self, message: Message) -> None:
        raise ValueError(message.title)  # not a ChannelError: a bug


async def test_delivery_work_survives_a_channel_bug(caplog: pytest.LogCaptureFixture) -> None:
    delivery = Delivery(_Broken(), FAST)
    worker = asyncio.create_task(delivery.work())
    delivery.put(START)
    delivery.put(END)
    await asyncio.sleep(0.05)
    assert not worker.done()  # still serving its queue
    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await worker
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "alert channel broken: cannot send '[home] Meter grid offline'",
        "alert channel broken: cannot send '[home] Resolved: Meter grid offline'",
    ]
