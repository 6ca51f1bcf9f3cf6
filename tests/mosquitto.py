"""A real MQTT broker for the tests: Debian's mosquitto on a free port, with a generated config.

Anonymous by default; `users` adds a password file (made with `mosquitto_passwd`), `tls` a
listener with a server certificate signed by a CA generated here with `openssl`. A subscriber
records what the broker delivers, for the tests to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiomqtt
import pytest

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


def have_mosquitto() -> bool:
    return Path(MOSQUITTO).is_file()


needs_mosquitto = pytest.mark.skipif(
    not have_mosquitto(), reason="mosquitto is not installed (.ci/run installs it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Certificates:
    ca: Path
    cert: Path
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """Generate a CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca = folder / "ca.key", folder / "ca.pem"
    key, csr, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    ext = folder / "san.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n", encoding="utf-8")
    commands = [
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            ca_key,
            "-out",
            ca,
            "-days",
            "2",
            "-subj",
            "/CN=Wattboard test CA",
        ],
        [
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            csr,
            "-subj",
            "/CN=127.0.0.1",
        ],
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-out",
            cert,
            "-days",
            "2",
            "-extfile",
            ext,
        ],
    ]
    for command in commands:
        subprocess.run([str(c) for c in command], check=True, capture_output=True, timeout=60)
    return Certificates(ca, cert, key)


@dataclass
class Broker:
    """One mosquitto process; `stop()` and `start()` again reuse its port and config."""

    folder: Path
    users: dict[str, str] = field(default_factory=dict)
    certificates: Certificates | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def _config(self) -> Path:
        lines = [f"listener {self.port} 127.0.0.1"]
        if os.geteuid() == 0:
            # Started as root, mosquitto would switch to its own user, who cannot read the
            # test's private temporary folder.
            lines.append(f"user {pwd.getpwuid(0).pw_name}")
        if self.users:
            passwords = self.folder / "passwords"
            passwords.write_text("", encoding="utf-8")
            for user, password in self.users.items():
                subprocess.run(
                    [MOSQUITTO_PASSWD, "-b", str(passwords), user, password],
                    check=True,
                    capture_output=True,
                    timeout=30,
                )
            passwords.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            lines.append("allow_anonymous true")
        if self.certificates is not None:
            c = self.certificates
            lines += [f"cafile {c.ca}", f"certfile {c.cert}", f"keyfile {c.key}"]
        config = self.folder / "mosquitto.conf"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return config

    def start(self, timeout: float = 10.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        config = self._config()
        log = (self.folder / "mosquitto.log").open("ab")
        with log:
            self.process = subprocess.Popen(
                [MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        log_text = (self.folder / "mosquitto.log").read_text(encoding="utf-8", errors="replace")
        raise RuntimeError(f"mosquitto did not start on port {self.port}: {log_text}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def running(broker: Broker):
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@dataclass
class Received:
    """Every message delivered to the recorder, in order."""

    messages: list[tuple[str, str, bool]] = field(default_factory=list)

    def payloads(self, topic: str) -> list[str]:
        return [payload for t, payload, _ in self.messages if t == topic]

    def last(self, topic: str) -> str | None:
        found = self.payloads(topic)
        return found[-1] if found else None

    def topics(self, prefix: str = "") -> set[str]:
        return {t for t, _, _ in self.messages if t.startswith(prefix)}


@contextlib.asynccontextmanager
async def recorder(port: int, topic: str = "#", **options: object) -> AsyncIterator[Received]:
    """Subscribe to `topic` on the broker at `port` and record what arrives."""
    received = Received()
    async with aiomqtt.Client("127.0.0.1", port, timeout=10, **options) as client:  # type: ignore[arg-type]
        await client.subscribe(topic)

        async def listen() -> None:
            async for message in client.messages:
                payload = message.payload
                text = payload.decode() if isinstance(payload, bytes) else str(payload)
                received.messages.append((str(message.topic), text, bool(message.retain)))

        task = asyncio.create_task(listen())
        try:
            yield received
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def wait_for(condition, timeout: float = 10.0, step: float = 0.05) -> None:  # noqa: ASYNC109 - a deadline for polling, the tests read it better
    """Wait until `condition()` is true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)
