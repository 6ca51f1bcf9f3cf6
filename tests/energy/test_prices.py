"""Price periods: what a stored spot price may be (15 or 60 minutes, on a quarter, finite)."""

from __future__ import annotations

import math

import pytest

from wattboard.energy.prices import PricePoint, check_point, check_points, covering, per_kwh
from wattboard.exceptions import InvalidInputError

T0 = 1_759_276_800  # 2025-10-01 00:00 UTC, the first day of 15-minute day-ahead prices


def test_per_kwh_divides_a_price_per_mwh_by_a_thousand() -> None:
    assert per_kwh(54.32) == pytest.approx(0.05432)
    assert per_kwh(-1.5) == pytest.approx(-0.0015)  # negative prices stay negative


@pytest.mark.parametrize("length", [900, 3600])
def test_check_point_takes_a_quarter_or_an_hour(length: int) -> None:
    point = PricePoint(T0, T0 + length, -0.0123)
    assert check_point(point) is point


@pytest.mark.parametrize(
    ("point", "words"),
    [
        (PricePoint(T0, T0 + 1800, 0.1), "lasts 1800 s, not 900 or 3600"),
        (PricePoint(T0, T0, 0.1), "lasts 0 s"),
        (PricePoint(T0 + 60, T0 + 960, 0.1), "does not start on a quarter hour"),
        (PricePoint(T0, T0 + 900, math.nan), "has no price"),
        (PricePoint(T0, T0 + 900, math.inf), "has no price"),
    ],
)
def test_check_point_refuses_a_bad_period_naming_the_field(point: PricePoint, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words) as caught:
        check_point(point, "price")
    assert caught.value.field == "price"
    assert str(point.start) in str(caught.value)


def test_check_points_sorts_and_refuses_overlaps() -> None:
    late, early = PricePoint(T0 + 900, T0 + 1800, 0.2), PricePoint(T0, T0 + 900, 0.1)
    assert check_points([late, early]) == [early, late]
    with pytest.raises(InvalidInputError, match=f"starting at {T0} and {T0 + 900} overlap"):
        check_points([PricePoint(T0, T0 + 3600, 0.1), late])


def test_covering_finds_the_period_holding_a_second() -> None:
    hour = PricePoint(0, 3600, 0.1)
    quarters = [PricePoint(3600 + 900 * i, 4500 + 900 * i, 0.2 + i / 100) for i in range(2)]
    later = PricePoint(7200, 8100, 0.5)  # after a gap [5400, 7200)
    points = [hour, *quarters, later]
    assert covering(points, 0) is hour
    assert covering(points, 3599) is hour
    assert covering(points, 3600) is quarters[0]
    assert covering(points, 5399) is quarters[1]
    assert covering(points, 5400) is None  # in the gap
    assert covering(points, 7200) is later
    assert covering(points, 8100) is None  # after the last period
    assert covering(points, -1) is None
    assert covering([], 0) is None
