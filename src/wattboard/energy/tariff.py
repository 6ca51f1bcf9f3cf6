"""Tariffs: what a kWh imported or exported costs, and the monthly fees (pure; no I/O).

See the README, "Money". A tariff is a list of per-kWh components (import and export), each
a fixed price or the settlement period's spot price plus a margin, optionally replaced by a
time-of-use window's price, each with its own VAT rate; and monthly fees. A site keeps a list of
tariffs, each valid from a local date until the next one's: a period is priced with the tariff
valid at its start, in the site's zone, so a tariff change never applies backwards.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from wattboard.energy.periods import local_midnight

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from zoneinfo import ZoneInfo

DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")


@dataclass(frozen=True, slots=True)
class Window:
    """A time-of-use window: local `[start, end)` minutes of the day on some weekdays and months.

    `end` may be before `start`: a window 22:00–07:00 wraps past midnight. Weekday and month are
    those of the wall time checked, so 22:00–07:00 on "mon-fri" covers Monday 00:00–07:00 too
    and not Saturday's early hours. Wall times are local: on a day whose clocks change, a
    window 07:00–22:00 still starts at 07:00 local and lasts 15 hours of that day.
    """

    days: frozenset[int]  # 0 = Monday
    months: frozenset[int]  # 1 = January
    start: int  # minutes after local midnight
    end: int
    price: float

    def covers(self, local: datetime) -> bool:
        """Say whether the wall time `local` lies in this window."""
        if local.weekday() not in self.days or local.month not in self.months:
            return False
        minute = local.hour * 60 + local.minute
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


@dataclass(frozen=True, slots=True)
class Component:
    """A per-kWh part of the price: fixed, or spot plus `price`; VAT in percent on top."""

    name: str
    price: float
    vat: float = 0.0
    spot: bool = False
    windows: tuple[Window, ...] = ()

    def unit_price(self, local: datetime, spot: float | None) -> float | None:
        """Return the price per kWh incl. VAT at wall time `local`; None when spot is missing."""
        base = self.price
        for window in self.windows:
            if window.covers(local):
                base = window.price
                break
        if self.spot:
            if spot is None:
                return None
            base += spot
        return base * (1.0 + self.vat / 100.0)


@dataclass(frozen=True, slots=True)
class Fee:
    """A fixed fee per month, with VAT in percent."""

    name: str
    price: float
    vat: float = 0.0

    @property
    def gross(self) -> float:
        return self.price * (1.0 + self.vat / 100.0)


@dataclass(frozen=True, slots=True)
class Tariff:
    """Import and export components and monthly fees, valid from a local date."""

    valid_from: date
    currency: str
    imports: tuple[Component, ...] = ()
    exports: tuple[Component, ...] = ()
    monthly_fees: tuple[Fee, ...] = ()

    @property
    def monthly_total(self) -> float:
        """Return the monthly fees incl. VAT."""
        return sum(fee.gross for fee in self.monthly_fees)

    def prices(self, local: datetime, spot: float | None) -> tuple[float | None, float | None]:
        """Return the full import and export price per kWh of a period starting at `local`.

        Each is None when one of its components needs the spot price and `spot` is None: an
        unpriced period is never priced as zero.
        """
        return _sum(self.imports, local, spot), _sum(self.exports, local, spot)


def _sum(components: Sequence[Component], local: datetime, spot: float | None) -> float | None:
    result = 0.0
    for component in components:
        price = component.unit_price(local, spot)
        if price is None:
            return None
        result += price
    return result


class TariffBook:
    """A site's tariffs in force one after another, in its zone."""

    def __init__(self, tariffs: Sequence[Tariff], zone: ZoneInfo) -> None:
        self.tariffs = sorted(tariffs, key=lambda t: t.valid_from)
        self.zone = zone
        self.starts = [local_midnight(t.valid_from, zone) for t in self.tariffs]
        currencies = {t.currency for t in self.tariffs}
        if len(currencies) > 1:
            raise ValueError(f"all tariffs must share one currency, got {sorted(currencies)}")
        self.currency: str | None = self.tariffs[0].currency if self.tariffs else None

    def __bool__(self) -> bool:
        return bool(self.tariffs)

    def at(self, ts: int) -> Tariff | None:
        """Return the tariff valid at epoch second `ts` (None before the first one)."""
        index = bisect_right(self.starts, ts) - 1
        return self.tariffs[index] if index >= 0 else None

    def next_change(self, ts: int) -> int | None:
        """Return when the next tariff after the one valid at `ts` starts."""
        index = bisect_right(self.starts, ts)
        return self.starts[index] if index < len(self.starts) else None

    def prices(self, start: int, spot: float | None) -> tuple[float | None, float | None]:
        """Return the full import and export price per kWh of a period starting at `start`.

        Before the first tariff nothing is priced (None, None).
        """
        tariff = self.at(start)
        if tariff is None:
            return None, None
        return tariff.prices(datetime.fromtimestamp(start, self.zone), spot)

    def fees(self, start: int, end: int) -> float:
        """Return the monthly fees incl. VAT falling on `[start, end)`, pro rata by time.

        A month's fee is shared equally among its days and a day's share by the seconds of the
        day covered, so days, hours and months add up to the month's fee (a 23-hour day's hours
        carry a 23rd of its share each).
        """
        total = 0.0
        ts = start
        while ts < end:
            local = datetime.fromtimestamp(ts, self.zone).date()
            first = local.replace(day=1)
            month_start = local_midnight(first, self.zone)
            following = (first + timedelta(days=31)).replace(day=1)
            month_end = local_midnight(following, self.zone)
            change = self.next_change(month_start)
            tariff = self.at(month_start)
            if ts == month_start and month_end <= end and (change is None or change >= month_end):
                # A whole month under one tariff: its fee, without visiting its days.
                total += tariff.monthly_total if tariff is not None else 0.0
                ts = month_end
                continue
            day_start = local_midnight(local, self.zone)
            day_end = local_midnight(local + timedelta(days=1), self.zone)
            tariff = self.at(day_start)
            if tariff is not None and tariff.monthly_fees:
                days = (following - first).days
                covered = min(end, day_end) - ts
                total += tariff.monthly_total / days * covered / (day_end - day_start)
            ts = min(end, day_end)
        return total


def parse_days(text: str) -> frozenset[int]:
    """Return the weekdays (0 = Monday) of `mon-sat`, `sat,sun`, `fri-mon` or `all`."""
    if text.strip().lower() == "all":
        return frozenset(range(7))
    return _parse_set(text, _day_number, 7, "weekdays like 'mon-sat', 'sat,sun' or 'all'")


def parse_months(text: str) -> frozenset[int]:
    """Return the months (1 = January) of `11-3` (wrapping the year), `6,7,8` or `all`."""
    if text.strip().lower() == "all":
        return frozenset(range(1, 13))
    return _parse_set(text, _month_number, 12, "months like '11-3', '6,7,8' or 'all'")


def parse_clock(text: str) -> int:
    """Return the minutes after midnight of `HH:MM` (`24:00` is the end of the day)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a local time like '07:00', got {text!r}")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"expected a local time from 00:00 to 24:00, got {text!r}")
    return hours * 60 + minutes


def _day_number(name: str) -> int:
    key = name.strip().lower()
    if key not in DAY_NAMES:
        raise ValueError(name)
    return DAY_NAMES.index(key)


def _month_number(name: str) -> int:
    number = int(name.strip())
    if not 1 <= number <= 12:
        raise ValueError(name)
    return number - 1


def _parse_set(
    text: str, convert: Callable[[str], int], size: int, expected: str
) -> frozenset[int]:
    result: set[int] = set()
    for part in text.split(","):
        try:
            if "-" in part:
                first_text, last_text = part.split("-", 1)
                first, last = convert(first_text), convert(last_text)
                # A range may wrap: "fri-mon", "11-3" (November to March).
                span = (last - first) % size
                result.update((first + i) % size for i in range(span + 1))
            else:
                result.add(convert(part))
        except ValueError:
            raise ValueError(f"expected {expected}, got {text!r}") from None
    offset = 1 if size == 12 else 0
    return frozenset(n + offset for n in result)
