from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.periods import (
    buckets,
    hour_span,
    local_day,
    local_midnight,
    parse_day,
    period,
    period_buckets,
)
from wattboard.exceptions import InvalidInputError

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
SANTIAGO = ZoneInfo("America/Santiago")
ZONES = [HELSINKI, NEW_YORK, LORD_HOWE, KOLKATA]


def epoch(text):
    """Return the epoch second of an ISO 8601 time with offset."""
    return int(datetime.fromisoformat(text).timestamp())


def assert_tiles(span, parts):
    """The parts follow each other without gap or overlap from the span's start to its end."""
    assert [p.start for p in parts] == [span.start] + [p.end for p in parts[:-1]]
    assert parts[-1].end == span.end
    assert sum(p.duration for p in parts) == span.duration


DAYS = [
    # zone, day, hours, hourly buckets
    (HELSINKI, "2025-03-30", 23, 23),  # 03:00 → 04:00
    (HELSINKI, "2025-05-16", 24, 24),
    (HELSINKI, "2025-10-26", 25, 25),  # 04:00 → 03:00
    (NEW_YORK, "2025-03-09", 23, 23),  # 02:00 → 03:00
    (NEW_YORK, "2025-11-02", 25, 25),  # 02:00 → 01:00
    (LORD_HOWE, "2025-10-05", 23.5, 24),  # 02:00 → 02:30: one 30-minute bucket
    (LORD_HOWE, "2025-04-06", 24.5, 25),  # 02:00 → 01:30: 01:00+11 and 01:30+10:30 (30 min)
    (LORD_HOWE, "2025-05-16", 24, 24),
    (KOLKATA, "2025-03-30", 24, 24),  # no DST
    (SANTIAGO, "2024-09-08", 23, 23),  # 00:00 → 01:00: the day begins at 01:00
    (SANTIAGO, "2025-04-05", 25, 25),  # 24:00 → 23:00
]


@pytest.mark.parametrize(("zone", "key", "hours", "count"), DAYS)
def test_period_day_length_and_hourly_buckets(zone, key, hours, count):
    day = period("day", key, zone)
    hourly = period_buckets(day, zone)
    assert day.duration == hours * 3600
    assert len(hourly) == count
    assert_tiles(day, hourly)
    assert all(b.duration in {1800, 3600} for b in hourly)
    assert {b.local_start[:10] for b in hourly} == {key}


def test_period_day_fields():
    day = period("day", "2025-05-16", HELSINKI)
    assert (day.unit, day.key) == ("day", "2025-05-16")
    assert (day.start, day.end) == (epoch("2025-05-15T21:00Z"), epoch("2025-05-16T21:00Z"))
    assert (day.local_start, day.local_end) == (
        "2025-05-16T00:00:00+03:00",
        "2025-05-17T00:00:00+03:00",
    )


def test_period_buckets_helsinki_repeated_hour_has_two_offsets():
    hourly = period_buckets(period("day", "2025-10-26", HELSINKI), HELSINKI)
    assert [b.key for b in hourly[2:6]] == [
        "2025-10-26T02:00:00+03:00",
        "2025-10-26T03:00:00+03:00",
        "2025-10-26T03:00:00+02:00",  # the same wall hour again, one UTC hour later
        "2025-10-26T04:00:00+02:00",
    ]
    assert hourly[3].local_end == "2025-10-26T03:00:00+02:00"


@pytest.mark.parametrize(
    ("key", "short_key", "short_end"),
    [
        ("2025-10-05", "2025-10-05T02:30:00+11:00", "2025-10-05T03:00:00+11:00"),
        ("2025-04-06", "2025-04-06T01:30:00+10:30", "2025-04-06T02:00:00+10:30"),
    ],
)
def test_period_buckets_lord_howe_has_one_half_hour(key, short_key, short_end):
    hourly = period_buckets(period("day", key, LORD_HOWE), LORD_HOWE)
    short = [b for b in hourly if b.duration == 1800]
    assert [(b.key, b.local_end) for b in short] == [(short_key, short_end)]


@pytest.mark.parametrize(
    ("zone", "key", "minute_of_hour"),
    [
        (KOLKATA, "2025-05-16", 30),  # +05:30
        (LORD_HOWE, "2025-05-16", 30),  # +10:30 in winter
        (LORD_HOWE, "2025-01-16", 0),  # +11:00 in summer
        (HELSINKI, "2025-05-16", 0),
    ],
)
def test_period_buckets_local_hours_start_at_offset_minutes(zone, key, minute_of_hour):
    hourly = period_buckets(period("day", key, zone), zone)
    assert {b.start % 3600 for b in hourly} == {minute_of_hour * 60}


@pytest.mark.parametrize(
    ("key", "first", "last"),
    [
        ("2020-W53", "2020-12-28", "2021-01-03"),  # 2020 has 53 weeks
        ("2025-W01", "2024-12-30", "2025-01-05"),  # week 1 of 2025 starts in 2024
        ("2026-W53", "2026-12-28", "2027-01-03"),
        ("2025-W20", "2025-05-12", "2025-05-18"),
    ],
)
@pytest.mark.parametrize("zone", ZONES)
def test_period_week_across_year_boundary(zone, key, first, last):
    week = period("week", key, zone)
    days = period_buckets(week, zone)
    assert (days[0].key, days[-1].key, len(days)) == (first, last, 7)
    assert week.start == local_midnight(parse_day(first), zone)
    assert_tiles(week, days)


@pytest.mark.parametrize(
    ("zone", "key", "days", "hours"),
    [
        (HELSINKI, "2025-03", 31, 743),  # 31 × 24 − 1
        (HELSINKI, "2025-10", 31, 745),  # 31 × 24 + 1
        (NEW_YORK, "2025-11", 30, 721),  # 30 × 24 + 1
        (LORD_HOWE, "2025-04", 30, 720.5),  # 30 × 24 + 0.5
        (LORD_HOWE, "2025-10", 31, 743.5),  # 31 × 24 − 0.5
        (KOLKATA, "2024-02", 29, 696),  # 29 × 24: a leap year
        (KOLKATA, "2025-02", 28, 672),  # 28 × 24
    ],
)
def test_period_month_days(zone, key, days, hours):
    month = period("month", key, zone)
    daily = period_buckets(month, zone)
    assert (len(daily), month.duration) == (days, hours * 3600)
    assert daily[0].key == f"{key}-01"
    assert_tiles(month, daily)


@pytest.mark.parametrize(
    ("zone", "key", "days"), [(z, "2025", 365) for z in ZONES] + [(HELSINKI, "2024", 366)]
)
def test_period_year_is_its_months_days_and_hours(zone, key, days):
    year = period("year", key, zone)
    months = period_buckets(year, zone)
    daily = [d for m in months for d in period_buckets(m, zone)]
    hourly = [h for d in daily for h in period_buckets(d, zone)]
    assert [m.key for m in months] == [f"{key}-{n:02d}" for n in range(1, 13)]
    assert len(daily) == days
    assert year.duration == days * 86_400  # DST forward and back cancel within a year
    assert_tiles(year, months)
    assert_tiles(year, daily)
    assert_tiles(year, hourly)


@pytest.mark.parametrize(
    ("kind", "key", "field", "message"),
    [
        ("day", "2025-5-16", "date", "expected a date like 2025-05-16, got '2025-5-16'"),
        ("day", "2025-02-29", "date", "2025-02 has days 01–28"),
        ("day", "2024-02-30", "date", "2024-02 has days 01–29"),
        ("day", "2025-13-01", "date", "months are 01–12"),
        ("day", "2025-05-16T00:00", "date", "expected a date like 2025-05-16"),
        ("day", "２０２５-05-16", "date", "expected a date"),  # full-width digits
        ("week", "2025-W53", "iso_week", "2025 has weeks W01–W52, got '2025-W53'"),
        ("week", "2025-W00", "iso_week", "2025 has weeks W01–W52"),
        ("week", "2025-20", "iso_week", "expected an ISO week like 2025-W20"),
        ("week", "2025-w20", "iso_week", "expected an ISO week like 2025-W20"),
        ("month", "2025-00", "month", "months are 01–12"),
        ("month", "2025-5", "month", "expected a month like 2025-05"),
        ("year", "25", "year", "expected a year like 2025"),
        ("year", "1969", "year", "expected a year from 1970 to 9998, got 1969"),
        ("year", "9999", "year", "from 1970 to 9998"),  # its end would be year 10000
        ("month", "x" * 100, "month", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
    ],
)
def test_period_bad_key_raises_naming_field(kind, key, field, message):
    with pytest.raises(InvalidInputError) as caught:
        period(kind, key, HELSINKI)
    assert caught.value.field == field
    assert message in caught.value.detail


def test_period_bad_key_names_the_callers_field():
    with pytest.raises(InvalidInputError, match=r"^start: expected a date") as caught:
        period("day", "yesterday", HELSINKI, field="start")
    assert caught.value.field == "start"


def test_period_buckets_of_an_hour_is_an_error():
    hour = buckets(0, 3600, "hour", HELSINKI)[0]
    with pytest.raises(ValueError, match="not a calendar period"):
        period_buckets(hour, HELSINKI)


@pytest.mark.parametrize(
    ("start", "end", "unit", "keys"),
    [
        (
            epoch("2025-05-16T10:20Z"),
            epoch("2025-05-16T12:00Z"),
            "hour",
            ["2025-05-16T13:20:00+03:00", "2025-05-16T14:00:00+03:00"],  # a partial first hour
        ),
        (
            epoch("2025-05-16T10:20Z"),
            epoch("2025-05-16T10:50Z"),
            "15m",
            ["2025-05-16T13:20:00+03:00", "2025-05-16T13:30:00+03:00", "2025-05-16T13:45:00+03:00"],
        ),
        (
            epoch("2025-05-16T10:00Z"),
            epoch("2025-05-18T00:00Z"),
            "day",
            ["2025-05-16", "2025-05-17", "2025-05-18"],
        ),
        (
            epoch("2025-01-01T00:00+02:00"),
            epoch("2025-03-01T00:00+02:00"),
            "month",
            ["2025-01", "2025-02"],
        ),
        (
            epoch("2025-01-01T00:00Z"),  # 02:00 local: edges cut local months, not UTC ones
            epoch("2025-03-01T00:00Z"),
            "month",
            ["2025-01", "2025-02", "2025-03"],
        ),
        (
            epoch("2024-12-30T00:00+02:00"),
            epoch("2025-01-13T00:00+02:00"),
            "week",
            ["2025-W01", "2025-W02"],
        ),
        (epoch("2024-06-01T00:00Z"), epoch("2025-06-01T00:00Z"), "year", ["2024", "2025"]),
    ],
)
def test_buckets_of_any_range(start, end, unit, keys):
    cut = buckets(start, end, unit, HELSINKI)
    assert [b.key for b in cut] == keys
    assert (cut[0].start, cut[-1].end) == (start, end)
    assert sum(b.duration for b in cut) == end - start


@pytest.mark.parametrize(
    ("zone", "key", "count"), [(HELSINKI, "2025-10-26", 100), (LORD_HOWE, "2025-10-05", 94)]
)
def test_buckets_quarters_of_a_day(zone, key, count):
    day = period("day", key, zone)
    quarters = buckets(day.start, day.end, "15m", zone)
    assert len(quarters) == count  # 25 × 4; 23.5 × 4
    assert all(q.duration == 900 and q.start % 900 == 0 for q in quarters)


@pytest.mark.parametrize(
    ("ts", "zone", "day"),
    [
        (epoch("2025-05-15T20:59:59Z"), HELSINKI, "2025-05-15"),
        (epoch("2025-05-15T21:00:00Z"), HELSINKI, "2025-05-16"),  # local midnight
        (epoch("2025-05-15T18:29:59Z"), KOLKATA, "2025-05-15"),
        (epoch("2025-05-15T18:30:00Z"), KOLKATA, "2025-05-16"),
        (epoch("2025-04-05T13:00:00Z"), LORD_HOWE, "2025-04-06"),  # 00:00+11:00
        (epoch("2025-11-02T04:00:00Z"), NEW_YORK, "2025-11-02"),  # 00:00-04:00
    ],
)
def test_local_day_table(ts, zone, day):
    assert local_day(ts, zone) == day


@pytest.mark.parametrize(
    ("ts", "zone", "span"),
    [
        (epoch("2025-10-26T00:45Z"), HELSINKI, ("2025-10-26T00:00Z", "2025-10-26T01:00Z")),
        (epoch("2025-10-26T01:00Z"), HELSINKI, ("2025-10-26T01:00Z", "2025-10-26T02:00Z")),
        (epoch("2025-10-04T15:45Z"), LORD_HOWE, ("2025-10-04T15:30Z", "2025-10-04T16:00Z")),
        (epoch("2025-05-16T00:07Z"), KOLKATA, ("2025-05-15T23:30Z", "2025-05-16T00:30Z")),
    ],
)
def test_hour_span_table(ts, zone, span):
    assert hour_span(ts, zone) == (epoch(span[0]), epoch(span[1]))
