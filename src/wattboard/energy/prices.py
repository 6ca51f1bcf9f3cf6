"""Spot prices: one price per settlement period (pure; no I/O, no clock).

A period is `[start, end)` in UTC epoch seconds, 15 minutes (the day-ahead market since
2025-10-01) or an hour (before), and its price is in the site currency per kWh, excluding VAT.
Prices may be negative. Sources give EUR/MWh; `per_kwh` converts.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from wattboard.exceptions import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

QUARTER_HOUR: Final = 900
HOUR: Final = 3600
PERIOD_LENGTHS: Final = (QUARTER_HOUR, HOUR)


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A settlement period `[start, end)` (UTC epoch s) and its spot price per kWh, excl. VAT."""

    start: int
    end: int
    price: float


def covering(points: Sequence[PricePoint], ts: int) -> PricePoint | None:
    """Return the period of `points` (sorted by start) that contains epoch second `ts`."""
    index = bisect_right([p.start for p in points], ts) - 1
    if index >= 0 and ts < points[index].end:
        return points[index]
    return None


def per_kwh(per_mwh: float) -> float:
    """Return a price per MWh as a price per kWh."""
    return per_mwh / 1000.0


def check_point(point: PricePoint, field: str = "prices") -> PricePoint:
    """Return `point` when it is a whole 15-minute or hourly period with a finite price.

    The error names `field` and the period, so a bad row of a file or a feed can be found.
    """
    length = point.end - point.start
    if length not in PERIOD_LENGTHS:
        raise InvalidInputError(
            field, f"the period starting at {point.start} lasts {length} s, not 900 or 3600"
        )
    if point.start % QUARTER_HOUR:
        raise InvalidInputError(
            field, f"the period starting at {point.start} does not start on a quarter hour"
        )
    if not math.isfinite(point.price):
        raise InvalidInputError(field, f"the period starting at {point.start} has no price")
    return point


def check_points(points: Iterable[PricePoint], field: str = "prices") -> list[PricePoint]:
    """Return the checked points sorted by start; overlapping periods are refused."""
    ordered = sorted((check_point(p, field) for p in points), key=lambda p: p.start)
    for index in range(1, len(ordered)):
        before, after = ordered[index - 1], ordered[index]
        if after.start < before.end:
            raise InvalidInputError(
                field,
                f"the periods starting at {before.start} and {after.start} overlap",
            )
    return ordered
