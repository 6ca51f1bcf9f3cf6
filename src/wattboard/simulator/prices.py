"""An Elering-compatible spot price endpoint beside the emulated meters (`simulate`, `demo`).

`GET /api/nps/price?start=<ISO 8601>&end=<ISO 8601>` answers as Elering does (end inclusive,
`{"success": true, "data": {"fi": [{"timestamp", "price" (EUR/MWh)}], "ee", "lv", "lt"}}`)
with the curves of `wattboard.prices.emulated`. Like the real market it publishes a delivery
day at 13:00 Brussels time the day before, by the emulator's clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from aiohttp import web

from wattboard.prices.elering import PATH
from wattboard.prices.emulated import emulated_prices
from wattboard.prices.fetcher import day_span, market_day, publication

AREAS: Final = ("fi", "ee", "lv", "lt")
MAX_DAYS: Final = 400  # Elering caps a request to about a year too


def published_until(now: float) -> int:
    """Return the end of the last delivery day published at `now`."""
    tomorrow = market_day(now) + timedelta(days=1)
    last = tomorrow if now >= publication(tomorrow) else tomorrow - timedelta(days=1)
    return day_span(last)[1]


class PriceEmulator:
    """Serves emulated day-ahead prices on host:port until stopped."""

    def __init__(
        self, clock: Callable[[], float], *, seed: int = 1, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.clock = clock
        self.seed = seed
        self.host = host
        self.port = port
        self.requests = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(PATH, self._prices)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        server = site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
        if self.port == 0 and isinstance(server, asyncio.Server):
            self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _prices(self, request: web.Request) -> web.Response:
        self.requests += 1
        try:
            start = _instant(request.query.get("start", ""))
            end = _instant(request.query.get("end", "")) + 1  # inclusive, to the millisecond
        except ValueError as err:
            return web.json_response({"success": False, "message": str(err)}, status=400)
        if end - start > MAX_DAYS * 86400:
            return web.json_response(
                {"success": False, "message": f"at most {MAX_DAYS} days per request"}, status=400
            )
        end = min(end, published_until(self.clock()))
        points = emulated_prices(start, end, seed=self.seed) if end > start else []
        rows = [{"timestamp": p.start, "price": round(p.price * 1000, 2)} for p in points]
        # One curve for the four areas: the emulated household lives in one of them.
        return web.json_response({"success": True, "data": dict.fromkeys(AREAS, rows)})


def _instant(text: str) -> int:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return int(moment.timestamp())
