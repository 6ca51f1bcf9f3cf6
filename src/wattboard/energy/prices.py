"""Spot prices of settlement periods (pure; no I/O)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A settlement period `[start, end)` (UTC epoch s, 900 or 3600 s) and its spot price.

    The price is in the site currency per kWh, excluding VAT; it may be negative.
    """

    start: int
    end: int
    price: float
