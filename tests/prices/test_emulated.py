"""Emulated spot prices: cheap nights, peaks, negative sunny weekend middays, real resolutions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from wattboard.prices.emulated import DEFAULT_ZONE, emulated_price, emulated_prices
from wattboard.prices.fetcher import day_span, missing_days


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def _hour_of(ts: int) -> int:
    return datetime.fromtimestamp(ts, DEFAULT_ZONE).hour


def test_emulated_prices_same_period_same_price_whatever_the_range() -> None:
    start, end = day_span(date(2025, 11, 5))
    whole = emulated_prices(start, end)
    assert emulated_prices(start + 3600, start + 7200) == whole[4:8]
    assert emulated_prices(start, end, seed=2) != whole  # another household, another curve
    assert whole[0].price == emulated_price(start)


def test_emulated_prices_quarters_from_october_2025_hours_before() -> None:
    hourly, quarters = date(2025, 9, 30), date(2025, 10, 1)
    assert {p.end - p.start for p in emulated_prices(*day_span(hourly))} == {3600}
    assert {p.end - p.start for p in emulated_prices(*day_span(quarters))} == {900}
    # Whole delivery days, the DST days too (23 and 25 hours).
    days = [date(2025, 3, 30), date(2025, 10, 26), hourly, quarters]
    for day in days:
        assert missing_days(emulated_prices(*day_span(day)), [day]) == []
    assert len(emulated_prices(*day_span(date(2025, 10, 26)))) == 100


def test_emulated_prices_nights_are_cheaper_than_evening_peaks() -> None:
    for day in _days(date(2025, 1, 1), 365):
        points = emulated_prices(*day_span(day))
        night = [p.price for p in points if 2 <= _hour_of(p.start) < 5]
        evening = [p.price for p in points if 17 <= _hour_of(p.start) < 20]
        assert max(night) < min(evening), day


def test_emulated_prices_negative_only_on_sunny_weekend_middays() -> None:
    negative_days = set()
    for day in _days(date(2025, 1, 1), 365):
        for point in emulated_prices(*day_span(day)):
            if point.price < 0:
                moment = datetime.fromtimestamp(point.start, DEFAULT_ZONE)
                assert moment.weekday() >= 5, moment  # a weekend
                assert 10 <= moment.hour < 16, moment  # midday
                assert 4 <= moment.month <= 9, moment  # the sunny half of the year
                negative_days.add(moment.date())
    assert len(negative_days) >= 10  # some, not every weekend: the sun decides
    assert len(negative_days) < 52
