"""Elering's NPS price API: 15-minute and hourly days, per area, EUR/MWh to per kWh."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from wattboard.exceptions import PriceSourceError
from wattboard.prices.elering import EleringSource, default_length, parse_elering

FIXTURES = Path(__file__).parent / "fixtures"
QUARTERS = (FIXTURES / "elering_2025-10-02_15min.json").read_bytes()
HOURLY = (FIXTURES / "elering_2025-03-30_hourly.json").read_bytes()


def _utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def test_parse_elering_quarter_hours_of_finland() -> None:
    points = parse_elering(QUARTERS, "FI")
    start = _utc(2025, 10, 1, 21)  # 2025-10-02 00:00 EEST
    assert len(points) == 96
    assert [p.start for p in points] == [start + 900 * i for i in range(96)]
    assert all(p.end - p.start == 900 for p in points)  # the last one too
    assert points[0].price == pytest.approx(-0.00598)  # -5.98 EUR/MWh
    assert points[30].price == pytest.approx(-0.00001)
    assert points[31].price == pytest.approx(-0.0025)
    assert points[95].price == pytest.approx(0.00006)


@pytest.mark.parametrize("area", ["EE", "LV", "LT"])
def test_parse_elering_reads_each_baltic_area(area: str) -> None:
    points = parse_elering(QUARTERS, area)
    assert len(points) == 96
    assert points != parse_elering(QUARTERS, "FI")


def test_parse_elering_hourly_spring_dst_day() -> None:
    points = parse_elering(HOURLY, "EE")
    assert len(points) == 23  # 2025-03-30 in Tallinn lasts 23 hours
    assert points[0].start == _utc(2025, 3, 29, 22)
    assert all(p.end - p.start == 3600 for p in points)  # hourly before 2025-10-01
    assert points[0].price == pytest.approx(0.01902)
    assert points[-1].price == pytest.approx(0.031)


def test_parse_elering_empty_day_is_no_prices() -> None:
    assert parse_elering((FIXTURES / "elering_empty.json").read_bytes(), "FI") == []


def test_parse_elering_a_lone_period_takes_the_market_length_then() -> None:
    before = b'{"success":true,"data":{"fi":[{"timestamp":1759266000,"price":1}]}}'
    after = b'{"success":true,"data":{"fi":[{"timestamp":1759269600,"price":1}]}}'
    assert parse_elering(before, "FI")[0].end - 1_759_266_000 == 3600  # 2025-09-30T21:00Z
    assert parse_elering(after, "FI")[0].end - 1_759_269_600 == 900  # 2025-10-01 00:00 CET
    assert default_length(1_759_269_599) == 3600


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html>", "not JSON"),
        (b'{"success":false,"data":{}}', "without success"),
        (b'{"success":true,"data":[]}', "`data` is not an object"),
        (b'{"success":true,"data":{"fi":{}}}', "data.fi is not a list"),
        (b'{"success":true,"data":{"fi":[{"timestamp":1759269601,"price":1}]}}', r"fi\[0\]"),
        (b'{"success":true,"data":{"fi":[{"timestamp":1759269600,"price":"1"}]}}', "price '1'"),
        (b'{"success":true,"data":{"fi":[{"timestamp":1759269600}]}}', "price None"),
    ],
)
def test_parse_elering_refuses_a_bad_answer_naming_the_field(body: bytes, words: str) -> None:
    with pytest.raises(PriceSourceError, match=words):
        parse_elering(body, "FI")


def test_elering_source_knows_its_four_areas() -> None:
    assert EleringSource("FI", "http://127.0.0.1:1/").url == "http://127.0.0.1:1/api/nps/price"
    with pytest.raises(PriceSourceError, match="no prices of 'SE3'; it has FI, EE, LV, LT"):
        EleringSource("SE3")
