import pytest

from wattboard.energy.flows import NO_FLOWS, Flows, combine, expected_meter_minutes, settle
from wattboard.energy.sums import MinuteSums

# Two minutes of a grid and a solar meter: minute 1 imports 10 on B and exports 4 on A (net +6),
# minute 2 exports 9 (net −9); solar 3 then 12.
SUMS = MinuteSums(
    net=-3.0,  # 6 − 9
    phase_import=10.0,
    phase_export=13.0,  # 4 + 9
    minute_import=6.0,  # max(6, 0) + max(−9, 0)
    minute_export=9.0,  # max(−6, 0) + max(9, 0)
    solar=15.0,  # 3 + 12
    consumption=12.0,  # (6 + 3) + (−9 + 12)
    self_consumption_phase=3.0,  # clamp(3 − 4, 0, 3) + clamp(12 − 9, 0, 12)
    self_consumption_minute=6.0,  # clamp(3 − 0, 0, 3) + clamp(12 − 9, 0, 12)
    present=4,
)


@pytest.mark.parametrize(
    ("level", "grid_import", "grid_export", "self_consumption"),
    [
        ("phase", 10.0, 13.0, 3.0),  # the device's phase totals
        ("minute", 6.0, 9.0, 6.0),  # netted per minute
        ("period", 0.0, 3.0, 12.0),  # max(−3, 0), max(3, 0), clamp(15 − 3, 0, 15)
    ],
)
def test_settle_levels(level, grid_import, grid_export, self_consumption):
    flows = settle(SUMS, level)
    assert (flows.grid_import, flows.grid_export) == (grid_import, grid_export)
    assert flows.self_consumption == self_consumption
    assert (flows.solar, flows.consumption, flows.present) == (15.0, 12.0, 4)  # level-independent


@pytest.mark.parametrize("level", ["phase", "minute", "period"])
def test_settle_consumption_is_import_minus_export_plus_solar(level):
    flows = settle(SUMS, level)
    assert flows.consumption == flows.grid_import - flows.grid_export + flows.solar


def test_settle_period_self_consumption_is_clamped_to_solar():
    flows = settle(MinuteSums(net=20.0, solar=5.0, consumption=25.0), "period")
    assert flows.self_consumption == 5.0  # clamp(5 − 0, 0, 5)
    flows = settle(MinuteSums(net=-20.0, solar=5.0, consumption=0.0), "period")
    assert flows.self_consumption == 0.0  # clamp(5 − 20, 0, 5)


@pytest.mark.parametrize(
    ("flows", "self_sufficiency", "self_consumption_ratio"),
    [
        (Flows(grid_import=6.0, solar=4.0, consumption=10.0, self_consumption=4.0), 0.4, 1.0),
        # 4 / 10, 4 / 4
        (Flows(grid_export=6.0, solar=8.0, consumption=2.0, self_consumption=2.0), 1.0, 0.25),
        # 2 / 2, 2 / 8
        (Flows(grid_import=5.0, consumption=5.0), 0.0, None),  # 0 / 5; no solar: no ratio
        (NO_FLOWS, None, None),  # nothing consumed, nothing produced
    ],
)
def test_flows_ratios(flows, self_sufficiency, self_consumption_ratio):
    assert flows.self_sufficiency == self_sufficiency
    assert flows.self_consumption_ratio == self_consumption_ratio


@pytest.mark.parametrize(
    ("present", "expected", "coverage"),
    [
        (30, 30, 1.0),  # 2 meters × 15 minutes, all there
        (29, 30, 29 / 30),  # one meter-minute missing
        (0, 30, 0.0),
        (31, 30, 1.0),  # a record the caller did not count on is no more than full
        (0, 0, None),  # nothing expected (a bucket in the future, or no meters)
    ],
)
def test_flows_coverage(present, expected, coverage):
    assert Flows(present=present, expected=expected).coverage == coverage


@pytest.mark.parametrize(
    ("start", "end", "meters", "now", "expected"),
    [
        (0, 900, 2, None, 30),  # 2 × 15
        (0, 900, 2, 450, 14),  # 2 × 7: the eighth minute is in progress
        (0, 900, 2, 2000, 30),  # now after the end
        (0, 900, 2, -5, 0),  # now before the start
        (0, 86_400, 3, None, 4320),  # 3 × 1440
    ],
)
def test_expected_meter_minutes(start, end, meters, now, expected):
    assert expected_meter_minutes(start, end, meters, now) == expected


@pytest.mark.parametrize(
    ("start", "end", "now", "first", "expected"),
    [
        (0, 900, None, 600, 10),  # 2 × 5: the site's first record at minute 10
        (0, 900, 450, 300, 4),  # 2 × 2: from the first record to the minute in progress
        (0, 900, None, 900, 0),  # the bucket ends as the first record arrives: before it
        (0, 900, None, 5000, 0),  # wholly before the installation
        (600, 900, None, 0, 10),  # a first record before the bucket changes nothing
    ],
)
def test_expected_meter_minutes_counts_from_the_first_record(start, end, now, first, expected):
    assert expected_meter_minutes(start, end, 2, now, first) == expected


def test_combine_adds_sums_and_recomputes_ratios():
    sunny = Flows(grid_export=8.0, solar=10.0, consumption=2.0, self_consumption=2.0, present=2)
    dark = Flows(grid_import=18.0, consumption=18.0, present=1, expected=2)
    both = combine([sunny, dark])
    assert both == Flows(0.0 + 18.0, 8.0, 10.0, 20.0, 2.0, 3, 2)
    assert both.self_sufficiency == 0.1  # 2 / 20, not the mean of 1.0 and 0.0
    assert both.coverage == 1.0  # min(1, 3 / 2)


def test_combine_of_nothing_is_no_flows():
    assert combine([]) == NO_FLOWS
