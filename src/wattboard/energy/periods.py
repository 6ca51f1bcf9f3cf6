"""Calendar periods and their buckets, cut in the site's zone and given as UTC epoch seconds.

Keys: `2025-05-16` (day), `2025-W20` (ISO week, Monday first), `2025-05` (month), `2025`
(year). A period is `[start, end)` between two local midnights, so a day lasts 23, 24 or 25
hours (23.5 or 24.5 on Lord Howe Island, whose clocks move by 30 minutes).

Hourly buckets: a new bucket starts at every local o'clock and at every change of UTC offset,
so no bucket is longer than an hour and each has one offset. Where clocks go back an hour
(Helsinki, New York) the repeated hour is two buckets with the same wall time and different
offsets (a 25-hour day has 25 buckets). On Lord Howe Island the half-hour shift leaves one
30-minute bucket: `02:30+11:00` on the day clocks go forward (24 buckets), `01:30+10:30` after
a full `01:00+11:00` on the day they go back (25 buckets). These buckets are also the `hour`
settlement periods. Where a zone's offset has minutes (Asia/Kolkata +05:30), local hours start
at :30 UTC; every bucket is a union of UTC quarters because every offset in use since 1995 is
a multiple of 15 minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, Literal

from wattboard.energy.sums import QUARTER, quarter_start
from wattboard.exceptions import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Callable
    from zoneinfo import ZoneInfo

PeriodKind = Literal["day", "week", "month", "year"]
Unit = Literal["15m", "hour", "day", "week", "month", "year"]
# Keyed by str so that any bucket's unit can be looked up; only periods have children.
CHILD_UNIT: Final[dict[str, Unit]] = {
    "day": "hour",
    "week": "day",
    "month": "day",
    "year": "month",
}
# Epoch data starts in 1970; a year must have a following year for its end to exist.
MIN_YEAR: Final = 1970
MAX_YEAR: Final = 9998
HOUR: Final = 3600

_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True, slots=True)
class Bucket:
    """A span `[start, end)` in UTC epoch seconds with its key and local ISO 8601 bounds.

    `key` is the calendar key for day/week/month/year buckets and the local start
    (`2025-10-26T03:00:00+02:00`) for hour and 15m buckets.
    """

    unit: Unit
    key: str
    start: int
    end: int
    local_start: str
    local_end: str

    @property
    def duration(self) -> int:
        """Return the length in seconds."""
        return self.end - self.start


def parse_day(key: str, field: str = "date") -> date:
    """Return the date of a key like `2025-05-16`; raise InvalidInputError naming `field`."""
    match = _DAY.fullmatch(key)
    if match is None:
        raise InvalidInputError(field, f"expected a date like 2025-05-16, got {_shown(key)}")
    year = _checked_year(match[1], field)
    month = _checked_month(match[2], field, "a date like 2025-05-16")
    last = _days_in_month(year, month)
    if not 1 <= int(match[3]) <= last:
        raise InvalidInputError(
            field,
            f"expected a date like 2025-05-16; {key[:7]} has days 01–{last}, got {key!r}",
        )
    return date(year, month, int(match[3]))


def parse_week(key: str, field: str = "iso_week") -> date:
    """Return the Monday of an ISO week key like `2025-W20`."""
    match = _WEEK.fullmatch(key)
    if match is None:
        raise InvalidInputError(field, f"expected an ISO week like 2025-W20, got {_shown(key)}")
    year = _checked_year(match[1], field)
    weeks = date(year, 12, 28).isocalendar().week  # 28 December always lies in the last week
    if not 1 <= int(match[2]) <= weeks:
        raise InvalidInputError(
            field,
            f"expected an ISO week like 2025-W20; {year} has weeks W01–W{weeks}, got {key!r}",
        )
    return date.fromisocalendar(year, int(match[2]), 1)


def parse_month(key: str, field: str = "month") -> date:
    """Return the first day of a month key like `2025-05`."""
    match = _MONTH.fullmatch(key)
    if match is None:
        raise InvalidInputError(field, f"expected a month like 2025-05, got {_shown(key)}")
    year = _checked_year(match[1], field)
    return date(year, _checked_month(match[2], field, "a month like 2025-05"), 1)


def parse_year(key: str, field: str = "year") -> date:
    """Return 1 January of a year key like `2025`."""
    if _YEAR.fullmatch(key) is None:
        raise InvalidInputError(field, f"expected a year like 2025, got {_shown(key)}")
    return date(_checked_year(key, field), 1, 1)


_PARSERS: Final[dict[PeriodKind, Callable[[str, str], date]]] = {
    "day": parse_day,
    "week": parse_week,
    "month": parse_month,
    "year": parse_year,
}
_DEFAULT_FIELDS: Final[dict[PeriodKind, str]] = {
    "day": "date",
    "week": "iso_week",
    "month": "month",
    "year": "year",
}


def period(kind: PeriodKind, key: str, zone: ZoneInfo, field: str | None = None) -> Bucket:
    """Return the period `kind` named by `key` in `zone`; bad keys raise InvalidInputError."""
    first = _PARSERS[kind](key, field or _DEFAULT_FIELDS[kind])
    return _bucket(kind, local_midnight(first, zone), _next_start(first, kind, zone), zone)


def period_buckets(span: Bucket, zone: ZoneInfo) -> list[Bucket]:
    """Return the buckets of a period: a day's hours, a week's or month's days, a year's months."""
    child = CHILD_UNIT.get(span.unit)
    if child is None:
        raise ValueError(f"a {span.unit} bucket is not a calendar period")
    return buckets(span.start, span.end, child, zone)


def buckets(start: int, end: int, unit: Unit, zone: ZoneInfo) -> list[Bucket]:
    """Cut `[start, end)` at every `unit` boundary in `zone`; the first and last may be partial."""
    result: list[Bucket] = []
    ts = start
    while ts < end:
        stop = min(_next_boundary(ts, unit, zone, end), end)
        result.append(_bucket(unit, ts, stop, zone))
        ts = stop
    return result


def local_midnight(day: date, zone: ZoneInfo) -> int:
    """Return the epoch second at which `day` begins in `zone`."""
    # Where midnight falls into a gap (America/Santiago), fold=0 reads it with the offset
    # before the change, which is exactly the moment the day begins.
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())


def local_day(ts: int, zone: ZoneInfo) -> str:
    """Return the key (`2025-05-16`) of the local day holding epoch second `ts`."""
    return datetime.fromtimestamp(ts, zone).date().isoformat()


def utc_offset(ts: int, zone: ZoneInfo) -> int:
    """Return the UTC offset of `zone` at epoch second `ts`, in seconds."""
    offset = datetime.fromtimestamp(ts, zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds())


def hour_key(ts: int, zone: ZoneInfo) -> tuple[int, int]:
    """Return (local hours since the epoch, offset) of `ts`: equal keys share an hourly bucket."""
    offset = utc_offset(ts, zone)
    return (ts + offset) // HOUR, offset


def hour_span(ts: int, zone: ZoneInfo) -> tuple[int, int]:
    """Return the UTC `[start, end)` of the hourly bucket holding `ts`."""
    key = hour_key(ts, zone)
    start = quarter_start(ts)
    while hour_key(start - QUARTER, zone) == key:
        start -= QUARTER
    end = quarter_start(ts) + QUARTER
    while hour_key(end, zone) == key:
        end += QUARTER
    return start, end


def _next_boundary(ts: int, unit: Unit, zone: ZoneInfo, limit: int) -> int:
    if unit == "15m":
        return quarter_start(ts) + QUARTER
    if unit == "hour":
        key = hour_key(ts, zone)
        # The next local full hour at this offset; unless the offset changes within the hour
        # (then the quarters tell where), that is where the bucket ends.
        candidate = (key[0] + 1) * HOUR - key[1]
        if hour_key(candidate - QUARTER, zone) == key:
            return candidate
        stop = quarter_start(ts) + QUARTER
        while stop < limit and hour_key(stop, zone) == key:
            stop += QUARTER
        return stop
    today = datetime.fromtimestamp(ts, zone).date()
    return _next_start(_unit_start(today, unit), unit, zone)


def _unit_start(day: date, unit: Unit) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next_start(first: date, unit: Unit, zone: ZoneInfo) -> int:
    if unit == "week":
        following = first + timedelta(days=7)
    elif unit == "month":
        following = (first + timedelta(days=31)).replace(day=1)
    elif unit == "year":
        following = first.replace(year=first.year + 1)
    else:
        following = first + timedelta(days=1)
    return local_midnight(following, zone)


def _bucket(unit: Unit, start: int, end: int, zone: ZoneInfo) -> Bucket:
    local_start = datetime.fromtimestamp(start, zone)
    local_end = datetime.fromtimestamp(end, zone)
    return Bucket(
        unit, _key(local_start, unit), start, end, local_start.isoformat(), local_end.isoformat()
    )


def _key(local: datetime, unit: Unit) -> str:
    if unit == "day":
        return local.date().isoformat()
    if unit == "week":
        iso = local.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if unit == "month":
        return f"{local.year:04d}-{local.month:02d}"
    if unit == "year":
        return f"{local.year:04d}"
    return local.isoformat()


def _checked_year(text: str, field: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInputError(field, f"expected a year from {MIN_YEAR} to {MAX_YEAR}, got {year}")
    return year


def _checked_month(text: str, field: str, example: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise InvalidInputError(field, f"expected {example}; months are 01–12, got {text}")
    return month


def _days_in_month(year: int, month: int) -> int:
    first = date(year, month, 1)
    return ((first + timedelta(days=31)).replace(day=1) - first).days


def _shown(key: str) -> str:
    # Keys come from URLs: show enough to recognise, never a whole pasted document.
    return repr(key if len(key) <= 32 else key[:32] + "…")
