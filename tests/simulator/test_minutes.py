"""Aggregation of a meter's seconds into the device's minute records."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from wattboard.simulator.minutes import KEYS, aggregate
from wattboard.simulator.physics import MeterSamples, SiteParams, SitePhysics

FIXTURES = Path(__file__).parent.parent / "fixtures" / "shelly"
HELSINKI = ZoneInfo("Europe/Helsinki")
T0 = 1_739_876_580  # a minute start (the first real GetData page)


def col(key: str) -> int:
    return KEYS.index(key)


def samples(act: np.ndarray, react: np.ndarray | None = None, volts: float = 230.0) -> MeterSamples:
    """Build what the CTs see from per-second active (and reactive) power, shape (n, 3)."""
    react = np.zeros_like(act) if react is None else react
    aprt = np.sqrt(act**2 + react**2)
    voltage = np.full_like(act, volts)
    pf = np.divide(act, aprt, out=np.ones_like(act), where=aprt > 0)
    return MeterSamples(T0, act, aprt, react, voltage, aprt / voltage, pf, np.full(len(act), 50.0))


def steady(a: float, b: float, c: float, seconds: int = 60) -> MeterSamples:
    return samples(np.tile([a, b, c], (seconds, 1)).astype(np.float64))


@pytest.fixture(scope="module")
def midsummer() -> tuple[MeterSamples, np.ndarray]:
    site = SitePhysics(SiteParams())
    start = int(datetime.combine(date(2025, 6, 21), time(), HELSINKI).timestamp())
    grid = site.grid(start, 86_400)
    return grid, aggregate(grid)


def test_keys_match_a_real_device_page() -> None:
    page = json.loads((FIXTURES / "getdata_pages" / "1739876580.json").read_text())
    assert tuple(page["keys"]) == KEYS
    assert len(KEYS) == 51  # 3 phases × 16 + 3 neutral


def test_aggregate_refuses_an_unaligned_start() -> None:
    s = steady(100.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="whole minutes"):
        aggregate(MeterSamples(T0 + 1, s.act_w, s.aprt_va, s.react_var, *_rest(s)))


def test_aggregate_refuses_a_partial_minute() -> None:
    with pytest.raises(ValueError, match="whole minutes"):
        aggregate(steady(100.0, 0.0, 0.0, seconds=90))


def test_aggregate_of_nothing_has_no_rows() -> None:
    assert aggregate(steady(0.0, 0.0, 0.0, seconds=0)).shape == (0, 51)


def test_aggregate_steady_import_and_export() -> None:
    row = aggregate(steady(600.0, -1200.0, 0.0))[0]
    assert row[col("a_total_act_energy")] == 10.0  # 600 W × 60 s / 3600
    assert row[col("a_fund_act_energy")] == 9.98  # 10 Wh × 0.998 fundamental share
    assert row[col("a_total_act_ret_energy")] == 0.0
    assert row[col("b_total_act_ret_energy")] == 20.0  # 1200 W × 60 s / 3600
    assert row[col("b_total_act_energy")] == 0.0
    assert row[col("b_max_act_power")] == -1200.0  # signed extremes
    assert row[col("b_min_act_power")] == -1200.0
    assert row[col("b_max_aprt_power")] == 1200.0
    assert row[col("a_avg_current")] == 2.609  # 600 VA / 230 V = 2.6087 A
    assert row[col("c_avg_voltage")] == 230.0


def test_aggregate_counts_both_directions_when_a_phase_changes_sign() -> None:
    act = np.zeros((60, 3))
    act[:30, 0], act[30:, 0] = 720.0, -360.0
    row = aggregate(samples(act))[0]
    assert row[col("a_total_act_energy")] == 6.0  # 720 W × 30 s / 3600
    assert row[col("a_total_act_ret_energy")] == 3.0  # 360 W × 30 s / 3600
    assert row[col("a_max_act_power")] == 720.0
    assert row[col("a_min_act_power")] == -360.0


def test_aggregate_splits_reactive_energy_by_sign() -> None:
    act, react = np.full((60, 3), 500.0), np.zeros((60, 3))
    react[:30, 1], react[30:, 1] = 120.0, -60.0
    row = aggregate(samples(act, react))[0]
    assert row[col("b_lag_react_energy")] == 1.0  # 120 var × 30 s / 3600
    assert row[col("b_lead_react_energy")] == 0.5  # 60 var × 30 s / 3600


def test_aggregate_neutral_reads_like_an_unconnected_input() -> None:
    # Real records: n_max/min/avg 0.028/0.026/0.027 A next to 10–17 A phase currents.
    for load in ((2300.0, 2300.0, 2300.0), (2300.0, 0.0, 0.0)):
        row = aggregate(steady(*load))[0]
        for stat in ("n_max_current", "n_min_current", "n_avg_current"):
            assert 0.025 <= row[col(stat)] <= 0.030
        assert row[col("n_min_current")] <= row[col("n_avg_current")] <= row[col("n_max_current")]


def test_aggregate_rows_are_independent_minutes(midsummer: tuple[MeterSamples, np.ndarray]) -> None:
    grid, rows = midsummer
    hour = MeterSamples(grid.t0 + 3600, *(_rows(grid, 3600, 7200)))
    np.testing.assert_array_equal(aggregate(hour), rows[60:120])  # minutes 60…119 of the day


def test_aggregate_mean_power_lies_within_the_extremes(
    midsummer: tuple[MeterSamples, np.ndarray],
) -> None:
    _, rows = midsummer
    for p in "abc":
        mean_w = rows[:, col(f"{p}_total_act_energy")] - rows[:, col(f"{p}_total_act_ret_energy")]
        mean_w = mean_w * 60  # Wh per minute × 60 = average W
        # Energies carry 4 decimals (× 60 → ±0.003 W), powers 1 decimal (±0.05 W).
        assert (mean_w >= rows[:, col(f"{p}_min_act_power")] - 0.06).all()
        assert (mean_w <= rows[:, col(f"{p}_max_act_power")] + 0.06).all()


def test_aggregate_rounds_like_the_device(midsummer: tuple[MeterSamples, np.ndarray]) -> None:
    _, rows = midsummer
    decimals = {"energy": 4, "power": 1, "voltage": 3, "current": 3}
    for i, key in enumerate(KEYS):
        places = next(d for kind, d in decimals.items() if kind in key)
        scaled = rows[:, i] * 10**places
        np.testing.assert_allclose(scaled, np.rint(scaled), rtol=0, atol=1e-6, err_msg=key)


def test_aggregate_fundamental_is_slightly_below_total(
    midsummer: tuple[MeterSamples, np.ndarray],
) -> None:
    _, rows = midsummer
    total, fund = rows[:, col("a_total_act_energy")], rows[:, col("a_fund_act_energy")]
    assert (fund <= total).all()
    np.testing.assert_allclose(fund, total * 0.998, atol=1e-4)  # 4-decimal rounding


def _rest(s: MeterSamples) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return s.voltage_v, s.current_a, s.pf, s.freq_hz


def _rows(s: MeterSamples, lo: int, hi: int) -> list[np.ndarray]:
    arrays = [s.act_w, s.aprt_va, s.react_var, s.voltage_v, s.current_a, s.pf, s.freq_hz]
    return [a[lo:hi] for a in arrays]
