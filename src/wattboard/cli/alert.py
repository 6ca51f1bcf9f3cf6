"""`wattboard alert test`: one test message to every configured alert channel."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import typer

from wattboard.alerts.channels import Channel, build_channels, send_test
from wattboard.alerts.tracker import Message
from wattboard.config import Settings, default_config_path, load_settings, redact_url
from wattboard.exceptions import ConfigError
from wattboard.setup.configfile import ENV_HELP, load_env_beside

ACTIONS = ("test",)


def register(app: typer.Typer) -> None:
    app.command("alert")(alert)


def alert(
    action: str = typer.Argument(..., help="test: send a test message to every channel."),
    config: Path | None = typer.Option(
        None, "--config", help="TOML configuration (default: the user config directory's)."
    ),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Send a test alert to every configured channel and report each (exit 1 if one failed)."""
    if action not in ACTIONS:
        raise typer.BadParameter(f"unknown action {action!r}; expected: test", param_hint="ACTION")
    load_env_beside(config or default_config_path(), env_file)
    settings = load_settings(config)
    results = asyncio.run(_test(settings))
    for (name, target), error in results:
        typer.echo(f"{name:8} {target}: " + ("sent" if error is None else f"FAILED: {error}"))
    if any(error is not None for _, error in results):
        raise typer.Exit(1)


def test_message(settings: Settings, now: float) -> Message:
    site = settings.site.id
    return Message(
        "test",
        "test",
        "channels",
        site,
        "Test alert",
        f"This is a test message from Wattboard (site {site}). Alerts about its meters, "
        "store and replication arrive here.",
        now,
        now,
    )


async def _test(settings: Settings) -> list[tuple[tuple[str, str], str | None]]:
    async with httpx.AsyncClient() as http:
        channels = build_channels(settings.alerts, http, settings.mqtt, settings.site.id)
        if not channels:
            raise ConfigError(
                "no alert channel configured: add [alerts.ntfy], [alerts.webhook], "
                "[alerts.email] or [mqtt] (see the README, Alerts)"
            )
        errors = await send_test(channels, test_message(settings, time.time()))
    return [((c.name, _target(settings, c)), e) for c, e in zip(channels, errors, strict=True)]


def _target(settings: Settings, channel: Channel) -> str:
    alerts = settings.alerts
    if channel.name == "ntfy" and alerts.ntfy is not None:
        return redact_url(alerts.ntfy.url)
    if channel.name == "webhook" and alerts.webhook is not None:
        return redact_url(alerts.webhook.url)
    if channel.name == "email" and alerts.email is not None:
        return f"{', '.join(alerts.email.to)} via {alerts.email.host}:{alerts.email.port}"
    if channel.name == "mqtt" and settings.mqtt is not None:
        mqtt = settings.mqtt
        return f"{mqtt.prefix(settings.site.id)}/alert on {mqtt.host}:{mqtt.broker_port}"
    return channel.name
