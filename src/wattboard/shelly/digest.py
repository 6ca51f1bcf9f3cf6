"""Digest authentication as a Shelly Gen2 device does it (SHA-256, user `admin`).

See docs/shelly-wire.md, "Authentication".
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

USERNAME: Final = "admin"
ALGORITHM: Final = "SHA-256"
RPC_HA2_INPUT: Final = "dummy_method:dummy_uri"
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]+))')


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ha1(realm: str, password: str) -> str:
    """Return SHA256("admin:<realm>:<password>"), as `Shelly.SetAuth` stores it."""
    return sha256_hex(f"{USERNAME}:{realm}:{password}")


def http_response(ha1_hex: str, *, method: str, uri: str, nonce: str, nc: str, cnonce: str) -> str:
    """Return the `response` of an HTTP `Authorization: Digest` header (qop=auth)."""
    ha2 = sha256_hex(f"{method}:{uri}")
    return sha256_hex(f"{ha1_hex}:{nonce}:{nc}:{cnonce}:auth:{ha2}")


def rpc_response(ha1_hex: str, *, nonce: int | str, nc: int | str, cnonce: str) -> str:
    """Return the `response` of a JSON-RPC `auth` object; HA2 is a constant there."""
    ha2 = sha256_hex(RPC_HA2_INPUT)
    return sha256_hex(f"{ha1_hex}:{nonce}:{nc}:{cnonce}:auth:{ha2}")


def parse_header(value: str) -> dict[str, str]:
    """Parse `Digest k="v", k2=v2` (WWW-Authenticate or Authorization) into a dict."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return {}
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(rest)
    }


def challenge_header(realm: str, nonce: str) -> str:
    return f'Digest qop="auth", realm="{realm}", nonce="{nonce}", algorithm={ALGORITHM}'


def authorization_header(
    realm: str, password: str, *, method: str, uri: str, nonce: str, nc: int, cnonce: str
) -> str:
    """Build the `Authorization` header a client sends after a 401 challenge."""
    nc_hex = f"{nc:08x}"
    response = http_response(
        ha1(realm, password), method=method, uri=uri, nonce=nonce, nc=nc_hex, cnonce=cnonce
    )
    return (
        f'Digest username="{USERNAME}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
        f'algorithm={ALGORITHM}, response="{response}", qop=auth, nc={nc_hex}, cnonce="{cnonce}"'
    )
