"""One link to the broker of `[mqtt]`: connects, reconnects with backoff, and publishes.

`MqttLink` keeps a connection for a long-running part (the Home Assistant bridge); `publish_once`
sends one message and disconnects (an alert, a test message). Neither ever raises into its
caller's loop on a broker problem: a link that is down drops live figures (fresh ones follow)
and logs the outage once per episode.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from wattboard.backoff import Backoff
from wattboard.collector.episodes import Episode
from wattboard.exceptions import WattboardError

if TYPE_CHECKING:
    import aiomqtt

    from wattboard.config import MqttSettings

log = logging.getLogger(__name__)
CONNECT_TIMEOUT: Final = 10.0  # seconds for the TCP (and TLS) connect and the broker's CONNACK
PUBLISH_TIMEOUT: Final = 5.0  # seconds for a broker to take one message
KEEPALIVE: Final = 30  # seconds; the broker sends the last will this long (x1.5) after a loss
# A broker down for a while is retried every minute, not hammered.
BROKER_BACKOFF: Final = Backoff(base=1.0, cap=60.0)
# CONNACK codes of a refused login: MQTT 3.1.1 (4, 5) and their MQTT 5 reason codes (134, 135).
_LOGIN_REFUSED: Final = frozenset({4, 5, 134, 135})


class MqttPublishError(WattboardError):
    """A message could not be handed to the broker (unreachable, refused, timed out)."""


@dataclass(frozen=True, slots=True)
class Message:
    """A message to publish."""

    topic: str
    payload: str
    retain: bool = False
    qos: int = 0

    async def send(self, client: aiomqtt.Client) -> None:
        """Publish on a connected client, within `PUBLISH_TIMEOUT`."""
        await client.publish(
            self.topic, self.payload, qos=self.qos, retain=self.retain, timeout=PUBLISH_TIMEOUT
        )


OnConnect = Callable[[], Awaitable[None]]
OnMessage = Callable[[str, bytes], Awaitable[None]]


def broker_name(settings: MqttSettings) -> str:
    scheme = "mqtts" if settings.tls else "mqtt"
    return f"{scheme}://{settings.host}:{settings.broker_port}"


def explain(err: Exception) -> str:
    """Say what went wrong in words a user can act on."""
    rc = getattr(err, "rc", None)
    code = getattr(rc, "value", rc)
    if isinstance(code, int) and code in _LOGIN_REFUSED:
        return (
            f"the broker refused the login ({err}); check [mqtt] username and "
            "password (or password_env)"
        )
    if isinstance(err.__cause__, ssl.SSLError) or "CERTIFICATE" in str(err).upper():
        return f"TLS failed ({err}); check [mqtt] ca_file and the broker's certificate"
    return str(err) or type(err).__name__


def tls_context(settings: MqttSettings) -> ssl.SSLContext | None:
    """Return the TLS context of `[mqtt]` (reads the CA file: call it off the event loop)."""
    if not settings.tls:
        return None
    cafile = str(settings.ca_file) if settings.ca_file is not None else None
    return ssl.create_default_context(cafile=cafile)


def _client(
    settings: MqttSettings,
    context: ssl.SSLContext | None,
    *,
    will: Message | None = None,
    identifier: str | None = None,
) -> aiomqtt.Client:
    # aiomqtt (and paho-mqtt under it) is imported only when a broker is configured.
    import aiomqtt  # noqa: PLC0415

    return aiomqtt.Client(
        settings.host,
        settings.broker_port,
        username=settings.username or None,
        password=settings.password.get_secret_value() or None,
        identifier=identifier,
        will=None
        if will is None
        else aiomqtt.Will(will.topic, will.payload, qos=will.qos, retain=will.retain),
        timeout=CONNECT_TIMEOUT,
        keepalive=KEEPALIVE,
        tls_context=context,
    )


class MqttLink:
    """A lasting connection to the broker, re-established with backoff until told to stop.

    `on_connect` runs after every (re)connection (a birth message, discovery), `on_message`
    for each message on `subscriptions`, and `on_stop` just before a clean disconnect (to say
    "offline" where the last will would otherwise have to). `publish` never raises.
    """

    def __init__(
        self,
        settings: MqttSettings,
        *,
        identifier: str | None = None,
        will: Message | None = None,
        subscriptions: Sequence[str] = (),
        on_connect: OnConnect | None = None,
        on_message: OnMessage | None = None,
        on_stop: OnConnect | None = None,
        backoff: Backoff = BROKER_BACKOFF,
    ) -> None:
        self.settings = settings
        self.identifier = identifier
        self.will = will
        self.subscriptions = tuple(subscriptions)
        self.on_connect = on_connect
        self.on_message = on_message
        self.on_stop = on_stop
        self.backoff = backoff
        self.connections = 0  # successful connections so far (tests, diagnostics)
        self.published = 0
        self._client: aiomqtt.Client | None = None
        self._episode = Episode(f"MQTT broker {broker_name(settings)}", log)

    @property
    def connected(self) -> bool:
        return self._client is not None

    @property
    def failing(self) -> bool:
        return self._episode.failing

    async def publish(self, message: Message) -> bool:
        """Hand `message` to the broker; False when not connected or it failed (never raises)."""
        import aiomqtt  # noqa: PLC0415 - loaded by run() already; see _client

        client = self._client
        if client is None:
            return False
        try:
            await message.send(client)
        except aiomqtt.MqttError as err:
            # The connection is going; the message loop notices and reconnects.
            log.debug("MQTT publish to %s failed: %s", message.topic, err)
            return False
        self.published += 1
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Stay connected until `stop` is set; every loss is retried after the backoff."""
        import aiomqtt  # noqa: PLC0415 - see _client

        try:
            context = await asyncio.to_thread(tls_context, self.settings)
        except (ssl.SSLError, OSError) as err:
            # A CA file that is no certificate will not become one: say so once and stay off
            # (collection and the API go on).
            log.error(  # noqa: TRY400 - one line: a traceback would say nothing more
                "MQTT disabled: cannot use [mqtt] ca_file %s: %s", self.settings.ca_file, err
            )
            return
        attempt = 0
        while not stop.is_set():
            try:
                client = _client(self.settings, context, will=self.will, identifier=self.identifier)
                async with client:
                    attempt = 0
                    await self._connected(client, stop)
            except aiomqtt.MqttError as err:
                self._episode.failed(_Explained(explain(err)))
            finally:
                self._client = None
            if stop.is_set():
                break
            await _wait(stop, self.backoff.delay(attempt))
            attempt += 1

    async def _connected(self, client: aiomqtt.Client, stop: asyncio.Event) -> None:
        for topic in self.subscriptions:
            await client.subscribe(topic, timeout=PUBLISH_TIMEOUT)
        self._client = client
        self.connections += 1
        self._episode.succeeded()
        log.info("MQTT: connected to %s", broker_name(self.settings))
        if self.on_connect is not None:
            await self.on_connect()
        messages = asyncio.ensure_future(self._receive(client))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({messages, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not messages.done():
                messages.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await messages
        if stop.is_set() and self.on_stop is not None:
            await self.on_stop()
        # A lost connection ends the message loop with MqttError: raised here, it is retried.
        error = messages.exception() if messages.done() and not messages.cancelled() else None
        if error is not None:
            raise error

    async def _receive(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            if self.on_message is not None:
                payload = message.payload
                body = payload if isinstance(payload, bytes) else str(payload).encode()
                await self.on_message(str(message.topic), body)


class _Explained(Exception):  # noqa: N818 - only carries a message into the episode log
    """An error already put in words."""


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def publish_once(
    settings: MqttSettings, messages: Sequence[Message], *, attempts: int = 3
) -> None:
    """Connect, publish `messages`, disconnect; retried with backoff, then MqttPublishError.

    For one-off senders (an alert channel, a test message) that keep no connection.
    """
    import aiomqtt  # noqa: PLC0415 - see _client

    try:
        context = await asyncio.to_thread(tls_context, settings)
    except (ssl.SSLError, OSError) as err:
        raise MqttPublishError(f"cannot use [mqtt] ca_file {settings.ca_file}: {err}") from err
    for attempt in range(attempts):
        try:
            async with _client(settings, context) as client:
                for message in messages:
                    await message.send(client)
        except aiomqtt.MqttError as err:
            if attempt + 1 == attempts:
                raise MqttPublishError(
                    f"MQTT broker {broker_name(settings)}: {explain(err)}"
                ) from err
            await BROKER_BACKOFF.sleep(BROKER_BACKOFF.delay(attempt))
        else:
            return
