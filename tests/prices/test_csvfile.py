"""The price file contract: start,price; ISO 8601 with an offset; rows last until the next."""

from __future__ import annotations

import pytest

from wattboard.energy.prices import PricePoint
from wattboard.exceptions import InvalidInputError
from wattboard.prices.csvfile import parse_prices_csv

T0 = 1_759_266_000  # 2025-10-01 00:00+03:00


def test_parse_prices_csv_quarters_with_offsets_and_z() -> None:
    text = (
        "start,price\n"
        "2025-10-01T00:00:00+03:00,0.0534\n"
        "2025-09-30T21:15:00Z,-0.0012\n"
        "2025-10-01T00:30+03:00,0\n"
    )
    assert parse_prices_csv(text) == [
        PricePoint(T0, T0 + 900, 0.0534),
        PricePoint(T0 + 900, T0 + 1800, -0.0012),
        PricePoint(T0 + 1800, T0 + 2700, 0.0),  # the last row as long as the one before
    ]


def test_parse_prices_csv_hours_then_quarters_and_a_byte_order_mark() -> None:
    text = "\ufeffstart,price\r\n2025-10-01T00:00+03:00,0.1\r\n2025-10-01T01:00+03:00,0.2\r\n"
    text += "2025-10-01T01:15+03:00,0.3\r\n\r\n"
    points = parse_prices_csv(text)
    assert [(p.start - T0, p.end - T0) for p in points] == [(0, 3600), (3600, 4500), (4500, 5400)]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("when,price\n", "header", "line 1: expected the columns start,price, got when,price"),
        ("", "header", "got nothing"),
        ("start,price\n", "row", "a header but no rows"),
        ("start,price\n2025-10-01T00:00+03:00,0.1,x\n", "row", "line 2: expected 2 fields"),
        ("start,price\n2025-10-01T00:00+03:00,0.1\nnow,0.2\n", "start", "line 3: 'now'"),
        ("start,price\n2025-10-01T00:00,0.1\n", "start", "line 2: '2025-10-01T00:00' has no UTC"),
        ("start,price\n2025-10-01T00:05+03:00,0.1\n", "start", "line 2: .* quarter hour"),
        ("start,price\n2025-10-01T00:00+03:00,0,1\n", "row", "line 2: expected 2 fields"),
        ("start,price\n2025-10-01T00:00+03:00,abc\n", "price", "line 2: 'abc' is not a number"),
        ("start,price\n2025-10-01T00:00+03:00,nan\n", "price", "line 2: 'nan' is not a finite"),
        (
            "start,price\n2025-10-01T00:00+03:00,0.1\n2025-10-01T00:00+03:00,0.2\n",
            "start",
            "line 3: .* is not after the row before it",
        ),
        (
            "start,price\n2025-10-01T00:00+03:00,0.1\n2025-10-01T02:00+03:00,0.2\n",
            "start",
            "line 2: the row lasts 120 minutes",
        ),
    ],
)
def test_parse_prices_csv_names_the_line_and_field_of_a_bad_row(
    text: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidInputError, match=words) as caught:
        parse_prices_csv(text)
    assert caught.value.field == field
