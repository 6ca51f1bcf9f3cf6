"""Property tests: buckets add up to their period, under every netting mode, on DST days."""

from dataclasses import astuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wattboard.energy.flows import combine
from wattboard.energy.netting import NETTING_MODES, bucket_flows
from wattboard.energy.periods import buckets, period, period_buckets
from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import QUARTER, quarter_sums, site_minute, site_minutes

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
DAYS = [
    (HELSINKI, "2025-03-30"),
    (HELSINKI, "2025-10-26"),
    (NEW_YORK, "2025-03-09"),
    (NEW_YORK, "2025-11-02"),
    (LORD_HOWE, "2025-10-05"),
    (LORD_HOWE, "2025-04-06"),
    (KOLKATA, "2025-05-16"),
]
# Days whose quarters the year property draws on more often than chance would.
DST_DAYS = {
    HELSINKI: ["2025-03-30", "2025-10-26"],
    NEW_YORK: ["2025-03-09", "2025-11-02"],
    LORD_HOWE: ["2025-04-06", "2025-10-05"],
    KOLKATA: ["2025-05-16"],
}

wh = st.integers(0, 2000).map(lambda n: n / 100)


def record(meter, ts, energies):
    a_in, a_out, b_in, b_out, c_in, c_out = energies
    return MinuteRecord(
        meter, ts, a_in, a_out, 0, 0, 0, 0, b_in, b_out, 0, 0, 0, 0, c_in, c_out, 0, 0, 0, 0
    )


minute_data = st.tuples(
    # Minute of the day, a few outside it; often in the first hours, where clocks change,
    # so that quarters and hours hold several minutes of either sign.
    st.integers(-30, 1530) | st.integers(0, 360),
    st.tuples(wh, wh, wh, wh, wh, wh),  # grid phases (import, export)
    st.booleans(),  # grid record present
    st.none() | st.tuples(wh, wh),  # solar (export, import) or missing
)


def quarters_of(day, minutes):
    grid, solar = [], []
    for index, phases, has_grid, pv in minutes:
        ts = day.start + 60 * index
        if has_grid:
            grid.append(record("grid", ts, phases))
        if pv is not None:
            solar.append(record("solar", ts, (pv[1], pv[0], 0, 0, 0, 0)))
    return quarter_sums(site_minutes(grid, solar))


def assert_consistent(flows):
    """Check the identities of docs/architecture.md, "Energy semantics", that hold for any
    bucket."""
    balance = flows.grid_import - flows.grid_export + flows.solar + flows.clamped_wh
    assert flows.consumption == pytest.approx(balance, abs=1e-3)
    assert -1e-9 <= flows.self_consumption <= min(flows.solar, flows.consumption) + 1e-9
    for ratio in (flows.self_sufficiency, flows.self_consumption_ratio):
        assert ratio is None or 0.0 <= ratio <= 1.0


def assert_same(parts, whole):
    assert_consistent(whole)
    total = combine(parts)
    assert astuple(total) == pytest.approx(astuple(whole), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(zone_day=st.sampled_from(DAYS), minutes=st.lists(minute_data, max_size=300))
def test_day_equals_sum_of_hours_for_every_netting(zone_day, minutes):
    zone, key = zone_day
    day = period("day", key, zone)
    quarters = quarters_of(day, minutes)
    hours = period_buckets(day, zone)
    for netting in NETTING_MODES:
        whole = bucket_flows(quarters, day.start, day.end, netting=netting, zone=zone)
        assert_same(
            [bucket_flows(quarters, h.start, h.end, netting=netting, zone=zone) for h in hours],
            whole,
        )


@settings(max_examples=40, deadline=None)
@given(zone_day=st.sampled_from(DAYS), minutes=st.lists(minute_data, max_size=300))
def test_day_equals_sum_of_quarters_except_under_hour_netting(zone_day, minutes):
    zone, key = zone_day
    day = period("day", key, zone)
    quarters = quarters_of(day, minutes)
    cut = buckets(day.start, day.end, "15m", zone)
    for netting in ("phase", "minute", "15min"):
        whole = bucket_flows(quarters, day.start, day.end, netting=netting, zone=zone)
        assert_same(
            [bucket_flows(quarters, q.start, q.end, netting=netting, zone=zone) for q in cut], whole
        )
    # A quarter is shorter than an hour period, so under `hour` it shows minute-netted values.
    minute_day = bucket_flows(quarters, day.start, day.end, netting="minute", zone=zone)
    assert_same(
        [bucket_flows(quarters, q.start, q.end, netting="hour", zone=zone) for q in cut], minute_day
    )


@st.composite
def year_quarters(draw):
    zone = draw(st.sampled_from(list(DST_DAYS)))
    year = period("year", "2025", zone)
    dst = [period("day", key, zone) for key in DST_DAYS[zone]]
    anywhere = st.integers(year.start // QUARTER, (year.end - 1) // QUARTER)
    near_dst = st.sampled_from(dst).flatmap(
        lambda d: st.integers(d.start // QUARTER, (d.end - 1) // QUARTER)
    )
    quarters = {}
    for index, net, pv in draw(st.lists(st.tuples(anywhere | near_dst, wh, wh), max_size=40)):
        minute = site_minute(
            record("grid", 0, (net, 0, 0, pv / 2, 0, 0)), (record("pv", 0, (0, pv, 0, 0, 0, 0)),)
        )
        quarters[index * QUARTER] = minute
    return zone, year, quarters


@settings(max_examples=15, deadline=None)
@given(data=year_quarters())
def test_year_equals_sum_of_months_and_of_days(data):
    zone, year, quarters = data
    months = period_buckets(year, zone)
    days = [d for m in months for d in period_buckets(m, zone)]
    for netting in NETTING_MODES:
        whole = bucket_flows(quarters, year.start, year.end, netting=netting, zone=zone)
        assert_same(
            [bucket_flows(quarters, m.start, m.end, netting=netting, zone=zone) for m in months],
            whole,
        )
        assert_same(
            [bucket_flows(quarters, d.start, d.end, netting=netting, zone=zone) for d in days],
            whole,
        )
