"""A local HTTP server answering like Elering's price API and ENTSO-E's A44, with faults.

It serves the prices it is given: Elering's JSON at `/api/nps/price` (start/end inclusive, as
there) and ENTSO-E's XML at `/api` (A03: a price equal to the previous one is omitted; "no
data" as an Acknowledgement with reason 999). `faults` is a queue of what the next requests
get instead: "500", "timeout" (an answer later than any test client waits), "empty".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from wattboard.energy.prices import PricePoint

TOKEN = "test-token-1234"
_NS = "urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3"
_ACK = "urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0"


@dataclass
class PriceServer:
    """The prices served and the requests seen; `url` is set once it listens."""

    prices: dict[int, PricePoint] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def publish(self, points: Sequence[PricePoint]) -> None:
        self.prices.update((p.start, p) for p in points)

    def between(self, start: int, end: int) -> list[PricePoint]:
        return [self.prices[s] for s in sorted(self.prices) if start <= s < end]

    async def _fault(self) -> tuple[web.Response | None, bool]:
        """Play the next fault: (an answer instead of the real one, or None; empty day?)."""
        fault = self.faults.pop(0) if self.faults else ""
        if fault == "timeout":
            await asyncio.sleep(1.5)  # longer than any test client waits (0.5 s)
        if fault in {"500", "timeout"}:
            return web.Response(status=500, text="Internal Server Error"), False
        return None, fault == "empty"

    async def elering(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        fault, empty = await self._fault()
        if fault is not None:
            return fault
        start = _iso(request.query["start"])
        end = _iso(request.query["end"]) + 1  # inclusive at Elering
        rows = [] if empty else self.between(start, end)
        data = [{"timestamp": p.start, "price": round(p.price * 1000, 2)} for p in rows]
        body = {"success": True, "data": {"fi": data, "ee": data, "lv": [], "lt": []}}
        return web.json_response(body)

    async def entsoe(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        if request.query.get("securityToken") != TOKEN:
            return web.Response(status=401, text="<html>Unauthorized</html>")
        fault, empty = await self._fault()
        if fault is not None:
            return fault
        start = _entsoe_time(request.query["periodStart"])
        end = _entsoe_time(request.query["periodEnd"])
        rows = [] if empty else self.between(start, end)
        if not rows:
            return web.Response(
                text=f'<Acknowledgement_MarketDocument xmlns="{_ACK}"><Reason><code>999</code>'
                "<text>No matching data found for Data item ENERGY_PRICES [12.1.D]</text>"
                "</Reason></Acknowledgement_MarketDocument>",
                content_type="application/xml",
            )
        return web.Response(text=_a44(rows), content_type="application/xml")


def _a44(rows: list[PricePoint]) -> str:
    """One TimeSeries per run of equal-length periods, A03-compressed."""
    series = []
    run: list[PricePoint] = []
    for point in [*rows, None]:
        if run and (point is None or point.start != run[-1].end or _len(point) != _len(run[0])):
            series.append(_series(run))
            run = []
        if point is not None:
            run.append(point)
    body = "".join(series)
    head = f'<Publication_MarketDocument xmlns="{_NS}"><type>A44</type>'
    return f"{head}{body}</Publication_MarketDocument>"


def _len(point: PricePoint) -> int:
    return point.end - point.start


def _series(run: list[PricePoint]) -> str:
    resolution = "PT15M" if _len(run[0]) == 900 else "PT60M"
    points = []
    previous = None
    for position, point in enumerate(run, start=1):
        if point.price != previous:
            amount = round(point.price * 1000, 2)
            points.append(f"<Point><position>{position}</position>"
                          f"<price.amount>{amount}</price.amount></Point>")  # fmt: skip
        previous = point.price
    return (
        "<TimeSeries><curveType>A03</curveType><Period><timeInterval>"
        f"<start>{_z(run[0].start)}</start><end>{_z(run[-1].end)}</end></timeInterval>"
        f"<resolution>{resolution}</resolution>{''.join(points)}</Period></TimeSeries>"
    )


def _z(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%MZ")


def _iso(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def _entsoe_time(text: str) -> int:
    return int(datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=UTC).timestamp())


@asynccontextmanager
async def running_price_server() -> AsyncIterator[PriceServer]:
    server = PriceServer()
    app = web.Application()
    app.router.add_get("/api/nps/price", server.elering)
    app.router.add_get("/api", server.entsoe)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
