"""`wattboard alert test`: a test message on every channel, each result reported."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.alerts.receivers import SMTP_PASSWORD, SMTP_USER, http_receiver, smtp_server
from tests.mosquitto import Broker, free_port, needs_mosquitto, recorder, running, wait_for


async def _alert_test(config: Path, *extra: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wattboard", "alert", *extra, "--config", str(config),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "ALERT_TEST_SMTP_PASSWORD": SMTP_PASSWORD},
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _config(tmp_path: Path, ntfy: str, webhook: str, smtp: tuple[str, int, Path]) -> Path:
    host, port, ca_file = smtp
    config = tmp_path / "wattboard.toml"
    config.write_text(
        '[site]\nid = "cabin"\ntimezone = "UTC"\n\n'
        f'[alerts.ntfy]\nurl = "{ntfy}"\n\n'
        f'[alerts.webhook]\nurl = "{webhook}"\nretries = 0\n\n'
        f'[alerts.email]\nhost = "{host}"\nport = {port}\nca_file = "{ca_file}"\n'
        f'username = "{SMTP_USER}"\npassword_env = "ALERT_TEST_SMTP_PASSWORD"\n'
        'from = "wattboard@example.org"\nto = ["owner@example.org"]\n',
        encoding="utf-8",
    )
    return config


async def test_alert_test_sends_to_every_channel_and_reports_each(tmp_path: Path) -> None:
    async with http_receiver() as http:
        with smtp_server(tmp_path) as mail:
            smtp = (mail.host, mail.port, mail.ca_file)
            config = _config(tmp_path, f"{http.url}/cabin", f"{http.url}/hook", smtp)
            code, out, err = await _alert_test(config, "test")
    assert code == 0, err
    assert out.splitlines() == [
        f"ntfy     {http.url}/cabin: sent",
        f"webhook  {http.url}/hook: sent",
        f"email    owner@example.org via 127.0.0.1:{mail.port}: sent",
    ]
    (ntfy,) = http.on("/cabin")
    assert ntfy.headers["Title"] == "[cabin] Test alert"
    assert ntfy.body.decode() == (
        "This is a test message from Wattboard (site cabin). Alerts about its meters, store "
        "and replication arrive here."
    )
    assert http.on("/hook")[0].json()["event"] == "test"
    assert [m["Subject"] for m in mail.mails] == ["[cabin] Test alert"]


async def test_alert_test_exits_1_when_a_channel_fails(tmp_path: Path) -> None:
    async with http_receiver() as http:
        with smtp_server(tmp_path) as mail:
            smtp = (mail.host, mail.port, mail.ca_file)
            http.fail_next = 1  # the first request (ntfy's or the webhook's) is refused
            config = _config(tmp_path, f"{http.url}/cabin", f"{http.url}/hook", smtp)
            code, out, _ = await _alert_test(config, "test")
    assert code == 1
    lines = out.splitlines()
    assert sum("FAILED: HTTP 503: busy" in line for line in lines) == 1
    assert sum(line.endswith(": sent") for line in lines) == 2


async def test_alert_test_without_channels_says_what_to_add(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text('[site]\ntimezone = "UTC"\n', encoding="utf-8")
    code, _, err = await _alert_test(config, "test")
    assert code == 1
    assert "no alert channel configured: add [alerts.ntfy], [alerts.webhook]," in err


async def test_alert_with_an_unknown_action_is_bad_usage(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text('[site]\ntimezone = "UTC"\n', encoding="utf-8")
    code, _, err = await _alert_test(config, "send")
    assert code == 2
    assert "unknown action 'send'; expected: test" in err


@needs_mosquitto
async def test_alert_test_publishes_on_the_mqtt_broker(tmp_path: Path) -> None:
    with running(Broker(tmp_path / "broker")) as broker:
        async with recorder(broker.port, "wattboard/cabin/#") as received:
            config = tmp_path / "wattboard.toml"
            config.write_text(
                '[site]\nid = "cabin"\ntimezone = "UTC"\n\n'
                f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n',
                encoding="utf-8",
            )
            code, out, err = await _alert_test(config, "test")
            assert code == 0, err
            assert out.splitlines() == [
                f"mqtt     wattboard/cabin/alert on 127.0.0.1:{broker.port}: sent"
            ]
            await wait_for(lambda: received.last("wattboard/cabin/alert") is not None)
    body = json.loads(received.last("wattboard/cabin/alert") or "")
    assert (body["event"], body["site"], body["title"]) == ("test", "cabin", "[cabin] Test alert")
    # An alert is news only when it happens: not kept for clients that connect later.
    assert [retained for _, _, retained in received.messages] == [False]


@needs_mosquitto
async def test_alert_test_reports_an_unreachable_broker(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text(
        '[site]\nid = "cabin"\ntimezone = "UTC"\n\n'
        f'[alerts]\nmqtt_timeout_s = 2\n\n[mqtt]\nhost = "127.0.0.1"\nport = {free_port()}\n',
        encoding="utf-8",
    )
    code, out, _ = await _alert_test(config, "test")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("mqtt     wattboard/cabin/alert on 127.0.0.1:")
    assert "FAILED: MQTT broker mqtt://127.0.0.1:" in line
    assert line.endswith("Connection refused")
