from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.flows import Flows, expected_meter_minutes
from wattboard.energy.netting import NETTING_MODES, bucket_flows, settlement_span
from wattboard.energy.periods import period, period_buckets
from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import QUARTER, site_minute, total

HELSINKI = ZoneInfo("Europe/Helsinki")
KOLKATA = ZoneInfo("Asia/Kolkata")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def epoch(text):
    """Return the epoch second of an ISO 8601 time with offset."""
    return int(datetime.fromisoformat(text).timestamp())


def record(meter, a=(0.0, 0.0), b=(0.0, 0.0), c=(0.0, 0.0)):
    return MinuteRecord(meter, 0, *a, 0, 0, 230, 0, *b, 0, 0, 230, 0, *c, 0, 0, 230, 0)


def minute(net, solar=0.0):
    """Sum one site minute: the grid's net on phase A, and one solar meter (if producing)."""
    grid = record("grid", a=(max(net, 0.0), max(-net, 0.0)))
    return site_minute(grid, (record("solar", a=(0.0, solar)),) if solar else ())


def quarter(*nets):
    """Sum a quarter from the grid net of each of its minutes (others missing)."""
    return total(minute(net) for net in nets)


def flows_of(quarters, start, end, netting, zone=HELSINKI):
    return bucket_flows(quarters, start, end, netting=netting, zone=zone)


def grid(flows):
    return flows.grid_import, flows.grid_export


Q0 = epoch("2025-05-16T00:00:00Z")  # 03:00 in Helsinki: a quarter and a local hour begin


@pytest.mark.parametrize(
    ("netting", "expected"),
    [
        ("phase", (10.0, 8.0)),  # B + C = 5 + 5 imported, A = 8 exported
        ("minute", (2.0, 0.0)),  # max(5 + 5 − 8, 0), max(8 − 5 − 5, 0)
        ("15min", (2.0, 0.0)),  # the only minute of its quarter: Σ net = 2
        ("hour", (2.0, 0.0)),  # the only minute of its hour: Σ net = 2
    ],
)
def test_bucket_flows_a_exports_8_b_c_import_5(netting, expected):
    quarters = {Q0: site_minute(record("grid", a=(0.0, 8.0), b=(5.0, 0.0), c=(5.0, 0.0)))}
    assert grid(flows_of(quarters, Q0, Q0 + 3600, netting)) == expected


@pytest.mark.parametrize(
    ("netting", "expected"),
    [
        ("phase", (5.0, 3.0)),  # all on phase A: the phase totals are the minute totals
        ("minute", (5.0, 3.0)),  # max(5, 0) + max(−3, 0), max(−5, 0) + max(3, 0)
        ("15min", (2.0, 0.0)),  # Σ net = 5 − 3
        ("hour", (2.0, 0.0)),
    ],
)
def test_bucket_flows_period_nets_minutes_of_one_quarter(netting, expected):
    quarters = {Q0: quarter(5.0, -3.0)}
    assert grid(flows_of(quarters, Q0, Q0 + 3600, netting)) == expected


# Helsinki, 2025-10-26: at 04:00+03:00 (01:00Z) clocks go back to 03:00+02:00, so the local hour
# 03 happens twice. Two minutes a quarter, the net of each quarter and hour in comments.
FALL_BACK = {
    epoch("2025-10-26T00:00Z"): quarter(10.0, -2.0),  # +8   03:00+03:00 … Σ +12
    epoch("2025-10-26T00:15Z"): quarter(-4.0, 2.0),  # −2
    epoch("2025-10-26T00:30Z"): quarter(10.0, -2.0),  # +8
    epoch("2025-10-26T00:45Z"): quarter(-4.0, 2.0),  # −2
    epoch("2025-10-26T01:00Z"): quarter(-8.0, 2.0),  # −6   03:00+02:00 … Σ −8
    epoch("2025-10-26T01:15Z"): quarter(4.0, -2.0),  # +2
    epoch("2025-10-26T01:30Z"): quarter(-8.0, 2.0),  # −6
    epoch("2025-10-26T01:45Z"): quarter(4.0, -2.0),  # +2
}


@pytest.mark.parametrize(
    ("netting", "expected"),
    [
        ("phase", (36.0, 32.0)),  # same as minute: one phase
        (
            "minute",
            (36.0, 32.0),
        ),  # (10 + 2 + 10 + 2) + (2 + 4 + 2 + 4), (2 + 4 + 2 + 4) + (8 + 2 + 8 + 2)
        ("15min", (20.0, 16.0)),  # 8 + 8 + 2 + 2, 2 + 2 + 6 + 6
        ("hour", (12.0, 8.0)),  # the two 03:00 hours apart: +12 and −8, not one +4
    ],
)
def test_bucket_flows_helsinki_fall_back_day(netting, expected):
    day = period("day", "2025-10-26", HELSINKI)
    assert grid(flows_of(FALL_BACK, day.start, day.end, netting)) == expected


def test_bucket_flows_helsinki_fall_back_repeated_hour_settles_twice():
    hours = period_buckets(period("day", "2025-10-26", HELSINKI), HELSINKI)
    settled = {b.key: grid(flows_of(FALL_BACK, b.start, b.end, "hour")) for b in hours[3:5]}
    assert settled == {
        "2025-10-26T03:00:00+03:00": (12.0, 0.0),  # 8 − 2 + 8 − 2
        "2025-10-26T03:00:00+02:00": (0.0, 8.0),  # −6 + 2 − 6 + 2
    }


@pytest.mark.parametrize(
    ("netting", "expected"),
    [
        ("15min", (0.0, 2.0)),  # the quarter is a settlement period: Σ net = −4 + 2
        ("hour", (2.0, 4.0)),  # a quarter of an hour: minute-netted, max(2, 0), max(4, 0)
    ],
)
def test_bucket_flows_quarter_bucket_shorter_than_period_is_minute_netted(netting, expected):
    start = epoch("2025-10-26T00:15Z")
    assert grid(flows_of(FALL_BACK, start, start + QUARTER, netting)) == expected


def test_bucket_flows_cut_periods_are_minute_netted():
    # [00:30Z, 01:30Z) holds the second half of each 03:00 hour: neither is a whole period.
    start, end = epoch("2025-10-26T00:30Z"), epoch("2025-10-26T01:30Z")
    assert flows_of(FALL_BACK, start, end, "hour") == flows_of(FALL_BACK, start, end, "minute")


def test_bucket_flows_whole_and_cut_periods_mix():
    start, end = epoch("2025-10-26T00:00Z"), epoch("2025-10-26T01:30Z")
    flows = flows_of(FALL_BACK, start, end, "hour")
    assert grid(flows) == (
        18.0,
        10.0,
    )  # whole first hour 12 + 0; then (−8, 2) and (4, −2): 2 + 4, 8 + 2


# Helsinki, 2025-03-30: at 03:00+02:00 (01:00Z) clocks jump to 04:00+03:00.
SPRING = {
    epoch("2025-03-30T00:45Z"): quarter(5.0),  # 02:45+02:00
    epoch("2025-03-30T01:00Z"): quarter(-5.0),  # 04:00+03:00
}


@pytest.mark.parametrize("netting", ["minute", "15min", "hour"])
def test_bucket_flows_helsinki_spring_forward_day(netting):
    day = period("day", "2025-03-30", HELSINKI)
    hours = period_buckets(day, HELSINKI)
    assert [b.key[11:] for b in hours[2:4]] == ["02:00:00+02:00", "04:00:00+03:00"]
    assert [grid(flows_of(SPRING, b.start, b.end, netting)) for b in hours[2:4]] == [
        (5.0, 0.0),  # the last hour of +02:00
        (0.0, 5.0),  # the first of +03:00, one UTC hour later
    ]
    assert grid(flows_of(SPRING, day.start, day.end, netting)) == (5.0, 5.0)


# Kolkata is +05:30: local hours start at :30 UTC. 2025-05-16T05:00+05:30 is 23:30Z the day before.
KOLKATA_QUARTERS = {
    epoch("2025-05-16T00:00Z"): quarter(6.0),  # 05:30 IST  … hour 05:00 IST: Σ +12
    epoch("2025-05-16T00:15Z"): quarter(6.0),  # 05:45 IST
    epoch("2025-05-16T00:30Z"): quarter(-6.0),  # 06:00 IST … hour 06:00 IST: Σ −24
    epoch("2025-05-16T00:45Z"): quarter(-6.0),
    epoch("2025-05-16T01:00Z"): quarter(-6.0),
    epoch("2025-05-16T01:15Z"): quarter(-6.0),
}


def test_bucket_flows_kolkata_hours_start_at_half_past_utc():
    hours = period_buckets(period("day", "2025-05-16", KOLKATA), KOLKATA)
    settled = [grid(flows_of(KOLKATA_QUARTERS, b.start, b.end, "hour", KOLKATA)) for b in hours]
    assert hours[5].start == epoch("2025-05-15T23:30Z")  # 05:00 IST
    assert settled[5:7] == [(12.0, 0.0), (0.0, 24.0)]  # 6 + 6; 6 + 6 + 6 + 6
    # A UTC hour is no settlement period here: [00:00Z, 01:00Z) cuts both local hours.
    assert grid(flows_of(KOLKATA_QUARTERS, Q0, Q0 + 3600, "hour", KOLKATA)) == (12.0, 12.0)


LORD_HOWE_CASES = [
    pytest.param(
        "2025-10-05",  # at 02:00+10:30 (15:30Z) clocks jump to 02:30+11:00
        {
            epoch("2025-10-04T15:15Z"): quarter(3.0),  # 01:45+10:30, hour 01:00+10:30
            epoch("2025-10-04T15:30Z"): quarter(-5.0),  # 02:30+11:00, a 30-minute hour
            epoch("2025-10-04T15:45Z"): quarter(1.0),  # 02:45+11:00
            epoch("2025-10-04T16:00Z"): quarter(7.0),  # 03:00+11:00
        },
        {
            "2025-10-05T01:00:00+10:30": (3.0, 0.0),
            "2025-10-05T02:30:00+11:00": (0.0, 4.0),  # −5 + 1
            "2025-10-05T03:00:00+11:00": (7.0, 0.0),
        },
        (10.0, 4.0),  # 3 + 7, 4
        id="forward",
    ),
    pytest.param(
        "2025-04-06",  # at 02:00+11:00 (15:00Z) clocks go back to 01:30+10:30
        {
            epoch("2025-04-05T14:45Z"): quarter(4.0),  # 01:45+11:00, hour 01:00+11:00
            epoch("2025-04-05T15:00Z"): quarter(-6.0),  # 01:30+10:30, a 30-minute hour
            epoch("2025-04-05T15:15Z"): quarter(1.0),  # 01:45+10:30
            epoch("2025-04-05T15:30Z"): quarter(2.0),  # 02:00+10:30
        },
        {
            "2025-04-06T01:00:00+11:00": (4.0, 0.0),
            "2025-04-06T01:30:00+10:30": (0.0, 5.0),  # −6 + 1
            "2025-04-06T02:00:00+10:30": (2.0, 0.0),
        },
        (6.0, 5.0),  # 4 + 2, 5
        id="back",
    ),
]


@pytest.mark.parametrize(("day_key", "quarters", "hours", "day_total"), LORD_HOWE_CASES)
def test_bucket_flows_lord_howe_half_hour_shift(day_key, quarters, hours, day_total):
    day = period("day", day_key, LORD_HOWE)
    buckets = {b.key: b for b in period_buckets(day, LORD_HOWE)}
    settled = {
        key: grid(flows_of(quarters, buckets[key].start, buckets[key].end, "hour", LORD_HOWE))
        for key in hours
    }
    assert settled == hours
    assert grid(flows_of(quarters, day.start, day.end, "hour", LORD_HOWE)) == day_total


@pytest.mark.parametrize(
    ("netting", "expected"),
    [
        # Minute 1: net −6 with 10 Wh solar; minute 2: net +4 without.
        ("minute", (4.0, 6.0, 4.0)),  # import 4, export 6, clamp(10 − 6, 0, 10) + 0
        ("15min", (0.0, 2.0, 8.0)),  # Σ net −2: export 2, clamp(10 − 2, 0, 10)
        ("hour", (0.0, 2.0, 8.0)),
    ],
)
def test_bucket_flows_self_consumption_by_netting(netting, expected):
    quarters = {Q0: minute(-6.0, solar=10.0) + minute(4.0)}
    flows = flows_of(quarters, Q0, Q0 + 3600, netting)
    assert (*grid(flows), flows.self_consumption) == expected
    assert flows.consumption == 8.0  # (−6 + 10) + 4, whatever the netting
    assert flows.self_sufficiency == expected[2] / 8.0
    assert flows.self_consumption_ratio == expected[2] / 10.0


@pytest.mark.parametrize("netting", NETTING_MODES)
def test_bucket_flows_coverage_with_a_missing_minute(netting):
    # A grid and a solar meter for 15 minutes; the solar record of one minute is missing.
    full = minute(2.0, solar=1.0)
    quarters = {Q0: total([full] * 14 + [minute(2.0)])}
    expected = expected_meter_minutes(Q0, Q0 + QUARTER, meters=2)
    assert expected == 30  # 2 × 15
    flows = bucket_flows(
        quarters, Q0, Q0 + QUARTER, netting=netting, zone=HELSINKI, expected=expected
    )
    assert flows.present == 29  # 15 grid + 14 solar
    assert flows.coverage == 29 / 30


@pytest.mark.parametrize("netting", NETTING_MODES)
def test_bucket_flows_counts_consumption_clamps(netting):
    # The solar record is missing while the grid exports: consumption would be −3.
    quarters = {Q0: minute(5.0) + minute(-3.0)}
    flows = flows_of(quarters, Q0, Q0 + QUARTER, netting)
    assert flows.consumption == 5.0  # 5 + max(−3, 0)
    assert (flows.clamped_minutes, flows.clamped_wh) == (1, 3.0)


def test_bucket_flows_ignores_quarters_outside_the_bucket():
    quarters = {Q0 - QUARTER: quarter(9.0), Q0: quarter(1.0), Q0 + QUARTER: quarter(9.0)}
    assert flows_of(quarters, Q0, Q0 + QUARTER, "hour") == Flows(
        grid_import=1.0, consumption=1.0, present=1
    )


@pytest.mark.parametrize(
    ("netting", "q", "zone", "expected"),
    [
        ("15min", Q0 + QUARTER, KOLKATA, (Q0 + QUARTER, Q0 + 2 * QUARTER)),
        ("hour", Q0 + QUARTER, HELSINKI, (Q0, Q0 + 3600)),  # 03:15+03:00 in 03:00–04:00
        ("hour", Q0 + QUARTER, KOLKATA, (Q0 - 1800, Q0 + 1800)),  # 05:45 IST in 05:00–06:00
    ],
)
def test_settlement_span_table(netting, q, zone, expected):
    assert settlement_span(q, netting, zone) == expected
