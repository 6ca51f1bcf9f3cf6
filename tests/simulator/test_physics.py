"""The emulated site's physics: determinism, daily energies, and what each meter sees."""

from __future__ import annotations

import itertools
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from wattboard.simulator.minutes import KEYS, aggregate
from wattboard.simulator.physics import MeterSamples, SiteParams, SitePhysics

HELSINKI = ZoneInfo("Europe/Helsinki")
IMPORT = [KEYS.index(f"{p}_total_act_energy") for p in "abc"]
EXPORT = [KEYS.index(f"{p}_total_act_ret_energy") for p in "abc"]
ARRAYS = [f.name for f in fields(MeterSamples) if f.name != "t0"]
SPRING_FORWARD = int(datetime(2025, 3, 30, 4, 0, tzinfo=HELSINKI).timestamp())  # 03:00 → 04:00


@pytest.fixture(scope="module")
def site() -> SitePhysics:
    return SitePhysics(SiteParams())


def local_day(day: date) -> tuple[int, int]:
    """Return (start, length) in UTC seconds of a Helsinki calendar day."""
    start = datetime.combine(day, time(), HELSINKI)
    return int(start.timestamp()), int((start + timedelta(days=1)).timestamp() - start.timestamp())


def at(day: date, hour: int) -> int:
    return int(datetime.combine(day, time(hour), HELSINKI).timestamp())


def meter(site: SitePhysics, role: str, t0: int, n: int) -> MeterSamples:
    return site.grid(t0, n) if role == "grid" else site.solar(t0, n)


def day_records(site: SitePhysics, day: date) -> tuple[np.ndarray, np.ndarray]:
    start, n = local_day(day)
    return aggregate(site.grid(start, n)), aggregate(site.solar(start, n))


def consumption_wh(grid: np.ndarray, solar: np.ndarray) -> float:
    """Household use by docs/architecture.md with minute netting: grid import − grid export +
    solar."""
    grid_net = (grid[:, IMPORT] - grid[:, EXPORT]).sum(axis=1)
    solar_wh = np.maximum(-(solar[:, IMPORT] - solar[:, EXPORT]).sum(axis=1), 0.0)
    return float(grid_net.sum() + solar_wh.sum())


def assert_same_rows(whole: MeterSamples, parts: list[MeterSamples]) -> None:
    for name in ARRAYS:
        joined = np.concatenate([getattr(part, name) for part in parts])
        assert np.array_equal(joined, getattr(whole, name)), name


def assert_same(a: MeterSamples, b: MeterSamples) -> None:
    assert a.t0 == b.t0
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# -- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["grid", "solar"])
def test_meter_split_anywhere_is_bitwise_identical(role: str) -> None:
    # Two local days around the spring-forward day (23 h), cut at random seconds.
    t0, n = SPRING_FORWARD - 30 * 3600 + 17, 2 * 86_400
    whole = meter(SitePhysics(SiteParams()), role, t0, n)
    cuts = sorted(np.random.default_rng(7).integers(1, n, 5).tolist())
    fresh = SitePhysics(SiteParams())  # its own cache: nothing carries over from `whole`
    edges = [0, *cuts, n]
    parts = [meter(fresh, role, t0 + lo, hi - lo) for lo, hi in itertools.pairwise(edges)]
    assert_same_rows(whole, parts)


@pytest.mark.parametrize(
    ("zone", "lat", "lon", "transition"),
    [
        ("America/New_York", 40.7, -74.0, datetime(2025, 3, 9, 7, tzinfo=UTC)),  # 02:00 → 03:00
        ("Australia/Lord_Howe", -31.5, 159.1, datetime(2025, 4, 5, 15, tzinfo=UTC)),  # −30 min
        ("Asia/Kolkata", 22.6, 88.4, datetime(2025, 6, 21, 6, tzinfo=UTC)),  # +05:30, no DST
    ],
)
def test_grid_split_is_identical_in_other_zones(
    zone: str, lat: float, lon: float, transition: datetime
) -> None:
    params = SiteParams(lat=lat, lon=lon, timezone=zone)
    t0, n = int(transition.timestamp()) - 20 * 3600, 40 * 3600
    whole = SitePhysics(params).grid(t0, n)
    fresh, cut = SitePhysics(params), 20 * 3600 + 1  # one second after the transition
    assert_same_rows(whole, [fresh.grid(t0, cut), fresh.grid(t0 + cut, n - cut)])


def test_grid_single_seconds_equal_rows_of_a_range(site: SitePhysics) -> None:
    t0 = at(date(2025, 6, 21), 12) - 5
    whole = site.grid(t0, 10)
    for i in range(10):
        one = site.grid(t0 + i, 1)
        assert np.array_equal(one.act_w, whole.act_w[i : i + 1])
        assert np.array_equal(one.voltage_v, whole.voltage_v[i : i + 1])


def test_grid_same_seed_gives_same_seconds(site: SitePhysics) -> None:
    t0 = at(date(2025, 6, 21), 18)
    assert_same(site.grid(t0, 3600), SitePhysics(SiteParams(seed=1)).grid(t0, 3600))


def test_grid_different_seeds_differ(site: SitePhysics) -> None:
    t0 = at(date(2025, 6, 21), 18)
    other = SitePhysics(SiteParams(seed=2)).grid(t0, 3600)
    assert not np.array_equal(site.grid(t0, 3600).act_w, other.act_w)


def test_grid_zero_seconds_are_empty(site: SitePhysics) -> None:
    empty = site.grid(at(date(2025, 6, 21), 12), 0)
    assert empty.act_w.shape == (0, 3)
    assert empty.freq_hz.shape == (0,)


def test_grid_negative_count_is_refused(site: SitePhysics) -> None:
    with pytest.raises(ValueError, match="n must be"):
        site.grid(0, -1)


# -- energy over days --------------------------------------------------------------------------


def test_solar_midsummer_day_yields_30_to_80_kwh(site: SitePhysics) -> None:
    _, solar = day_records(site, date(2025, 6, 21))
    produced = solar[:, EXPORT].sum()
    assert 30_000 <= produced <= 80_000  # 10 kWp × 3–8 full-sun hours at 60° N in June


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 15),  # winter weekday: the heat pump runs long
        date(2025, 1, 18),  # winter Saturday: sauna evening
        date(2025, 6, 21),  # midsummer Saturday
        date(2025, 6, 24),  # summer weekday
        date(2025, 10, 26),  # 25-hour day: clocks go back
    ],
)
def test_household_uses_8_to_40_kwh_a_day(site: SitePhysics, day: date) -> None:
    grid, solar = day_records(site, day)
    assert 8_000 <= consumption_wh(grid, solar) <= 40_000  # a Finnish house with a heat pump


def test_household_uses_more_in_winter(site: SitePhysics) -> None:
    winter = consumption_wh(*day_records(site, date(2025, 1, 15)))
    summer = consumption_wh(*day_records(site, date(2025, 6, 24)))
    assert winter > summer  # two weekdays: heating and lighting make the difference


def test_grid_load_does_not_depend_on_pv() -> None:
    # grid − solar is the household alone, whatever the size of the array.
    t0 = at(date(2025, 6, 21), 11)
    with_pv, without = SitePhysics(SiteParams(pv_kwp=10.0)), SitePhysics(SiteParams(pv_kwp=0.0))
    load_with = with_pv.grid(t0, 600).act_w - with_pv.solar(t0, 600).act_w
    load_without = without.grid(t0, 600).act_w - without.solar(t0, 600).act_w
    np.testing.assert_allclose(load_with, load_without, rtol=0, atol=1e-9)


def test_grid_midday_has_a_phase_importing_while_another_exports(site: SitePhysics) -> None:
    grid, _ = day_records(site, date(2025, 6, 21))
    imports = (grid[:, IMPORT] > 0) & (grid[:, EXPORT] == 0)
    exports = (grid[:, EXPORT] > 0) & (grid[:, IMPORT] == 0)
    mixed = imports.any(axis=1) & exports.any(axis=1)
    assert mixed.sum() >= 5  # an appliance on one phase outweighs its third of the PV


# -- what a meter sees -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["grid", "solar"])
def test_meter_electrical_quantities_are_plausible(site: SitePhysics, role: str) -> None:
    start, n = local_day(date(2025, 1, 18))
    s = meter(site, role, start, n)
    assert s.voltage_v.min() >= 220.0
    assert s.voltage_v.max() <= 245.0
    assert np.abs(s.freq_hz - 50.0).max() < 0.2
    np.testing.assert_allclose(s.current_a, s.aprt_va / s.voltage_v, rtol=1e-12)
    np.testing.assert_allclose(s.aprt_va**2, s.act_w**2 + s.react_var**2, rtol=1e-9)
    np.testing.assert_allclose(s.pf * s.aprt_va, s.act_w, rtol=1e-9, atol=1e-9)


def test_solar_draws_a_few_watts_at_night(site: SitePhysics) -> None:
    night = site.solar(at(date(2025, 6, 21), 1), 600)
    assert (night.act_w > 0).all()  # the sleeping inverter consumes: positive, import
    assert night.act_w.sum(axis=1).max() < 20.0  # a few watts in total


def test_solar_exports_equally_on_all_phases_at_noon(site: SitePhysics) -> None:
    noon = site.solar(at(date(2025, 6, 21), 13), 600)
    assert (noon.act_w < 0).all()  # production flows out of the inverter: export
    np.testing.assert_array_equal(noon.act_w[:, 0], noon.act_w[:, 2])
    assert np.abs(noon.pf).min() > 0.99  # the inverter feeds at unity power factor


def test_solar_never_exceeds_the_inverter_rating(site: SitePhysics) -> None:
    start, n = local_day(date(2025, 6, 21))
    production = -site.solar(start, n).act_w.sum(axis=1)
    assert production.max() <= 8000.0  # 10 kWp on an inverter of 10 / 1.25 = 8 kW AC
