"""ENTSO-E Transparency Platform day-ahead prices: document type A44 (XML).

A `Publication_MarketDocument` holds TimeSeries, each with Periods: a `timeInterval` (UTC),
a `resolution` (`PT15M`, `PT60M`) and Points numbered from 1 with a `price.amount` in EUR/MWh.
Curve type A03 (the default for day-ahead since 2024) omits a point whose price equals the
previous one; the omitted positions, up to the period's end, repeat the last price. "No data"
is an `Acknowledgement_MarketDocument` (reason 999, "No matching data found ..."), which is an
empty answer, not an error. Elements are matched by local name: the namespace's version
changes between document revisions (7:0, 7:3).

The documents are parsed with the standard library: expat resolves no external entities and
since 2.4.1 refuses entity expansion attacks, and an answer is size-capped before parsing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Final

import httpx

from wattboard.energy.prices import PERIOD_LENGTHS, PricePoint, per_kwh
from wattboard.exceptions import PriceSourceError
from wattboard.prices.areas import ENTSOE_AREAS

DEFAULT_URL: Final = "https://web-api.tp.entsoe.eu/api"
RESOLUTIONS: Final = {"PT15M": 900, "PT60M": 3600, "PT1H": 3600}
NO_DATA: Final = "999"
MAX_BYTES: Final = 8 * 1024 * 1024  # a year of quarter hours is about 4 MB
_TIME: Final = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\dZ$")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element, *path: str) -> str:
    node: ET.Element | None = element
    for name in path:
        node = None if node is None else _child(node, name)
    if node is None or node.text is None:
        raise PriceSourceError(f"ENTSO-E document: missing {'/'.join(path)}")
    return node.text.strip()


def _instant(text: str) -> int:
    if not _TIME.match(text):
        raise PriceSourceError(f"ENTSO-E document: {text!r} is not a UTC time (2025-10-01T22:00Z)")
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC).timestamp())


def parse_a44(data: bytes) -> list[PricePoint]:
    """Return the price periods of an A44 document (or none for a "no data" acknowledgement).

    Overlapping series (a zone publishing both 15-minute and hourly prices) keep the finer one.
    """
    if len(data) > MAX_BYTES:
        raise PriceSourceError(f"ENTSO-E answer of {len(data)} bytes is too large")
    try:
        root = ET.fromstring(data)  # noqa: S314 - see the module docstring
    except ET.ParseError as err:
        raise PriceSourceError(f"ENTSO-E answer is not XML: {err}") from None
    kind = _local(root.tag)
    if kind == "Acknowledgement_MarketDocument":
        reason = _child(root, "Reason")
        code = _text(reason, "code") if reason is not None else ""
        has_text = reason is not None and _child(reason, "text") is not None
        text = _text(reason, "text") if reason is not None and has_text else ""
        if code == NO_DATA and "no matching data" in text.lower():
            return []
        raise PriceSourceError(f"ENTSO-E refused the request: {code} {text}".strip())
    if kind != "Publication_MarketDocument":
        raise PriceSourceError(f"ENTSO-E answer is a {kind}, not a Publication_MarketDocument")
    points: list[PricePoint] = []
    for series in _children(root, "TimeSeries"):
        curve = _child(series, "curveType")
        filled = curve is not None and (curve.text or "").strip() == "A03"
        for period in _children(series, "Period"):
            points += _period_points(period, filled=filled)
    return _finest(points)


def _period_points(period: ET.Element, *, filled: bool) -> list[PricePoint]:
    start = _instant(_text(period, "timeInterval", "start"))
    end = _instant(_text(period, "timeInterval", "end"))
    resolution = _text(period, "resolution")
    step = RESOLUTIONS.get(resolution)
    if step is None or step not in PERIOD_LENGTHS:
        raise PriceSourceError(f"ENTSO-E document: unsupported resolution {resolution!r}")
    count = (end - start) // step
    if end <= start or (end - start) % step:
        raise PriceSourceError(f"ENTSO-E document: a period of {end - start} s at {resolution}")
    prices: dict[int, float] = {}
    for point in _children(period, "Point"):
        try:
            position = int(_text(point, "position"))
            prices[position] = per_kwh(float(_text(point, "price.amount")))
        except ValueError as err:
            raise PriceSourceError(f"ENTSO-E document: a bad point ({err})") from None
        if not 1 <= position <= count:
            raise PriceSourceError(f"ENTSO-E document: position {position} outside 1..{count}")
    result = []
    last: float | None = None
    for position in range(1, count + 1):
        price = prices.get(position)
        if price is None and filled:
            price = last  # A03: an omitted position repeats the previous price
        if price is not None:
            begin = start + (position - 1) * step
            result.append(PricePoint(begin, begin + step, price))
            last = price
    return result


def _finest(points: list[PricePoint]) -> list[PricePoint]:
    """Sort by start; where periods overlap keep the shorter (the finer series)."""
    kept: list[PricePoint] = []
    taken: list[tuple[int, int]] = []
    for point in sorted(points, key=lambda p: (p.end - p.start, p.start)):
        if not any(point.start < end and start < point.end for start, end in taken):
            kept.append(point)
            taken.append((point.start, point.end))
    return sorted(kept, key=lambda p: p.start)


def _stamp(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%d%H%M")


class EntsoeSource:
    """Day-ahead prices of one bidding zone from the Transparency Platform's REST API."""

    name: Final = "entsoe"

    def __init__(self, area: str, token: str, url: str | None = None) -> None:
        if area not in ENTSOE_AREAS:
            raise PriceSourceError(f"ENTSO-E has no bidding zone {area!r}")
        self.area = area
        self.eic = ENTSOE_AREAS[area]
        self._token = token
        self.url = url or DEFAULT_URL

    async def fetch(self, client: httpx.AsyncClient, start: int, end: int) -> list[PricePoint]:
        """Return the periods starting in `[start, end)` (whole UTC minutes)."""
        params = {
            "documentType": "A44",
            "contract_MarketAgreement.type": "A01",  # day-ahead, not intraday
            "in_Domain": self.eic,
            "out_Domain": self.eic,
            "periodStart": _stamp(start),
            "periodEnd": _stamp(end),
            "securityToken": self._token,
        }
        try:
            response = await client.get(self.url, params=params)
        except httpx.RequestError as err:
            # The request's URL holds the token: never let it into a message or a log.
            text = str(err).replace(self._token, "***") if self._token else str(err)
            raise type(err)(text) from None
        # "No data" comes as an acknowledgement with status 200 (or 400 on some days).
        if response.status_code == 401:
            raise PriceSourceError("ENTSO-E refused the security token ([prices] token)")
        if response.status_code >= 500:
            raise PriceSourceError(f"ENTSO-E answered HTTP {response.status_code}")
        if response.status_code not in {200, 400}:
            raise PriceSourceError(f"ENTSO-E answered HTTP {response.status_code}")
        points = parse_a44(response.content)
        return [p for p in points if start <= p.start < end]
