"""Reports count coverage from the site's first record: earlier minutes are not missing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.flows import Flows
from wattboard.energy.periods import period, period_buckets
from wattboard.energy.report import Site, from_days, from_sums

HELSINKI = ZoneInfo("Europe/Helsinki")
METERS = 2
OCTOBER = period("month", "2025-10", HELSINKI)
DAYS = period_buckets(OCTOBER, HELSINKI)
NOVEMBER_5 = int(datetime(2025, 11, 5, tzinfo=HELSINKI).timestamp())  # after the month


def _full_day(start: int, end: int) -> Flows:
    """Every meter-minute of `[start, end)` recorded."""
    return Flows(grid_import=100.0, consumption=100.0, present=METERS * (end - start) // 60)


def _site(first: int | None) -> Site:
    return Site(HELSINKI, "minute", METERS, NOVEMBER_5, first)


def test_from_days_month_whose_data_starts_on_day_10_counts_from_day_10():
    day_10 = DAYS[9]
    assert day_10.key == "2025-10-10"
    days = [(d.start, _full_day(d.start, d.end)) for d in DAYS[9:]]
    report = from_days(DAYS, days, _site(first=day_10.start))
    # 22 days from 10 October, one of them 25 h long (clocks back on the 26th): 529 h × 60 × 2
    assert report.totals.expected == 63_480
    assert report.totals.present == 63_480
    assert report.totals.coverage == 1.0
    flows = {b.key: f for b, f in report.buckets}
    assert flows["2025-10-09"].expected == 0
    assert flows["2025-10-09"].coverage is None  # before this installation: not missing
    assert flows["2025-10-10"].coverage == 1.0
    assert flows["2025-10-26"].expected == 3000  # 25 h × 60 × 2


def test_from_days_without_a_first_record_expects_every_minute_of_the_month():
    days = [(d.start, _full_day(d.start, d.end)) for d in DAYS[9:]]
    report = from_days(DAYS, days, _site(first=None))
    assert report.totals.expected == 89_400  # 745 h (31 days, one of 25 h) × 60 × 2
    assert report.totals.coverage == pytest.approx(63_480 / 89_400)  # ≈ 0.711


def test_from_days_first_record_mid_day_counts_that_day_from_its_first_minute():
    day_10 = DAYS[9]
    first = day_10.start + 14 * 3600  # 14:00 local on 10 October
    days = [(first, _full_day(first, day_10.end))]
    report = from_days(DAYS[9:10], days, _site(first=first))
    assert report.totals.expected == 1200  # 10 h × 60 × 2
    assert report.totals.coverage == 1.0


def test_from_sums_year_before_and_after_the_first_record():
    year = period("year", "2025", HELSINKI)
    months = period_buckets(year, HELSINKI)
    first = months[9].start  # 1 October 2025
    sums = [Flows() if m.start < first else _full_day(m.start, m.end) for m in months]
    report = from_sums(months, sums, Site(HELSINKI, "minute", METERS, year.end, first))
    assert [f.coverage for _, f in report.buckets[:9]] == [None] * 9  # before the installation
    # October to December: 31 + 30 + 31 days, plus the hour of 26 October: 2209 h × 60 × 2
    assert report.totals.expected == 265_080
    assert report.totals.coverage == 1.0
