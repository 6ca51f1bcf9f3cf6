"""The price file of `wattboard prices import FILE.csv` (a contract relied on from outside).

- columns `start,price`, a header line first;
- `start` in ISO 8601 with an offset (`2025-10-01T00:00:00+03:00` or `...Z`);
- `price` in the site currency per kWh, excluding VAT (a decimal point; may be negative);
- each row lasts until the next row's start, 15 or 60 minutes; the last row as long as the
  one before it (a file of one row: the day-ahead market's period at that time).

A bad row is an error naming its line and field, and the file is refused as a whole.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from typing import Final

from wattboard.energy.prices import PERIOD_LENGTHS, QUARTER_HOUR, PricePoint
from wattboard.exceptions import InvalidInputError
from wattboard.prices.elering import default_length

COLUMNS: Final = ("start", "price")


def parse_prices_csv(text: str) -> list[PricePoint]:
    """Return the price periods of a price file's text, oldest first."""
    rows = [(number, row) for number, row in _rows(text) if any(cell.strip() for cell in row)]
    if not rows or [c.strip().lower() for c in rows[0][1]] != list(COLUMNS):
        found = ",".join(rows[0][1]) if rows else "nothing"
        raise InvalidInputError("header", f"line 1: expected the columns start,price, got {found}")
    starts: list[tuple[int, int, float]] = []
    for number, row in rows[1:]:
        if len(row) != len(COLUMNS):
            raise InvalidInputError(
                "row", f"line {number}: expected 2 fields (start,price), got {len(row)}"
            )
        start = _start(number, row[0].strip())
        price = _price(number, row[1].strip())
        if starts and start <= starts[-1][1]:
            raise InvalidInputError(
                "start", f"line {number}: {row[0].strip()} is not after the row before it"
            )
        starts.append((number, start, price))
    if not starts:
        raise InvalidInputError("row", "the file has a header but no rows")
    return _periods(starts)


def _rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        raise InvalidInputError("row", f"line {reader.line_num}: {err}") from None


def _start(number: int, text: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "start", f"line {number}: {text!r} is not an ISO 8601 time like 2025-10-01T00:00+03:00"
        ) from None
    if moment.tzinfo is None:
        raise InvalidInputError(
            "start", f"line {number}: {text!r} has no UTC offset (add +03:00, Z, ...)"
        )
    ts = moment.timestamp()
    if ts % QUARTER_HOUR:
        raise InvalidInputError("start", f"line {number}: {text} does not start a quarter hour")
    return int(ts)


def _price(number: int, text: str) -> float:
    try:
        price = float(text)
    except ValueError:
        raise InvalidInputError(
            "price", f"line {number}: {text!r} is not a number (per kWh, like 0.0534)"
        ) from None
    if not math.isfinite(price):
        raise InvalidInputError("price", f"line {number}: {text!r} is not a finite number")
    return price


def _periods(starts: list[tuple[int, int, float]]) -> list[PricePoint]:
    points: list[PricePoint] = []
    for index, (number, start, price) in enumerate(starts):
        if index + 1 < len(starts):
            length = starts[index + 1][1] - start
            if length not in PERIOD_LENGTHS:
                raise InvalidInputError(
                    "start",
                    f"line {number}: the row lasts {length // 60} minutes until the next row's "
                    "start; a row lasts 15 or 60 minutes (leave no gap)",
                )
        else:
            length = points[-1].end - points[-1].start if points else default_length(start)
        points.append(PricePoint(start, start + length, price))
    return points
