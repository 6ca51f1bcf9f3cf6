"""Turn the device's stored minute history into `MinuteRecord`s; pure functions, no I/O.

Three sources carry the same records (docs/shelly-wire.md, "Minute records"): `EMData.GetData` pages
(JSON), the `/emdata/0/data.csv` download, and, in the monophase profile, one `EM1Data.GetData`
series per channel (ids 0, 1, 2 = phases a, b, c). Columns are read by key name whenever the device
sends the names, and fall back to the documented device order when it does not.
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING, Final

from wattboard.energy.records import (
    PHASE_FIELDS,
    RECORD_FIELDS,
    MinuteRecord,
    record_from_values,
)
from wattboard.exceptions import DeviceProtocolError
from wattboard.shelly.models import MONOPHASE_KEYS, TRIPHASE_KEYS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from wattboard.shelly.models import EmDataPage

_DEVICE_SUFFIX: Final = {
    "import_wh": "total_act_energy",
    "export_wh": "total_act_ret_energy",
    "max_w": "max_act_power",
    "min_w": "min_act_power",
    "avg_v": "avg_voltage",
    "avg_a": "avg_current",
}
# Derived from the dataclass so a field added to MinuteRecord fails here, loudly, at import.
RECORD_KEYS: Final[tuple[str, ...]] = tuple(
    f"{name[0]}_{_DEVICE_SUFFIX[name[2:]]}" for name in RECORD_FIELDS[2:]
)
CHANNEL_KEYS: Final[tuple[str, ...]] = tuple(_DEVICE_SUFFIX[field] for field in PHASE_FIELDS)
# For each MinuteRecord value: (phase, index into that phase's CHANNEL_KEYS values).
_MONOPHASE_LAYOUT: Final = tuple(
    (name[0], PHASE_FIELDS.index(name[2:])) for name in RECORD_FIELDS[2:]
)
_TIMESTAMP: Final = "timestamp"


def page_records(page: EmDataPage, *, meter: str) -> list[MinuteRecord]:
    """Turn one `EMData.GetData` page into minute records, in row order."""
    keys = page.get("keys") or TRIPHASE_KEYS
    columns = _column_indexes(keys, RECORD_KEYS)
    return [
        record_from_values(meter, ts, _pick(row, columns, ts, keys))
        for ts, row in _rows(page, keys)
    ]


def csv_records(text: str, *, meter: str) -> list[MinuteRecord]:
    """Turn the body of `/emdata/0/data.csv` (header optional, CRLF or LF) into records."""
    lines = [row for row in csv.reader(io.StringIO(text)) if row]
    if not lines:
        return []
    keys, body = _csv_header(lines)
    columns = _column_indexes(keys, RECORD_KEYS)
    # Only the 18 columns a record keeps are converted (and checked): a 60-day backfill parses
    # 170,000 rows of 51 values, and the other 33 would cost most of the time on a Pi.
    return [record_from_values(meter, ts, values) for ts, values in _csv_rows(body, keys, columns)]


def _csv_rows(
    body: Iterable[list[str]], keys: Sequence[str], columns: Sequence[int]
) -> Iterator[tuple[int, list[float]]]:
    for line in body:
        ts = _csv_timestamp(line[0])
        _check_width(line[1:], keys, ts)
        yield ts, [_csv_number(line[1 + index], ts, keys[index]) for index in columns]


def channel_values(page: EmDataPage) -> dict[int, list[float]]:
    """Map each row ts of one `EM1Data.GetData` page to its values in `CHANNEL_KEYS` order."""
    keys = page.get("keys") or MONOPHASE_KEYS
    columns = _column_indexes(keys, CHANNEL_KEYS)
    return {ts: _pick(row, columns, ts, keys) for ts, row in _rows(page, keys)}


def monophase_records(
    channels: Mapping[str, Iterable[EmDataPage]], *, meter: str
) -> list[MinuteRecord]:
    """Merge the EM1Data pages of channels a, b, c by ts; a minute missing on any is skipped."""
    values = {phase: _merged_channel(pages) for phase, pages in channels.items()}
    if set(values) != {"a", "b", "c"}:
        raise DeviceProtocolError(f"monophase records need channels a, b, c, got {sorted(values)}")
    # A minute flushed between the three channel reads is left for the next fetch.
    common = set(values["a"]).intersection(values["b"], values["c"])
    return [
        record_from_values(
            meter, ts, [values[phase][ts][index] for phase, index in _MONOPHASE_LAYOUT]
        )
        for ts in sorted(common)
    ]


def _merged_channel(pages: Iterable[EmDataPage]) -> dict[int, list[float]]:
    merged: dict[int, list[float]] = {}
    for page in pages:
        merged.update(channel_values(page))
    return merged


def _column_indexes(keys: Sequence[str], wanted: Sequence[str]) -> list[int]:
    """Return the position of each wanted key in `keys`, or fail naming the missing ones."""
    position = {key: index for index, key in enumerate(keys)}
    missing = [key for key in wanted if key not in position]
    if missing:
        raise DeviceProtocolError(f"records lack the column(s) {', '.join(missing)}")
    return [position[key] for key in wanted]


def _rows(page: EmDataPage, keys: Sequence[str]) -> Iterator[tuple[int, list[float]]]:
    """Yield `(ts, row)` for every row of every block, checking each row's length."""
    for block in page["data"]:
        for offset, row in enumerate(block["values"]):
            ts = block["ts"] + offset * block["period"]
            _check_width(row, keys, ts)
            yield ts, row


def _check_width(row: Sequence[object], keys: Sequence[str], ts: int) -> None:
    if len(row) < len(keys):
        raise DeviceProtocolError(
            f"row ts={ts}: {len(row)} values for {len(keys)} keys, column {keys[len(row)]} missing"
        )
    if len(row) > len(keys):
        raise DeviceProtocolError(
            f"row ts={ts}: {len(row)} values for {len(keys)} keys, extra after column {keys[-1]}"
        )


def _pick(
    row: Sequence[object], columns: Sequence[int], ts: int, keys: Sequence[str]
) -> list[float]:
    """Return the numbers at `columns`; rows may come unvalidated, so check each one.

    Only the type is checked here: a number no meter can measure (1e300, inf, NaN) spoils its
    minute alone, which the collector stores as an implausible gap (energy.plausible), while a
    protocol error would stop every later minute from being fetched.
    """
    picked = []
    for index in columns:
        value = row[index]
        # bool is an int to Python but never a measurement.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DeviceProtocolError(
                f"row ts={ts} column {keys[index]}: {value!r} is not a number"
            )
        picked.append(float(value))
    return picked


def _csv_header(lines: list[list[str]]) -> tuple[Sequence[str], list[list[str]]]:
    """Split off the header line when there is one.

    Without it the columns are in the device's order (docs/shelly-wire.md, "Record keys").
    """
    first = lines[0][0].strip()
    if _is_number(first):
        return TRIPHASE_KEYS, lines
    if first.lower() != _TIMESTAMP:
        raise DeviceProtocolError(f"CSV header starts with {first!r}, expected {_TIMESTAMP!r}")
    return [cell.strip() for cell in lines[0][1:]], lines[1:]


def _csv_timestamp(cell: str) -> int:
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not value.is_integer():
        raise DeviceProtocolError(f"CSV row ts={cell.strip()!r} column {_TIMESTAMP}: not a time")
    return int(value)


def _csv_number(cell: str, ts: int, key: str) -> float:
    # "nan", "inf" and 1e400 are numbers to float(): like 1e300, left to the plausibility check.
    try:
        return float(cell)
    except ValueError:
        raise DeviceProtocolError(f"row ts={ts} column {key}: {cell!r} is not a number") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
