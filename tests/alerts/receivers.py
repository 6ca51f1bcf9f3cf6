"""Real servers the alert channels talk to: an ntfy-like HTTP receiver and an SMTP server.

The HTTP receiver takes any POST and records it (ntfy topics and webhooks alike); it can answer
503 to the next few requests, or hold them unanswered, to play a channel that is down. The SMTP
server is aiosmtpd with STARTTLS required, a self-signed certificate made by `openssl` for the
test, and a login.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

SMTP_USER = "alerts@example.org"
SMTP_PASSWORD = "s3cret-smtp"


@dataclass(slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(slots=True)
class HttpReceiver:
    url: str
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0  # answer 503 to this many requests
    hang: bool = False  # never answer
    attempts: int = 0

    def on(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


@asynccontextmanager
async def http_receiver() -> AsyncIterator[HttpReceiver]:
    receiver = HttpReceiver("")

    async def take(request: web.Request) -> web.Response:
        receiver.attempts += 1
        if receiver.hang:
            await asyncio.Event().wait()
        if receiver.fail_next > 0:
            receiver.fail_next -= 1
            return web.Response(status=503, text="busy")
        receiver.received.append(
            Received(request.path, dict(request.headers), await request.read())
        )
        return web.json_response({"id": str(len(receiver.received))})

    app = web.Application()
    app.router.add_post("/{tail:.*}", take)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        await runner.cleanup()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """Write a certificate for 127.0.0.1 and localhost and its key; return their paths."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@dataclass(slots=True)
class Mailbox:
    host: str
    port: int
    ca_file: Path
    mails: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's handler hook name
        self, server: object, session: Session, envelope: Envelope
    ) -> str:
        del server
        self.tls.append(session.ssl is not None)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        content = envelope.original_content or b""
        self.mails.append(message_from_bytes(content))
        return "250 OK"

    def authenticate(
        self, server: object, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        del server, session, envelope, mechanism
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == SMTP_USER
            and data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            self.logins.append(SMTP_USER)
        return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(folder: Path) -> Iterator[Mailbox]:
    """An SMTP server on a free port that requires STARTTLS before MAIL and AUTH."""
    cert, key = self_signed(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox("127.0.0.1", _free_port(), cert)
    controller = Controller(
        box,
        hostname=box.host,
        port=box.port,
        tls_context=context,
        require_starttls=True,
        authenticator=box.authenticate,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
