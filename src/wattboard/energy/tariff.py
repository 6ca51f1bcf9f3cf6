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

from wattboard.energy.periods import local_midnight, utc_offset

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from zoneinfo import ZoneInfo

DAY_S: Final = 86400
EPOCH_DAY: Final = date(1970, 1, 1).toordinal()
CHANGING: Final = -(10**9)  # a UTC day in which the zone's offset changes
FEES_KEPT: Final = 4096  # spans whose fees are remembered (the same buckets are asked again)
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
class Linear:
    """A full price per kWh as `fixed + per_spot × spot`; `spot` says whether it needs one."""

    fixed: float
    per_spot: float
    spot: bool

    def at(self, spot: float | None) -> float | None:
        if not self.spot:
            return self.fixed
        return None if spot is None else self.fixed + self.per_spot * spot


def _linear(components: Sequence[Component], local: datetime) -> Linear:
    fixed = per_spot = 0.0
    for component in components:
        # Every component is (price + spot if spot) × (1 + VAT), linear in the spot price.
        factor = 1.0 + component.vat / 100.0
        fixed += component.unit_price(local, 0.0) or 0.0
        if component.spot:
            per_spot += factor
    return Linear(fixed, per_spot, any(c.spot for c in components))


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
        imports, exports = self.linear(local)
        return imports.at(spot), exports.at(spot)

    def linear(self, local: datetime) -> tuple[Linear, Linear]:
        """Return the import and export price at wall time `local` as functions of the spot."""
        return _linear(self.imports, local), _linear(self.exports, local)


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
        # A price depends on the tariff, the weekday, the month and the wall time only: pricing
        # ten years of quarters looks up a few thousand of these instead of summing components.
        self._linear: dict[tuple[int, int, int, int], tuple[Linear, Linear]] = {}
        self._fees: dict[tuple[int, int], float] = {}
        self._days: dict[int, tuple[int, int]] = {}
        self._offsets: dict[int, int] = {}

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
        index = bisect_right(self.starts, start) - 1
        if index < 0:
            return None, None
        # Wall time by arithmetic: datetime.fromtimestamp per quarter was most of the cost.
        day, second = divmod(start + self.offset(start), DAY_S)
        calendar = self._days.get(day)
        if calendar is None:
            # 1970-01-01 was a Thursday.
            calendar = self._days[day] = ((day + 3) % 7, date.fromordinal(day + EPOCH_DAY).month)
        key = (index, calendar[0], calendar[1], second // 60)
        found = self._linear.get(key)
        if found is None:
            local = datetime.fromtimestamp(start, self.zone)
            found = self._linear[key] = self.tariffs[index].linear(local)
        return found[0].at(spot), found[1].at(spot)

    def offset(self, ts: int) -> int:
        """Return the zone's UTC offset at `ts`, looked up once per UTC day without a change."""
        day = ts // DAY_S
        offset = self._offsets.get(day)
        if offset is None:
            first, last = (
                utc_offset(day * DAY_S, self.zone),
                utc_offset(day * DAY_S + DAY_S - 1, self.zone),
            )
            offset = self._offsets[day] = first if first == last else CHANGING
        return utc_offset(ts, self.zone) if offset == CHANGING else offset

    def fees(self, start: int, end: int) -> float:
        """Return the monthly fees incl. VAT falling on `[start, end)`, pro rata by time.

        A month's fee is shared equally among its days and a day's share by the seconds of the
        day covered, so days, hours and months add up to the month's fee (a 23-hour day's hours
        carry a 23rd of its share each). Each piece of a month is priced with the tariff valid
        at its start; a tariff starts at a local midnight, so it cuts months at day boundaries.
        """
        key = (start, end)
        found = self._fees.get(key)
        if found is not None:
            return found
        total = 0.0
        ts = start
        while ts < end:
            first = datetime.fromtimestamp(ts, self.zone).date().replace(day=1)
            following = (first + timedelta(days=31)).replace(day=1)
            stop = min(end, local_midnight(following, self.zone))
            change = self.next_change(ts)
            if change is not None and change < stop:
                stop = change
            tariff = self.at(ts)
            if tariff is not None and tariff.monthly_fees:
                days = self._day_index(stop) - self._day_index(ts)
                total += tariff.monthly_total * days / (following - first).days
            ts = stop
        if len(self._fees) > FEES_KEPT:
            self._fees.clear()
        self._fees[key] = total
        return total

    def _day_index(self, ts: int) -> float:
        """Return local days since 0001-01-01 at `ts`, the day's part by its own length."""
        day = datetime.fromtimestamp(ts, self.zone).date()
        midnight = local_midnight(day, self.zone)
        if ts == midnight:
            return float(day.toordinal())
        length = local_midnight(day + timedelta(days=1), self.zone) - midnight
        return day.toordinal() + (ts - midnight) / length


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
