"""The device side of digest authentication: challenges issued, answers checked.

See docs/shelly-wire.md, "Authentication".
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Final

from wattboard.shelly import digest

NONCE_LIFETIME: Final = 3600.0


@dataclass(slots=True)
class DigestGate:
    """Issues nonces and verifies HTTP `Authorization` headers and JSON-RPC `auth` objects.

    Firmware 1.x wants a fresh 401 round trip for every HTTP request, so an HTTP nonce is
    single-use unless `nonce_reuse` (firmware ≥ 2.0: reuse with a rising `nc`). On the
    JSON-RPC channel a nonce is reused with a rising `nc`, as aioshelly does over WebSocket.
    """

    realm: str
    password: str
    nonce_reuse: bool = False
    challenges: int = 0
    _issued: dict[str, float] = field(default_factory=dict)
    _last_nc: dict[str, int] = field(default_factory=dict)
    _ha1: str = ""

    def __post_init__(self) -> None:
        self._ha1 = digest.ha1(self.realm, self.password)

    def http_challenge(self) -> str:
        """Return a `WWW-Authenticate` value with a new nonce (hex, as Mongoose makes them)."""
        nonce = f"{int(time.time()):x}{secrets.randbelow(1 << 16):04x}"
        self._issue(nonce)
        return digest.challenge_header(self.realm, nonce)

    def rpc_challenge(self) -> str:
        """Return the JSON string sent as the `message` of a 401 error frame."""
        nonce = int(time.time()) * 1000 + secrets.randbelow(1000)
        self._issue(str(nonce))
        challenge = {
            "auth_type": "digest",
            "nonce": nonce,
            "nc": 1,
            "realm": self.realm,
            "algorithm": digest.ALGORITHM,
        }
        return json.dumps(challenge)

    def _issue(self, nonce: str) -> None:
        self.challenges += 1
        now = time.monotonic()
        self._issued = {n: t for n, t in self._issued.items() if now - t < NONCE_LIFETIME}
        self._issued[nonce] = now
        self._last_nc.pop(nonce, None)

    def check_header(self, header: str | None, method: str, uri: str) -> bool:
        """Verify an HTTP `Authorization: Digest ...` header for this request."""
        fields = digest.parse_header(header or "")
        nonce, nc_hex = fields.get("nonce", ""), fields.get("nc", "")
        if fields.get("username") != digest.USERNAME or fields.get("uri") != uri:
            return False
        if not self._fresh(nonce, _parse_nc(nc_hex, 16)):
            return False
        expected = digest.http_response(
            self._ha1,
            method=method,
            uri=uri,
            nonce=nonce,
            nc=nc_hex,
            cnonce=fields.get("cnonce", ""),
        )
        return self._accept(nonce, _parse_nc(nc_hex, 16), expected, fields.get("response", ""))

    def check_rpc(self, auth: Any) -> bool:
        """Verify the `auth` object of a JSON-RPC frame."""
        if not isinstance(auth, dict) or auth.get("username", digest.USERNAME) != digest.USERNAME:
            return False
        nonce, nc = str(auth.get("nonce", "")), auth.get("nc", 1)
        nc_value = _parse_nc(str(nc), 10)
        if auth.get("realm") != self.realm or not self._fresh(nonce, nc_value):
            return False
        expected = digest.rpc_response(
            self._ha1, nonce=nonce, nc=nc, cnonce=str(auth.get("cnonce", ""))
        )
        accepted = self._accept(nonce, nc_value, expected, str(auth.get("response", "")))
        if accepted:
            self._issued[nonce] = self._issued.get(nonce, time.monotonic())  # reusable here
        return accepted

    def _fresh(self, nonce: str, nc: int | None) -> bool:
        issued = self._issued.get(nonce)
        if issued is None or nc is None or time.monotonic() - issued >= NONCE_LIFETIME:
            return False
        return nc > self._last_nc.get(nonce, 0)

    def _accept(self, nonce: str, nc: int | None, expected: str, given: str) -> bool:
        if not hmac.compare_digest(expected, given):
            return False
        self._last_nc[nonce] = nc or 0
        return True

    def spend(self, nonce_header: str | None) -> None:
        """Forget an HTTP nonce after one use when the firmware does not allow reuse."""
        if self.nonce_reuse:
            return
        nonce = digest.parse_header(nonce_header or "").get("nonce", "")
        self._issued.pop(nonce, None)


def _parse_nc(text: str, base: int) -> int | None:
    try:
        return int(text, base)
    except ValueError:
        return None
