"""Elering's NPS price API: day-ahead prices of FI, EE, LV and LT as JSON, no token.

`GET /api/nps/price?start=2025-09-30T21:00:00.000Z&end=2025-10-01T20:59:59.999Z` answers
`{"success": true, "data": {"fi": [{"timestamp": 1759266000, "price": 54.32}, ...], "ee": ...}}`:
per lower-case area, each period's start in epoch seconds and its price in EUR/MWh. Periods are
15 minutes from the delivery day 2025-10-01 and hourly before; the JSON does not say which, so
a period lasts until the next one, or as long as its neighbour at a gap and at the end.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from wattboard.energy.prices import HOUR, PERIOD_LENGTHS, QUARTER_HOUR, PricePoint, per_kwh
from wattboard.exceptions import PriceSourceError
from wattboard.prices.areas import ELERING_AREAS

if TYPE_CHECKING:
    import httpx

DEFAULT_URL: Final = "https://dashboard.elering.ee"
PATH: Final = "/api/nps/price"
# The first 15-minute delivery day of the Nordic and Baltic day-ahead market (CET midnight).
QUARTERS_FROM: Final = 1_759_269_600  # 2025-09-30T22:00Z = 2025-10-01 00:00 CET
MAX_BYTES: Final = 8 * 1024 * 1024


def default_length(ts: int) -> int:
    """Return the settlement period of the day-ahead market at `ts` (15 or 60 minutes)."""
    return QUARTER_HOUR if ts >= QUARTERS_FROM else HOUR


def parse_elering(data: bytes, area: str) -> list[PricePoint]:
    """Return the price periods of `area` (e.g. "FI") in an answer, oldest first."""
    if len(data) > MAX_BYTES:
        raise PriceSourceError(f"Elering answer of {len(data)} bytes is too large")
    try:
        body: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise PriceSourceError(f"Elering answer is not JSON: {err}") from None
    if not isinstance(body, dict) or body.get("success") is not True:
        raise PriceSourceError(f"Elering answered without success: {str(body)[:200]}")
    series = body.get("data")
    if not isinstance(series, dict):
        raise PriceSourceError("Elering answer: `data` is not an object of areas")
    rows = series.get(area.lower(), [])
    if not isinstance(rows, list):
        raise PriceSourceError(f"Elering answer: data.{area.lower()} is not a list")
    found = dict(_row(f"data.{area.lower()}[{index}]", row) for index, row in enumerate(rows))
    return _periods(found)


def _row(where: str, row: Any) -> tuple[int, float]:
    """Return the start and price per kWh of one period of the answer."""
    if not isinstance(row, dict):
        raise PriceSourceError(f"Elering answer: {where} is not an object")
    ts, price = row.get("timestamp"), row.get("price")
    if not isinstance(ts, int) or isinstance(ts, bool) or ts % QUARTER_HOUR:
        raise PriceSourceError(f"Elering answer: {where}.timestamp {ts!r} is not a quarter")
    if not isinstance(price, int | float) or isinstance(price, bool):
        raise PriceSourceError(f"Elering answer: {where}.price {price!r} is not a number")
    if not math.isfinite(price):
        raise PriceSourceError(f"Elering answer: {where}.price {price!r} is not finite")
    return ts, per_kwh(float(price))


def _periods(found: dict[int, float]) -> list[PricePoint]:
    stamps = sorted(found)
    points = []
    previous: int | None = None
    for index, ts in enumerate(stamps):
        step = stamps[index + 1] - ts if index + 1 < len(stamps) else None
        if step not in PERIOD_LENGTHS:
            # A gap or the last period: as long as the one before, or the market's length then.
            step = previous if previous is not None else default_length(ts)
        points.append(PricePoint(ts, ts + step, found[ts]))
        previous = step
    return points


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class EleringSource:
    """Day-ahead prices of FI, EE, LV or LT from Elering's dashboard API."""

    name: Final = "elering"

    def __init__(self, area: str, url: str | None = None) -> None:
        if area not in ELERING_AREAS:
            raise PriceSourceError(
                f"Elering has no prices of {area!r}; it has {', '.join(ELERING_AREAS)}"
            )
        self.area = area
        self.url = (url or DEFAULT_URL).rstrip("/") + PATH

    async def fetch(self, client: httpx.AsyncClient, start: int, end: int) -> list[PricePoint]:
        """Return the periods starting in `[start, end)`."""
        # `end` is inclusive at Elering: ask up to the last millisecond before it.
        params = {"start": _iso(start), "end": _iso(end - 1).replace(".000Z", ".999Z")}
        response = await client.get(self.url, params=params)
        if response.status_code != 200:
            raise PriceSourceError(f"Elering answered HTTP {response.status_code}")
        points = parse_elering(response.content, self.area)
        return [p for p in points if start <= p.start < end]
