import pytest

from wattboard.energy.records import MinuteRecord
from wattboard.energy.sums import (
    NO_SUMS,
    MinuteSums,
    quarter_start,
    quarter_sums,
    site_minute,
    site_minute_totals,
    site_minutes,
    total,
)

T0 = 1_747_353_600  # 2025-05-16T00:00:00Z, a quarter start


def record(meter, ts=T0, a=(0.0, 0.0), b=(0.0, 0.0), c=(0.0, 0.0)):
    """Build a record from (import, export) Wh per phase; powers and voltages do not matter."""
    return MinuteRecord(meter, ts, *a, 0, 0, 230, 0, *b, 0, 0, 230, 0, *c, 0, 0, 230, 0)


def pv(export, imported=0.0, ts=T0, meter="solar"):
    return record(meter, ts, a=(imported, export))


A_EXPORTS_8 = record("grid", a=(0.0, 8.0), b=(5.0, 0.0), c=(5.0, 0.0))


@pytest.mark.parametrize(
    ("grid", "solars", "expected"),
    [
        pytest.param(
            A_EXPORTS_8,
            (),
            MinuteSums(
                net=2.0,  # 5 + 5 − 8
                phase_import=10.0,  # 5 + 5
                phase_export=8.0,  # A
                minute_import=2.0,  # max(2, 0)
                minute_export=0.0,  # max(−2, 0)
                solar=0.0,
                consumption=2.0,  # 2 + 0
                present=1,
            ),
            id="phase-A-exports-8-B-C-import-5",
        ),
        pytest.param(
            A_EXPORTS_8,
            (pv(6.0),),
            MinuteSums(
                net=2.0,
                phase_import=10.0,
                phase_export=8.0,
                minute_import=2.0,
                solar=6.0,
                consumption=8.0,  # 2 + 6
                self_consumption_phase=0.0,  # clamp(6 − 8, 0, 6)
                self_consumption_minute=6.0,  # clamp(6 − 0, 0, 6)
                present=2,
            ),
            id="same-with-6-Wh-solar",
        ),
        pytest.param(
            record("grid", a=(0.0, 3.0), b=(0.0, 3.0), c=(1.0, 0.0)),
            (pv(9.0),),
            MinuteSums(
                net=-5.0,  # 1 − 3 − 3
                phase_import=1.0,
                phase_export=6.0,  # 3 + 3
                minute_export=5.0,  # max(5, 0)
                solar=9.0,
                consumption=4.0,  # −5 + 9
                self_consumption_phase=3.0,  # clamp(9 − 6, 0, 9)
                self_consumption_minute=4.0,  # clamp(9 − 5, 0, 9)
                present=2,
            ),
            id="exporting-minute",
        ),
        pytest.param(
            record("grid", b=(2.0, 0.0)),
            (pv(4.0, meter="pv1"), pv(3.0, meter="pv2"), pv(0.0, 0.5, meter="pv3")),
            MinuteSums(
                net=2.0,
                phase_import=2.0,
                minute_import=2.0,
                solar=7.0,  # 4 + 3 + max(0, −0.5): an inverter's draw is no negative production
                consumption=9.0,  # 2 + 7
                self_consumption_phase=7.0,  # clamp(7 − 0, 0, 7)
                self_consumption_minute=7.0,
                present=4,
            ),
            id="three-solar-meters-one-drawing",
        ),
        pytest.param(
            None,
            (pv(2.0),),
            MinuteSums(
                solar=2.0,
                consumption=2.0,  # 0 + 2
                self_consumption_phase=2.0,
                self_consumption_minute=2.0,
                present=1,  # the grid minute is missing
            ),
            id="grid-record-missing",
        ),
        pytest.param(
            record("grid", a=(0.0, 4.0)),
            (),
            MinuteSums(
                net=-4.0,
                phase_export=4.0,
                minute_export=4.0,
                consumption=0.0,  # max(−4 + 0, 0): exporting without production
                present=1,
                clamped_minutes=1,
                clamped_wh=4.0,  # −(−4)
            ),
            id="export-without-solar-is-clamped",
        ),
    ],
)
def test_site_minute_table(grid, solars, expected):
    assert site_minute(grid, solars) == expected


def test_site_minute_totals_takes_phase_sums_per_meter():
    # The A −8 / B +5 / C +5 grid minute as (Σ import, Σ export), with 6 Wh solar.
    assert site_minute_totals((10.0, 8.0), [(0.0, 6.0)]) == site_minute(A_EXPORTS_8, (pv(6.0),))
    assert site_minute_totals(None, [(0.5, 0.0)]).solar == 0.0  # max(0, 0 − 0.5)


def test_site_minute_float_noise_is_not_a_clamp():
    minute = site_minute(record("grid", a=(0.0, 0.1), b=(0.0, 0.2)), (pv(0.3),))
    assert minute.consumption == 0.0  # max(−(0.1 + 0.2) + 0.3 ≈ −5.6e-17, 0)
    assert minute.clamped_minutes == 0


def test_site_minute_no_records_is_empty():
    assert site_minute(None) == NO_SUMS


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        (T0, T0),
        (T0 + 60, T0),
        (T0 + 840, T0),  # the 15th minute
        (T0 + 900, T0 + 900),
        (T0 - 60, T0 - 900),
    ],
)
def test_quarter_start_table(ts, expected):
    assert quarter_start(ts) == expected


def test_minute_sums_add_fieldwise():
    one = MinuteSums(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 1, 1, 0.5)
    assert one + one == MinuteSums(2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 2, 2, 1.0)
    assert total([one, NO_SUMS, one]) == one + one


def test_quarter_sums_groups_minutes_by_utc_quarter():
    minutes = [
        (ts, site_minute(record("grid", ts, a=(1.0, 0.0)))) for ts in (T0, T0 + 840, T0 + 900)
    ]
    quarters = quarter_sums(minutes)
    assert sorted(quarters) == [T0, T0 + 900]
    assert quarters[T0].net == 2.0  # minutes 0 and 14, 1 Wh each
    assert quarters[T0 + 900].present == 1


def test_site_minutes_joins_meters_by_minute():
    grid = [record("grid", T0, a=(3.0, 0.0)), record("grid", T0 + 120, a=(1.0, 0.0))]
    solar = [pv(2.0, ts=T0 + 60), pv(1.0, ts=T0)]
    minutes = dict(site_minutes(grid, solar))
    assert sorted(minutes) == [T0, T0 + 60, T0 + 120]
    assert minutes[T0].consumption == 4.0  # 3 + 1
    assert minutes[T0 + 60].present == 1  # solar only: the grid minute is missing
    assert minutes[T0 + 120].solar == 0.0  # grid only
