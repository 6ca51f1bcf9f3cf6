"""One cloud API for many homes: `?site=<id>` picks the home, each with its own token."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from wattboard.api.problems import problem
from wattboard.exceptions import InvalidInputError, WattboardError

# Builds the app of one site (its reader and token); raises InvalidInputError for no such site.
SiteApp = Callable[[str], Awaitable[ASGIApp]]


class SiteDispatcher:
    """Send each request to the app of the site its `site` query parameter names.

    Without the parameter a request goes to the default site. A site's app is built on its
    first request, so a home whose Pi has not synced yet does not keep the others from starting.
    """

    def __init__(self, default: ASGIApp, build: SiteApp, tokens: Mapping[str, str]) -> None:
        self.default = default
        self.build = build
        self.tokens = dict(tokens)
        self._apps: dict[str, ASGIApp] = {}
        self._lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site = _site_of(scope) if scope["type"] in ("http", "websocket") else None
        if site is None or scope.get("method") == "OPTIONS":  # CORS preflight: same for all
            await self.default(scope, receive, send)
            return
        if not self._token_ok(site, Headers(scope=scope)):
            # The token first, and one answer for a wrong token and an unknown site alike:
            # otherwise anyone could probe which site ids exist.
            detail = "send 'Authorization: Bearer <token of the site>'"
            await problem(401, "Unauthorized", detail)(scope, receive, send)
            return
        try:
            app = await self._app(site)
        except WattboardError as err:
            await problem(404, "Unknown site", str(err), "site")(scope, receive, send)
            return
        await app(scope, receive, send)

    def _token_ok(self, site: str, headers: Headers) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        # Compared even for an unknown site, so the answer takes as long either way.
        wanted = self.tokens.get(site, "\x00unknown site")
        same = hmac.compare_digest(given.encode(), wanted.encode())
        return scheme.lower() == "bearer" and same and site in self.tokens

    async def _app(self, site: str) -> ASGIApp:
        if site not in self.tokens:
            raise InvalidInputError("site", f"no site {site!r} on this server")
        async with self._lock:
            if site not in self._apps:
                self._apps[site] = await self.build(site)
            return self._apps[site]


def _site_of(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("site")
    return values[0] if values else None
