"""Plausible day-ahead spot prices for `simulate` and `demo` (pure: no I/O, no clock, no numpy).

A period's price depends only on the seed and the period itself, so every request, restart
and range gives the same curve. The shape, in the market's local time, per kWh excl. VAT:

- a level per day (a few cents, drifting from day to day, higher in winter);
- cheap nights (00–06), a morning peak (07–09) and a higher evening peak (17–20);
- a midday dip on sunny days, below zero on sunny weekend middays from April to September,
  when solar output meets a low weekend demand;
- a little noise per period.

Periods are 15 minutes from 2025-10-01 (CET), hourly before, as on the real market.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from wattboard.energy.prices import HOUR, QUARTER_HOUR, PricePoint
from wattboard.prices.elering import QUARTERS_FROM

DEFAULT_ZONE: Final = ZoneInfo("Europe/Helsinki")
_MASK: Final = (1 << 64) - 1
WEEKEND: Final = 5  # Saturday's weekday()
SUNNY_MONTHS: Final = range(4, 10)


def _unit(*values: int) -> float:
    """Return a deterministic number in [0, 1) from integers (splitmix64)."""
    state = 0x9E3779B97F4A7C15
    for value in values:
        state = (state + (value & _MASK) + 0x9E3779B97F4A7C15) & _MASK
        state = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        state = ((state ^ (state >> 27)) * 0x94D049BB133111EB) & _MASK
        state ^= state >> 31
    return state / 2.0**64


def period_length(ts: int) -> int:
    """Return the market's settlement period at `ts`: 15 minutes from 2025-10-01, else an hour."""
    return QUARTER_HOUR if ts >= QUARTERS_FROM else HOUR


def emulated_price(ts: int, *, seed: int = 1, zone: ZoneInfo = DEFAULT_ZONE) -> float:
    """Return the emulated spot price per kWh of the period starting at `ts`."""
    moment = datetime.fromtimestamp(ts, zone)
    day = moment.toordinal()
    hour = moment.hour + moment.minute / 60.0
    winter = math.cos((moment.timetuple().tm_yday - 15) / 365.25 * 2 * math.pi)  # 1 mid-January
    level = 0.045 + 0.02 * winter + 0.03 * (_unit(seed, day) - 0.5)
    shape = (
        -0.5 * _bump(hour, 3.5, 2.5)  # night
        + 0.9 * _bump(hour, 8.0, 1.2)  # morning peak
        + 1.3 * _bump(hour, 18.5, 1.6)  # evening peak
    )
    price = level * (1.0 + shape)
    sunny = _unit(seed, day, 7) < 0.55 and moment.month in SUNNY_MONTHS
    if sunny:
        midday = _bump(hour, 13.0, 2.0)
        price -= 0.85 * level * midday
        if moment.weekday() >= WEEKEND:
            price -= 0.012 * midday  # solar meets a weekend's low demand: below zero
    price += 0.004 * (_unit(seed, ts) - 0.5)
    return round(price, 5)


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-(((hour - centre) / width) ** 2))


def emulated_prices(
    start: int, end: int, *, seed: int = 1, zone: ZoneInfo = DEFAULT_ZONE
) -> list[PricePoint]:
    """Return the emulated periods starting in `[start, end)`, oldest first."""
    ts = start - start % QUARTER_HOUR
    if period_length(ts) == HOUR:
        ts -= ts % HOUR
    points = []
    while ts < end:
        length = period_length(ts)
        if ts >= start:
            points.append(PricePoint(ts, ts + length, emulated_price(ts, seed=seed, zone=zone)))
        ts += length
    return points
