"""Where alerts go: ntfy, a JSON webhook, e-mail over SMTP; each behind its own queue.

A channel implements `Channel` (a name and `send`); `Delivery` gives each one a queue and a
worker, so a slow or unreachable channel delays only its own messages, never the others nor
collection. With `[mqtt]` configured (the Home Assistant broker), alerts are also published
there, as the webhook's JSON on `<topic prefix>/alert`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Final, Protocol

import httpx

from wattboard import __version__
from wattboard.alerts.tracker import Message
from wattboard.backoff import Backoff
from wattboard.collector.episodes import Episode
from wattboard.config import AlertSettings, EmailSettings, NtfySettings, WebhookSettings

if TYPE_CHECKING:
    from wattboard.config import MqttSettings

log = logging.getLogger(__name__)
# Messages waiting for one channel; beyond this the oldest are dropped (a channel down for days).
QUEUE_SIZE: Final = 100
RETRY: Final = Backoff(base=2.0, cap=60.0)
USER_AGENT: Final = f"wattboard/{__version__}"


class ChannelError(Exception):
    """A channel could not deliver one message (its text says why, without secrets)."""


class Channel(Protocol):
    """Something that delivers one message, or raises ChannelError (or an OSError) trying."""

    name: str
    timeout: float
    retries: int

    async def send(self, message: Message) -> None: ...


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _header(text: str) -> str:
    # HTTP header values are Latin-1 at most; ntfy decodes RFC 2047 words for anything else.
    return text if text.isascii() else Header(text, "utf-8").encode()


class _HttpChannel:
    def __init__(self, http: httpx.AsyncClient, timeout: float, retries: int) -> None:
        self.http = http
        self.timeout = timeout
        self.retries = retries

    async def _post(self, url: str, **kwargs: Any) -> None:
        try:
            response = await self.http.post(url, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as err:
            # httpx's timeouts say nothing themselves.
            detail = str(err) or f"no answer within {self.timeout:g} s"
            raise ChannelError(f"{type(err).__name__}: {detail}") from err
        if response.status_code >= 300:
            raise ChannelError(f"HTTP {response.status_code}: {response.text[:200]}")


class NtfyChannel(_HttpChannel):
    """POST the body to the topic URL; title, priority and tags as ntfy's headers."""

    name = "ntfy"

    def __init__(self, settings: NtfySettings, http: httpx.AsyncClient) -> None:
        super().__init__(http, settings.timeout_s, settings.retries)
        self.settings = settings

    def headers(self, message: Message) -> dict[str, str]:
        s = self.settings
        # An end is good news: it notifies quietly and carries a check mark instead.
        priority = "default" if message.kind in ("end", "test") else s.priority
        tags = ["white_check_mark"] if message.kind == "end" else s.tags
        headers = {
            "Title": _header(message.heading),
            "Priority": priority,
            "Tags": ",".join([*tags, message.rule]),
            "User-Agent": USER_AGENT,
        }
        token = s.token.get_secret_value()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def send(self, message: Message) -> None:
        body = message.body.encode()
        await self._post(self.settings.url, content=body, headers=self.headers(message))


def webhook_body(message: Message) -> dict[str, Any]:
    """The JSON a webhook receives (README, "Alerts")."""
    return {
        "event": message.kind,
        "rule": message.rule,
        "subject": message.subject,
        "site": message.site,
        "title": message.heading,
        "body": message.body,
        "since": iso(message.since),
        "at": iso(message.at),
        "version": __version__,
    }


class WebhookChannel(_HttpChannel):
    name = "webhook"

    def __init__(self, settings: WebhookSettings, http: httpx.AsyncClient) -> None:
        super().__init__(http, settings.timeout_s, settings.retries)
        self.settings = settings

    async def send(self, message: Message) -> None:
        headers = {"User-Agent": USER_AGENT}
        token = self.settings.token.get_secret_value()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        await self._post(self.settings.url, json=webhook_body(message), headers=headers)


class EmailChannel:
    """One e-mail per message through an SMTP server, STARTTLS first unless turned off."""

    name = "email"

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings
        self.timeout = settings.timeout_s
        self.retries = settings.retries

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.heading
        mail["From"] = self.settings.sender
        mail["To"] = ", ".join(self.settings.to)
        mail["Date"] = email.utils.formatdate(message.at)
        mail["Message-ID"] = email.utils.make_msgid("wattboard")
        mail["X-Wattboard-Event"] = f"{message.kind} {message.rule} {message.subject}"
        mail.set_content(f"{message.body}\n\n-- \nWattboard {message.site}, {iso(message.at)}\n")
        return mail

    async def send(self, message: Message) -> None:
        # smtplib blocks: it runs on a thread; its socket timeout bounds every step.
        mail = self.compose(message)
        try:
            await asyncio.to_thread(self._send, mail)
        except (smtplib.SMTPException, OSError) as err:
            raise ChannelError(f"{type(err).__name__}: {err}") from err

    def _send(self, mail: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
            if s.starttls:
                context = ssl.create_default_context(cafile=s.ca_file)
                smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password.get_secret_value())
            smtp.send_message(mail)


class MqttChannel:
    """Each message as the webhook's JSON on `<topic prefix>/alert` of the `[mqtt]` broker.

    Not retained (an old alert is no news to a client that connects later), QoS 1. One
    connection per message: alerts are rare, and the Home Assistant bridge's own connection
    may be the one that is down.
    """

    name = "mqtt"

    def __init__(self, settings: MqttSettings, site: str, timeout: float, retries: int) -> None:
        self.settings = settings
        self.topic = f"{settings.prefix(site)}/alert"
        self.timeout = timeout
        self.retries = retries

    async def send(self, message: Message) -> None:
        # aiomqtt is loaded only with [mqtt]; `Delivery` retries, so one attempt here.
        from wattboard.mqtt.link import Message as Publish  # noqa: PLC0415
        from wattboard.mqtt.link import MqttPublishError, publish_once  # noqa: PLC0415

        payload = json.dumps(webhook_body(message), ensure_ascii=False)
        try:
            await publish_once(self.settings, [Publish(self.topic, payload, qos=1)], attempts=1)
        except MqttPublishError as err:
            raise ChannelError(str(err)) from err


def build_channels(
    settings: AlertSettings,
    http: httpx.AsyncClient | None,
    mqtt: MqttSettings | None = None,
    site: str = "",
) -> list[Channel]:
    """Return a channel for each configured section of `[alerts]` (HTTP ones need `http`),
    and one for the `[mqtt]` broker when there is one and `[alerts] mqtt` is on."""
    channels: list[Channel] = []
    if settings.ntfy is not None and http is not None:
        channels.append(NtfyChannel(settings.ntfy, http))
    if settings.webhook is not None and http is not None:
        channels.append(WebhookChannel(settings.webhook, http))
    if settings.email is not None:
        channels.append(EmailChannel(settings.email))
    if mqtt is not None and settings.mqtt:
        channels.append(MqttChannel(mqtt, site, settings.mqtt_timeout_s, settings.mqtt_retries))
    return channels


async def attempt(channel: Channel, message: Message) -> None:
    """Send once within the channel's timeout; raise ChannelError on any failure."""
    try:
        # The timeout again around the whole send: an SMTP dialogue has many steps.
        async with asyncio.timeout(channel.timeout * 2):
            await channel.send(message)
    except TimeoutError as err:
        raise ChannelError(f"no answer within {channel.timeout * 2:.0f} s") from err
    except OSError as err:
        raise ChannelError(f"{type(err).__name__}: {err}") from err


class Delivery:
    """A channel's queue and the worker that empties it, retrying each message with backoff."""

    def __init__(self, channel: Channel, backoff: Backoff = RETRY) -> None:
        self.channel = channel
        self.backoff = backoff
        self._queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)
        self._episode = Episode(f"alert channel {self.channel.name}", log)
        self.sent = 0
        self.dropped = 0

    def put(self, message: Message) -> None:
        """Queue a message without waiting; the oldest waiting one goes when the queue is full."""
        if self._queue.full():
            old = self._queue.get_nowait()
            self._drop(old, "too many messages waiting")
        self._queue.put_nowait(message)

    async def work(self) -> None:
        """Deliver queued messages until cancelled."""
        while True:
            message = await self._queue.get()
            try:
                await self.deliver(message)
            except Exception:
                # A bug in one channel must not end `run` (its task group) with it.
                log.exception(
                    "alert channel %s: cannot send %r", self.channel.name, message.heading
                )

    async def deliver(self, message: Message) -> bool:
        """Send one message with the channel's retries; return whether it arrived."""
        for tries in range(self.channel.retries + 1):
            try:
                await attempt(self.channel, message)
            except ChannelError as err:
                self._episode.failed(err)
                if tries < self.channel.retries:
                    await self.backoff.sleep(self.backoff.delay(tries))
            else:
                self._episode.succeeded()
                self.sent += 1
                return True
        self._drop(message, self._episode.last_error)
        return False

    def _drop(self, message: Message, why: str) -> None:
        self.dropped += 1
        log.warning(
            "alert channel %s: gave up on %r (%s): %s",
            self.channel.name,
            message.heading,
            message.kind,
            why,
        )

    async def drain(self, seconds: float) -> None:
        """Deliver what is queued within `seconds` (at shutdown), each message tried once."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self._queue.empty():
                    message = self._queue.get_nowait()
                    with contextlib.suppress(ChannelError):
                        await attempt(self.channel, message)


async def send_test(channels: Sequence[Channel], message: Message) -> list[str | None]:
    """Send `message` once to each channel, all at once; return each error, or None if sent."""

    async def one(channel: Channel) -> str | None:
        try:
            await attempt(channel, message)
        except ChannelError as err:
            return str(err)
        return None

    return list(await asyncio.gather(*(one(c) for c in channels)))
