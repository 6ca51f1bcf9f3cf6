"""Physics of an emulated site at 1-second resolution: a household, a PV array and the grid.

Every quantity is a pure function of the seed and of absolute time, so any split of a time
range into calls yields the same seconds. Random parts come from two sources only:
- per local day, a generator seeded with (seed, stream, date ordinal) draws that day's
  appliance schedule (all of it inside the day, so a day never depends on its neighbours);
- continuous processes (clouds, weather, voltage, fridge cycles) are value noise whose knots are
  hashes of (seed, stream, knot index), so they flow across midnight without a seam.
Seconds are rendered one local day at a time and the last few days are cached, which makes
the live `n=1` call a slice of a cached day.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import IntEnum
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_MASK64: Final = (1 << 64) - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15
_MIX1: Final = 0xBF58476D1CE4E5B9
_MIX2: Final = 0x94D049BB133111EB
_JAN1_2000: Final = 946_684_800  # UTC epoch of 2000-01-01, the origin of the fractional year
_TROPICAL_YEAR_S: Final = 365.2422 * 86_400
_CACHED_DAYS: Final = 4  # a day-sized request that straddles midnight touches two days
_PHASE_ANGLES: Final = np.radians([0.0, -120.0, 120.0])  # a, b, c: positive sequence

# Reactive per active power (tan φ) by load type: + lagging (inductive), − leading.
_RESISTIVE: Final = 0.0
_MOTOR: Final = 0.75  # pf 0.8
_COMPRESSOR: Final = 0.88  # pf 0.75
_HEAT_PUMP: Final = 0.48  # pf 0.9
_ELECTRONICS: Final = -0.48  # pf 0.9, the capacitive input of switched-mode supplies
_ALWAYS_ON: Final = 0.3  # ventilation fans and standby electronics together


@dataclass(frozen=True, slots=True)
class SiteParams:
    """The emulated site: which household (seed), where, how much PV."""

    seed: int = 1
    lat: float = 60.17  # Helsinki
    lon: float = 24.94
    pv_kwp: float = 10.0
    timezone: str = "Europe/Helsinki"  # the household's daily rhythm follows local time


@dataclass(frozen=True, slots=True)
class MeterSamples:
    """What one meter's CTs see, one row per second, columns = phases a, b, c."""

    t0: int  # UTC epoch second of row 0
    act_w: F64  # (n, 3) signed active power: + import (towards the house), − export
    aprt_va: F64  # (n, 3) apparent power ≥ 0
    react_var: F64  # (n, 3) signed reactive power (+ lagging/inductive, − leading)
    voltage_v: F64  # (n, 3)
    current_a: F64  # (n, 3) = aprt / voltage
    pf: F64  # (n, 3) act / aprt: the sign follows the active power
    freq_hz: F64  # (n,)


# -- deterministic noise -----------------------------------------------------------------------


class _Stream(IntEnum):
    """Independent random streams; the numbers are part of the seed's meaning, keep them."""

    HOUSE = 1
    DAY = 2
    WEATHER = 3
    CLOUD = 4
    TEMPERATURE = 5
    ACTIVITY = 6
    FRIDGE = 7
    FREEZER = 8
    HEAT_PUMP = 9
    VOLTAGE = 10
    FREQUENCY = 11
    MPPT = 12


def _splitmix(x: int) -> int:
    """Scramble a 64-bit integer (the SplitMix64 finaliser) in plain Python."""
    z = (x + _GOLDEN) & _MASK64
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK64
    return z ^ (z >> 31)


def _key(*parts: int) -> int:
    """Fold integers into one 64-bit stream key."""
    key = 0
    for part in parts:
        key = _splitmix(key ^ (part & _MASK64))
    return key


def _uniform(key: int, index: I64) -> F64:
    """Return hash-derived uniform numbers in [−1, 1), one per index (SplitMix64 on arrays)."""
    # uint64 arrays wrap on overflow, which is what the hash wants.
    z = np.ascontiguousarray(index, dtype=np.int64).view(np.uint64) ^ np.uint64(key)
    z = z + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0


def _smooth(key: int, t: I64, period: int) -> F64:
    """Return value noise in [−1, 1]: hashed knots every `period` s, smoothstep between them."""
    knot = t // period
    first = int(knot.min()) if knot.size else 0
    values = _uniform(key, np.arange(first, first + int(np.ptp(knot)) + 2, dtype=np.int64))
    rel = knot - first
    s = (t - knot * period) / period
    s = s * s * (3.0 - 2.0 * s)
    a = values[rel]
    return a + (values[rel + 1] - a) * s


def _octaves(key: int, t: I64, periods: tuple[int, ...], weights: tuple[float, ...]) -> F64:
    """Sum value noise at several time scales (fractal noise)."""
    total = np.zeros(t.shape)
    for i, (period, weight) in enumerate(zip(periods, weights, strict=True)):
        total += weight * _smooth(_key(key, i), t, period)
    return total


def _sigmoid(x: F64) -> F64:
    return 1.0 / (1.0 + np.exp(-x))


# -- calendar ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Day:
    """One local calendar day as a run of UTC seconds (23, 24 or 25 hours long)."""

    tz: str
    ordinal: int  # local date ordinal: the seed of the day's schedule
    start: int  # UTC epoch second of local midnight
    length: int  # seconds
    shift_at: int  # elapsed second from which the UTC offset has changed (DST), or length
    shift: int  # the change in seconds (+3600 in spring)

    @property
    def weekday(self) -> int:
        return date.fromordinal(self.ordinal).weekday()

    def at(self, hours: float) -> int:
        """Return the elapsed second of a local wall-clock time of this day."""
        midnight = datetime.combine(date.fromordinal(self.ordinal), time(), tzinfo=ZoneInfo(self.tz))
        moment = midnight + timedelta(hours=hours)  # aware + timedelta is wall-clock arithmetic
        return min(max(int(moment.timestamp()) - self.start, 0), self.length - 1)

    def wall_clock(self) -> I64:
        """Return the local wall-clock second of each elapsed second."""
        elapsed = np.arange(self.length, dtype=np.int64)
        if self.shift:
            elapsed[self.shift_at :] += self.shift
        return elapsed


def _offset(tz: ZoneInfo, t: int) -> int:
    delta = datetime.fromtimestamp(t, tz).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


def _midnight(tz: ZoneInfo, ordinal: int) -> int:
    return int(datetime.combine(date.fromordinal(ordinal), time(), tzinfo=tz).timestamp())


def _first_with_offset(tz: ZoneInfo, lo: int, hi: int, offset: int) -> int:
    """Bisect for the first second in [lo, hi] whose UTC offset is `offset`."""
    while lo < hi:
        mid = (lo + hi) // 2
        if _offset(tz, mid) == offset:
            hi = mid
        else:
            lo = mid + 1
    return lo


@lru_cache(maxsize=1024)
def _day(tz_name: str, ordinal: int) -> _Day:
    tz = ZoneInfo(tz_name)
    start, end = _midnight(tz, ordinal), _midnight(tz, ordinal + 1)
    first, last = _offset(tz, start), _offset(tz, end - 1)
    shift_at = end - start if first == last else _first_with_offset(tz, start, end - 1, last) - start
    return _Day(tz_name, ordinal, start, end - start, shift_at, last - first)


def _day_containing(tz_name: str, t: int) -> _Day:
    ordinal = datetime.fromtimestamp(t, ZoneInfo(tz_name)).date().toordinal()
    day = _day(tz_name, ordinal)
    if t < day.start:  # only where midnight itself is skipped or repeated
        return _day(tz_name, ordinal - 1)
    return day if t < day.start + day.length else _day(tz_name, ordinal + 1)


# -- sun, weather and PV -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sun:
    up: F64  # sine of the solar elevation
    incidence: F64  # cosine of the angle of incidence on the array (< 0: sun behind it)
    year: F64  # fractional year γ in radians (0 at 1 January)
    warmth: F64  # cos of the hour angle from 15:00 solar time, when days are warmest


def _year_angle(t: I64) -> F64:
    # Counting tropical years from 2000 keeps γ continuous across New Year.
    years = (t - _JAN1_2000) / _TROPICAL_YEAR_S
    return 2.0 * np.pi * (years - np.floor(years))


def _declination_and_eot(gamma: F64) -> tuple[F64, F64]:
    """Return solar declination (rad) and the equation of time (min), Spencer's series."""
    c1, s1 = np.cos(gamma), np.sin(gamma)
    c2, s2 = 2.0 * c1 * c1 - 1.0, 2.0 * s1 * c1
    c3, s3 = c1 * (2.0 * c2 - 1.0), s1 * (2.0 * c2 + 1.0)
    decl = 0.006918 - 0.399912 * c1 + 0.070257 * s1 - 0.006758 * c2 + 0.000907 * s2
    decl += -0.002697 * c3 + 0.00148 * s3
    eot = 229.18 * (0.000075 + 0.001868 * c1 - 0.032077 * s1 - 0.014615 * c2 - 0.040849 * s2)
    return decl, eot


def _sun(t: I64, lat: float, lon: float, tilt_deg: float) -> _Sun:
    """Return the sun's position relative to the horizon and to an equator-facing array."""
    gamma = _year_angle(t)
    decl, eot = _declination_and_eot(gamma)
    solar_minutes = (t % 86_400) / 60.0 + eot + 4.0 * lon
    hour_angle = np.radians(solar_minutes / 4.0 - 180.0)
    cos_h, sin_h = np.cos(hour_angle), np.sin(hour_angle)
    sin_d, cos_d = np.sin(decl), np.cos(decl)
    phi = math.radians(lat)
    up = math.sin(phi) * sin_d + math.cos(phi) * cos_d * cos_h
    north = math.cos(phi) * sin_d - math.sin(phi) * cos_d * cos_h
    beta = math.radians(tilt_deg)
    facing = -1.0 if lat >= 0 else 1.0  # south in the north, north in the south
    incidence = up * math.cos(beta) + facing * north * math.sin(beta)
    warmth = (cos_h + sin_h) * math.sqrt(0.5)  # cos(H − 45°): 15:00 solar time
    return _Sun(up, incidence, gamma, warmth)


def _clear_sky_poa(sun: _Sun, tilt_deg: float) -> F64:
    """Return clear-sky irradiance on the array plane, W/m² (Meinel beam, 10 % diffuse)."""
    up = np.maximum(sun.up, 0.0)
    r = 708.0  # Earth radius over the atmosphere's scale height: finite air mass at the horizon
    air_mass = np.sqrt((r * up) ** 2 + 2.0 * r + 1.0) - r * up
    dni = 1361.0 * (1.0 + 0.033 * np.cos(sun.year)) * 0.7 ** (air_mass**0.678)
    dni = np.where(sun.up > 0.0, dni, 0.0)
    diffuse = 0.1 * dni
    ghi = dni * up + diffuse
    cos_b = math.cos(math.radians(tilt_deg))
    return dni * np.maximum(sun.incidence, 0.0) + diffuse * (1 + cos_b) / 2 + ghi * 0.1 * (1 - cos_b)


def clear_sky_poa(t: I64, params: SiteParams) -> F64:
    """Return the clear-sky plane-of-array irradiance (W/m²) of the site's array at times t."""
    return _clear_sky_poa(_sun(t, params.lat, params.lon, _TILT_DEG), _TILT_DEG)


def _cloudiness(key: int, t: I64, gamma: F64) -> F64:
    """Return the sky's cloud fraction in (0, 1): weather systems over days, by season."""
    season = 0.25 + 1.0 * np.cos(gamma - 0.2)  # overcast winters, bright early summers
    weather = _octaves(key, t, (129_600, 32_400), (1.0, 0.35))  # 36 h and 9 h systems
    return _sigmoid(season + 2.2 * weather)


def _cloud_cover(key: int, t: I64, cloudiness: F64) -> F64:
    """Return 0 (sun out) … 1 (behind a cloud): passing clouds at second-to-minute scale."""
    field = _octaves(key, t, (2400, 600, 120, 25), (1.0, 0.8, 0.5, 0.2))
    field *= 1.0 / 0.78  # the octaves' standard deviation, so the field is about N(0, 1)
    p = np.clip(cloudiness, 0.01, 0.99)
    threshold = np.log((1.0 - p) / p) / 1.702  # logistic approximation of Φ⁻¹(1 − p)
    return _sigmoid((field - threshold) / 0.08)


def _ambient_c(key: int, t: I64, sun: _Sun, cloudiness: F64) -> F64:
    """Return outdoor temperature in °C: Helsinki-like seasons, weather, a damped daily swing."""
    season = 5.5 - 11.5 * np.cos(sun.year - 0.38)  # coldest late January, warmest late July
    weather = 5.0 * _octaves(key, t, (172_800, 43_200), (1.0, 0.3))
    return season + weather + 4.0 * sun.warmth * (1.0 - 0.6 * cloudiness)


@dataclass(frozen=True, slots=True)
class _Sky:
    cloudiness: F64
    ambient_c: F64
    pv_ac_w: F64  # inverter output, 0 while it sleeps


_TILT_DEG: Final = 35.0
_PV_LOSSES: Final = 0.93  # soiling, wiring, mismatch
_TEMP_COEFF: Final = -0.0037  # per °C above 25 °C cell temperature
_DC_AC_RATIO: Final = 1.25  # a 10 kWp array on an 8 kW inverter, which clips on bright days


def _pv_dc(poa: F64, ambient_c: F64, kwp: float) -> F64:
    cell_c = ambient_c + poa * (25.0 / 800.0)  # NOCT 45 °C
    return kwp * poa * _PV_LOSSES * (1.0 + _TEMP_COEFF * (cell_c - 25.0))


def _inverter_ac(dc: F64, kwp: float) -> F64:
    """Return AC output: ~96 % efficient at load, self-use at low light, clipped at its rating."""
    rated = max(kwp * 1000.0 / _DC_AC_RATIO, 1.0)
    ac = 0.97 * dc - 20.0 - 0.012 * dc * dc / rated
    return np.clip(ac, 0.0, rated)


def _sky(keys: _Keys, t: I64, sun: _Sun, params: SiteParams) -> _Sky:
    """Return clouds, temperature and PV output for the seconds t."""
    cloudiness = _cloudiness(keys.weather, t, sun.year)
    ambient = _ambient_c(keys.temperature, t, sun, cloudiness)
    pv = np.zeros(t.shape)
    day = np.flatnonzero(sun.up > 0.0)  # clouds matter only while the sun is up
    if day.size and params.pv_kwp > 0:
        pv[day] = _pv_day(keys, t[day], _take(sun, day), cloudiness[day], ambient[day], params)
    return _Sky(cloudiness, ambient, pv)


def _take(sun: _Sun, idx: I64) -> _Sun:
    return _Sun(sun.up[idx], sun.incidence[idx], sun.year[idx], sun.warmth[idx])


def _pv_day(keys: _Keys, t: I64, sun: _Sun, cloudiness: F64, ambient: F64, p: SiteParams) -> F64:
    cover = _cloud_cover(keys.cloud, t, cloudiness)
    # Beam light is lost behind a cloud, diffuse light mostly not; haze grows with cloudiness;
    # cloud edges reflect extra light onto the array (enhancement up to ~12 %).
    shade = 0.12 + 0.25 * (1.0 - cloudiness)
    transmission = (1.0 - cover) * (1.0 - 0.2 * cloudiness) + cover * shade
    transmission *= 1.0 + 0.5 * cover * (1.0 - cover)
    poa = _clear_sky_poa(sun, _TILT_DEG) * transmission
    ac = _inverter_ac(_pv_dc(poa, ambient, p.pv_kwp), p.pv_kwp)
    return ac * (1.0 + 0.002 * _uniform(keys.mppt, t))  # MPPT tracking ripple


# -- household ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Keys:
    weather: int
    cloud: int
    temperature: int
    activity: int
    fridge: int
    freezer: int
    heat_pump: int
    voltage: int
    frequency: int
    mppt: int

    @classmethod
    def of(cls, seed: int) -> _Keys:
        s = _Stream
        return cls(
            *(_key(seed, stream) for stream in (s.WEATHER, s.CLOUD, s.TEMPERATURE, s.ACTIVITY)),
            *(_key(seed, stream) for stream in (s.FRIDGE, s.FREEZER, s.HEAT_PUMP, s.VOLTAGE)),
            *(_key(seed, stream) for stream in (s.FREQUENCY, s.MPPT)),
        )


@dataclass(frozen=True, slots=True)
class _House:
    """The fixed traits of a household: its wiring and its appliances."""

    always_on_w: tuple[float, float, float]
    activity_share: tuple[float, float, float]
    kitchen: int  # the phase of the kettle and microwave sockets
    oven: tuple[int, int]  # the oven and hob are wired across two phases
    washer: int
    dishwasher: int
    fridge: int
    freezer: int
    sauna_w: float
    heat_pump_w: float
    inverter_draw_w: float
    volt_offset: tuple[float, float, float]

    @classmethod
    def of(cls, seed: int) -> _House:
        rng = np.random.default_rng([seed & _MASK64, _Stream.HOUSE])
        always_on = rng.uniform(35.0, 90.0, 3)
        share = rng.dirichlet([4.0, 4.0, 4.0])
        kitchen, oven_b, washer, dishwasher, fridge, freezer = rng.integers(0, 3, 6)
        oven = (int(kitchen), int((kitchen + 1 + oven_b % 2) % 3))
        return cls(
            (float(always_on[0]), float(always_on[1]), float(always_on[2])),
            (float(share[0]), float(share[1]), float(share[2])),
            int(kitchen), oven, int(washer), int(dishwasher), int(fridge), int(freezer),
            float(rng.uniform(6000.0, 9000.0)),
            float(rng.uniform(1300.0, 1700.0)),
            float(rng.uniform(4.0, 9.0)),
            (float(rng.normal(0, 1.5)), float(rng.normal(0, 1.5)), float(rng.normal(0, 1.5))),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Burst:
    """One appliance run: steady, or on/off cycling (thermostat, drum) after a warm-up."""

    start: int  # elapsed seconds since local midnight
    duration: int
    watts: tuple[float, float, float]  # per phase while on
    var_per_w: float = _RESISTIVE
    warmup: int = 0  # seconds at full power before cycling starts
    period: int = 0  # cycle length; 0 = steady
    duty: float = 1.0


def _on(n: int, burst: _Burst) -> F64:
    if burst.period <= 0:
        return np.ones(n)
    k = np.arange(n) - burst.warmup
    cycling = (k % burst.period) < burst.duty * burst.period
    return ((k < 0) | cycling).astype(np.float64)


def _add_burst(p: F64, q: F64, burst: _Burst) -> None:
    end = min(burst.start + burst.duration, len(p))
    if end <= burst.start:
        return
    on = _on(end - burst.start, burst)
    for phase, watts in enumerate(burst.watts):
        if watts:
            p[burst.start : end, phase] += on * watts
            q[burst.start : end, phase] += on * (watts * burst.var_per_w)


def _single(phase: int, watts: float) -> tuple[float, float, float]:
    out = [0.0, 0.0, 0.0]
    out[phase] = watts
    return (out[0], out[1], out[2])


def _split(phases: tuple[int, ...], watts: float) -> tuple[float, float, float]:
    out = [0.0, 0.0, 0.0]
    for phase in phases:
        out[phase] += watts / len(phases)
    return (out[0], out[1], out[2])


class _Planner:
    """Draws one day's appliance runs; each method is one appliance, in a fixed draw order."""

    def __init__(self, house: _House, day: _Day, seed: int) -> None:
        self.house, self.day = house, day
        self.rng = np.random.default_rng([seed & _MASK64, _Stream.DAY, day.ordinal])
        self.weekend = day.weekday >= 5
        self.bursts: list[_Burst] = []

    def plan(self) -> list[_Burst]:
        for appliance in (self.kettle, self.microwave, self.cooking, self.laundry):
            appliance()
        for appliance in (self.dishes, self.sauna, self.cleaning):
            appliance()
        return self.bursts

    def when(self, earliest_h: float, latest_h: float) -> int:
        return self.day.at(float(self.rng.uniform(earliest_h, latest_h)))

    def minutes(self, low: float, high: float) -> int:
        return int(self.rng.uniform(low, high) * 60)

    def kettle(self) -> None:
        slots = ((8, 10, 0.8), (13, 15, 0.5), (19, 21, 0.5)) if self.weekend else (
            (6.3, 7.5, 0.75), (16.5, 18, 0.4), (20, 22, 0.5))  # fmt: skip
        for earliest, latest, chance in slots:
            start, watts = self.when(earliest, latest), float(self.rng.uniform(1900, 2200))
            if self.rng.random() < chance:
                run = _Burst(start, self.minutes(2, 4), _single(self.house.kitchen, watts))
                self.bursts.append(run)

    def microwave(self) -> None:
        for earliest, latest in ((11.5, 13.0), (17.0, 19.5)):
            start, duration = self.when(earliest, latest), self.minutes(1, 5)
            if self.rng.random() < (0.5 if self.weekend else 0.3):
                watts = _single(self.house.kitchen, 1150.0)
                self.bursts.append(_Burst(start, duration, watts, var_per_w=0.35))

    def cooking(self) -> None:
        """Oven with thermostat, and hob plates, across two phases around dinner."""
        start = self.when(15.0, 18.0) if self.weekend else self.when(16.5, 18.0)
        oven_w, hob_w = float(self.rng.uniform(2000, 3000)), float(self.rng.uniform(1200, 1800))
        duration, warmup = self.minutes(35, 60), self.minutes(8, 15)
        period, duty = int(self.rng.integers(60, 120)), float(self.rng.uniform(0.35, 0.55))
        if self.rng.random() < (0.7 if self.weekend else 0.55):
            watts = _split(self.house.oven, oven_w)
            self.bursts.append(_Burst(start, duration, watts, _RESISTIVE, warmup, period, duty))
        if self.rng.random() < 0.5:
            watts = _split(self.house.oven, hob_w)
            self.bursts.append(_Burst(start + 600, self.minutes(15, 25), watts, _RESISTIVE, 0, 40, 0.5))

    def laundry(self) -> None:
        """Washing machine: heat the water, tumble, spin."""
        start = self.when(9.0, 19.0) if self.weekend else self.when(17.0, 20.5)
        heat, tumble, spin = self.minutes(12, 18), self.minutes(40, 60), self.minutes(6, 10)
        heat_w, motor_w = float(self.rng.uniform(1800, 2200)), float(self.rng.uniform(150, 300))
        if self.rng.random() >= (0.8 if self.weekend else 0.35):
            return
        phase = self.house.washer
        self.bursts += [
            _Burst(start, heat, _single(phase, heat_w)),
            _Burst(start + heat, tumble, _single(phase, motor_w), _MOTOR, 0, 20, 0.7),
            _Burst(start + heat + tumble, spin, _single(phase, motor_w + 250.0), 0.6),
        ]

    def dishes(self) -> None:
        """Dishwasher after dinner: rinse, heat, wash, heat for the final rinse."""
        start, heat = self.when(19.0, 22.0), self.minutes(15, 20)
        heat_w = float(self.rng.uniform(1900, 2200))
        if self.rng.random() >= 0.6:
            return
        phase = self.house.dishwasher
        self.bursts += [
            _Burst(start, 600, _single(phase, 80.0), _MOTOR),
            _Burst(start + 600, heat, _single(phase, heat_w)),
            _Burst(start + 600 + heat, 1800, _single(phase, 100.0), _MOTOR),
            _Burst(start + 2400 + heat, 600, _single(phase, heat_w)),
        ]

    def sauna(self) -> None:
        """Electric sauna stove on three phases: heat up, then thermostat cycles."""
        chance = (0.1, 0.1, 0.2, 0.1, 0.35, 0.75, 0.3)[self.day.weekday]
        start = self.when(17.0, 19.0) if self.weekend else self.when(18.0, 20.5)
        duration, warmup = self.minutes(60, 120), self.minutes(40, 55)
        period, duty = int(self.rng.integers(300, 600)), float(self.rng.uniform(0.45, 0.6))
        if self.rng.random() < chance:
            watts = _split((0, 1, 2), self.house.sauna_w)
            self.bursts.append(_Burst(start, duration, watts, _RESISTIVE, warmup, period, duty))

    def cleaning(self) -> None:
        start, duration = self.when(10.0, 16.0), self.minutes(10, 20)
        phase, watts = int(self.rng.integers(0, 3)), float(self.rng.uniform(1200, 1600))
        if self.weekend and self.rng.random() < 0.5:
            self.bursts.append(_Burst(start, duration, _single(phase, watts), 0.4))


# Share of the household awake and using lights and electronics, by local hour 0…24.
_WEEKDAY_ACTIVITY: Final = np.array(
    [0.10, 0.06, 0.05, 0.05, 0.05, 0.08, 0.35, 0.70, 0.55, 0.20, 0.15, 0.15, 0.20,
     0.15, 0.15, 0.25, 0.45, 0.70, 0.85, 0.85, 0.80, 0.75, 0.55, 0.30, 0.10]
)  # fmt: skip
_WEEKEND_ACTIVITY: Final = np.array(
    [0.15, 0.10, 0.06, 0.05, 0.05, 0.05, 0.08, 0.20, 0.45, 0.65, 0.60, 0.55, 0.60,
     0.55, 0.50, 0.50, 0.55, 0.70, 0.85, 0.85, 0.80, 0.75, 0.65, 0.40, 0.15]
)  # fmt: skip
_HOURS: Final = np.arange(25, dtype=np.float64)
_ELECTRONICS_W: Final = 380.0
_LIGHTING_W: Final = 260.0


def _cycling(key: int, t: I64, period: float, duty: F64 | float) -> F64:
    """Return 1 while a thermostat-driven compressor runs: cycles that drift, not a metronome."""
    phase = t / period + 0.4 * _smooth(key, t, 14_400) + (key % 1000) / 1000.0
    return ((phase - np.floor(phase)) < duty).astype(np.float64)


class _Household:
    """Renders a household's power per second and phase for one local day."""

    def __init__(self, seed: int, keys: _Keys) -> None:
        self.seed, self.keys, self.house = seed, keys, _House.of(seed)

    def render(self, day: _Day, t: I64, sun: _Sun, sky: _Sky) -> tuple[F64, F64]:
        """Return active (W) and reactive (var) power, shape (n, 3)."""
        p, q = np.zeros((len(t), 3)), np.zeros((len(t), 3))
        always_on = np.array(self.house.always_on_w)
        p += always_on
        q += always_on * _ALWAYS_ON
        self._cold_appliances(p, q, t, sky.ambient_c)
        self._activity(p, q, day, t, sun)
        for burst in _Planner(self.house, day, self.seed).plan():
            _add_burst(p, q, burst)
        return p, q

    def _cold_appliances(self, p: F64, q: F64, t: I64, ambient_c: F64) -> None:
        """Fridge and freezer compressors, and the heat pump (its duty follows the cold)."""
        h, k = self.house, self.keys
        for phase, key, watts, period, duty in (
            (h.fridge, k.fridge, 90.0, 2700.0, 0.35),
            (h.freezer, k.freezer, 110.0, 3900.0, 0.42),
        ):
            on = _cycling(key, t, period, duty)
            p[:, phase] += watts * on
            q[:, phase] += watts * _COMPRESSOR * on
        duty_hp = np.clip((17.0 - ambient_c) / 37.0 * 0.55, 0.07, 0.5)
        running = _cycling(k.heat_pump, t, 2400.0, duty_hp) * (h.heat_pump_w / 3.0)
        p += running[:, None]
        q += (running * _HEAT_PUMP)[:, None]

    def _activity(self, p: F64, q: F64, day: _Day, t: I64, sun: _Sun) -> None:
        """Lights and electronics, following the household's daily and weekly rhythm."""
        rng = np.random.default_rng([self.seed & _MASK64, _Stream.ACTIVITY, day.ordinal])
        shift_h, scale = rng.uniform(-0.5, 0.5), rng.uniform(0.8, 1.25)
        profile = _WEEKEND_ACTIVITY if day.weekday >= 5 else _WEEKDAY_ACTIVITY
        hours = np.clip(day.wall_clock() / 3600.0 - shift_h, 0.0, 24.0)
        level = np.interp(hours, _HOURS, profile) * scale
        level *= 1.0 + _octaves(self.keys.activity, t, (900, 120, 20), (0.25, 0.12, 0.05))
        darkness = np.clip((0.1 - sun.up) / 0.2, 0.0, 1.0)  # lights on from sunset into dusk
        watts = level * (_ELECTRONICS_W + _LIGHTING_W * darkness)
        share = np.array(self.house.activity_share)
        p += watts[:, None] * share
        q += (watts * _ELECTRONICS)[:, None] * share


# -- grid --------------------------------------------------------------------------------------

_GRID_OHM: Final = 0.12  # source impedance per phase: ~0.5 V drop per kW drawn
_NIGHT_VAR: Final = -8.0  # the inverter's EMC filter capacitors, per phase


def _voltage(keys: _Keys, house: _House, day: _Day, t: I64, grid_w: F64, sky: _Sky) -> F64:
    """Return per-phase voltage: feeder drift, evening sag, rise from neighbours' PV, own load."""
    hours = day.wall_clock() / 3600.0
    evening = -1.8 * np.exp(-(((hours - 19.0) / 2.5) ** 2))
    neighbours = 2.0 * sky.pv_ac_w / max(float(np.max(sky.pv_ac_w, initial=1.0)), 1.0)
    common = 230.0 + evening + neighbours + 1.5 * _smooth(keys.voltage, t, 3600)
    v = np.empty((len(t), 3))
    for phase in range(3):
        own = _octaves(_key(keys.voltage, phase), t, (900, 60), (1.5, 0.4))
        v[:, phase] = common + house.volt_offset[phase] + own
    v -= grid_w * (_GRID_OHM / 230.0)
    return np.clip(v, 221.0, 244.0)


def _frequency(keys: _Keys, t: I64) -> F64:
    """Return mains frequency: the Nordic grid wanders about ±0.1 Hz around 50 Hz."""
    return 50.0 + _octaves(keys.frequency, t, (420, 45, 5), (0.06, 0.02, 0.004))


# -- the site ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DayState:
    """The rendered seconds of one local day, from which both meters are derived."""

    load_w: F64  # (n, 3) household active power
    load_var: F64  # (n, 3) household reactive power
    inverter_w: F64  # (n,) per phase, as the solar meter sees it: − production, + night draw
    voltage_v: F64  # (n, 3)
    freq_hz: F64  # (n,)


class SitePhysics:
    """A household with PV behind two meters; a pure function of (seed, absolute time).

    Thread-safe: the day cache is guarded by a lock; a day is rendered outside the lock, so two
    threads may render the same day once each (the results are identical).
    """

    def __init__(self, params: SiteParams) -> None:
        ZoneInfo(params.timezone)  # fail early on an unknown zone
        self.params = params
        self._keys = _Keys.of(params.seed)
        self._household = _Household(params.seed, self._keys)
        self._cache: OrderedDict[int, _DayState] = OrderedDict()
        self._lock = threading.Lock()

    def grid(self, t0: int, n: int) -> MeterSamples:
        """Return the grid meter's seconds [t0, t0+n): household load minus PV, per phase."""
        load_w, load_var, inverter_w, voltage, freq = self._window(t0, n)
        act = load_w + inverter_w[:, None]
        return _samples(t0, act, load_var + _NIGHT_VAR, voltage, freq)

    def solar(self, t0: int, n: int) -> MeterSamples:
        """Return the solar meter's seconds [t0, t0+n): production negative, night draw positive."""
        _, _, inverter_w, voltage, freq = self._window(t0, n)
        act = np.repeat(inverter_w[:, None], 3, axis=1)
        react = np.full((n, 3), _NIGHT_VAR)
        # The inverter sits behind a few metres of cable: its terminals rise as it exports.
        return _samples(t0, act, react, voltage - act * (0.05 / 230.0), freq)

    def _window(self, t0: int, n: int) -> tuple[F64, F64, F64, F64, F64]:
        if n < 0:
            raise ValueError(f"n must be ≥ 0, got {n}")
        parts: list[tuple[F64, F64, F64, F64, F64]] = []
        t, end = t0, t0 + n
        while t < end:
            day = _day_containing(self.params.timezone, t)
            state = self._state(day)
            lo, hi = t - day.start, min(end, day.start + day.length) - day.start
            parts.append(tuple(a[lo:hi] for a in _fields(state)))  # type: ignore[arg-type]
            t = day.start + hi
        if not parts:
            return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros((0, 3)), np.zeros(0)
        columns = [np.concatenate(c) for c in zip(*parts, strict=True)]
        return columns[0], columns[1], columns[2], columns[3], columns[4]

    def _state(self, day: _Day) -> _DayState:
        with self._lock:
            state = self._cache.get(day.ordinal)
            if state is not None:
                self._cache.move_to_end(day.ordinal)
                return state
        state = self._render(day)
        with self._lock:
            self._cache[day.ordinal] = state
            while len(self._cache) > _CACHED_DAYS:
                self._cache.popitem(last=False)
        return state

    def _render(self, day: _Day) -> _DayState:
        p = self.params
        t = day.start + np.arange(day.length, dtype=np.int64)
        sun = _sun(t, p.lat, p.lon, _TILT_DEG)
        sky = _sky(self._keys, t, sun, p)
        load_w, load_var = self._household.render(day, t, sun, sky)
        draw = self._household.house.inverter_draw_w / 3.0
        inverter = np.where(sky.pv_ac_w > 0.0, sky.pv_ac_w / -3.0, draw)
        volt = _voltage(self._keys, self._household.house, day, t, load_w + inverter[:, None], sky)
        return _DayState(load_w, load_var, inverter, volt, _frequency(self._keys, t))


def _fields(state: _DayState) -> tuple[F64, F64, F64, F64, F64]:
    return state.load_w, state.load_var, state.inverter_w, state.voltage_v, state.freq_hz


def _samples(t0: int, act: F64, react: F64, voltage: F64, freq: F64) -> MeterSamples:
    """Derive the meter's view; only exact IEEE operations, so any split gives the same bits."""
    aprt = np.sqrt(act * act + react * react)
    pf = np.divide(act, aprt, out=np.ones_like(act), where=aprt > 0.0)
    return MeterSamples(t0, act, aprt, react, voltage, aprt / voltage, pf, freq)
