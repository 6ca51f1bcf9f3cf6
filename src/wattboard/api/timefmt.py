"""Times on the wire: ISO 8601 with the site's offset, and epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from wattboard.exceptions import InvalidInputError


def iso(ts: float, zone: ZoneInfo) -> str:
    """Return `ts` as local ISO 8601 with offset, e.g. `2025-05-16T00:00:00+03:00`."""
    moment = datetime.fromtimestamp(ts, zone)
    spec = "milliseconds" if ts != int(ts) else "seconds"
    return moment.isoformat(timespec=spec)


# Epoch seconds, a local date, or a time with its offset; the exact check is parse_instant's.
INSTANT_PATTERN: Final = (
    r"^(-?[0-9]{1,12}|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+([+-][0-9]{2}:?[0-9]{2}|Z))?)$"
)
EARLIEST: Final = 0  # 1970-01-01
LATEST: Final = 253_370_764_800  # 9998-12-31, the last day periods can name


def parse_instant(text: str, field: str, zone: ZoneInfo) -> int:
    """Read epoch seconds, an ISO 8601 time with offset, or a local date (its midnight)."""
    ts = _instant(text, field, zone)
    if not EARLIEST <= ts <= LATEST:
        raise InvalidInputError(field, f"must lie between 1970 and 9998, got {text!r}")
    return ts


def _instant(text: str, field: str, zone: ZoneInfo) -> int:
    value = text.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        expected = "epoch seconds, a time like 2025-05-16T12:00:00+03:00 or a date"
        raise InvalidInputError(field, f"expected {expected}, got {text!r}") from None
    if moment.tzinfo is None:
        if len(value) == 10:  # a date: its local midnight
            moment = moment.replace(tzinfo=zone)
        else:
            raise InvalidInputError(field, f"a time needs its UTC offset, e.g. {value}+03:00")
    # Checked before converting: year 1 in a zone east of UTC would overflow the conversion.
    if not 1970 <= moment.year <= 9998:
        raise InvalidInputError(field, f"must lie between 1970 and 9998, got {text!r}")
    return int(moment.astimezone(UTC).timestamp())
