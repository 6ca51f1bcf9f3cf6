"""Physics of an emulated site at 1-second resolution: a household, a PV array and the grid.

Every quantity is a pure function of the seed and of absolute time, so any split of a time
range into calls yields the same seconds, bit for bit. Randomness has two sources only:
- per local day, a generator seeded with (seed, stream, date ordinal) draws that day's
  appliance runs, all inside the day, so a day never depends on its neighbours;
- continuous processes (weather, clouds, voltage, compressor cycles) are value noise whose knots
  are hashes of (seed, stream, knot index), so they flow across midnight without a seam.
Slow processes are evaluated on absolute minute knots and interpolated to seconds. Seconds are
rendered one local day at a time (all arrays phase-major, shape (3, n)) and the last few days
are cached, so the live `n=1` call is a slice of a cached day.
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
Triple = tuple[float, float, float]

_MASK64: Final = (1 << 64) - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15
_MIX1: Final = 0xBF58476D1CE4E5B9
_MIX2: Final = 0x94D049BB133111EB
_KNOT: Final = 60  # seconds between the knots of slow processes
_JAN1_2000: Final = 946_684_800  # UTC epoch of 2000-01-01, the origin of the fractional year
_TROPICAL_YEAR_S: Final = 365.2422 * 86_400
_CACHED_DAYS: Final = 4  # a day-long request that straddles midnight touches two days

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
    """Independent random streams; the numbers are part of what a seed means, keep them."""

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
    # uint64 arrays wrap silently on overflow, which is what the hash wants.
    z = np.ascontiguousarray(index, dtype=np.int64).view(np.uint64) ^ np.uint64(key)
    z = z + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0


def _smooth(key: int, t: F64, period: int) -> F64:
    """Return value noise in [−1, 1]: hashed knots every `period` s, smoothstep between them.

    `t` are ascending UTC seconds (exact in float64).
    """
    if not t.size:
        return np.zeros(0)
    position = t * (1.0 / period)
    knot = np.floor(position)
    s = position - knot
    first, last = int(knot[0]), int(knot[-1]) + 1
    knots = np.arange(first, last + 1, dtype=np.int64)
    # Interpolating linearly at the smoothstep-warped position is smoothstep interpolation.
    return np.interp(knot + s * s * (3.0 - 2.0 * s), knots.astype(np.float64), _uniform(key, knots))


def _octaves(key: int, t: F64, periods: tuple[int, ...], weights: tuple[float, ...]) -> F64:
    """Sum value noise at several time scales (fractal noise)."""
    total = np.zeros(t.shape)
    for i, (period, weight) in enumerate(zip(periods, weights, strict=True)):
        total += weight * _smooth(_key(key, period, i), t, period)
    return total


def _sigmoid(x: F64) -> F64:
    return 1.0 / (1.0 + np.exp(-x))


# -- calendar and clock ------------------------------------------------------------------------


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
        midnight = datetime.combine(date.fromordinal(self.ordinal), time(), ZoneInfo(self.tz))
        moment = midnight + timedelta(hours=hours)  # aware + timedelta is wall-clock arithmetic
        return min(max(int(moment.timestamp()) - self.start, 0), self.length - 1)

    def wall_hours(self, t: F64) -> F64:
        """Return the local wall-clock hour (0…24) of UTC seconds t of this day."""
        elapsed = t - self.start
        return (elapsed + np.where(elapsed >= self.shift_at, self.shift, 0)) / 3600.0


def _offset(tz: ZoneInfo, t: int) -> int:
    delta = datetime.fromtimestamp(t, tz).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


def _midnight(tz: ZoneInfo, ordinal: int) -> int:
    return int(datetime.combine(date.fromordinal(ordinal), time(), tz).timestamp())


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
    shift_at = (
        end - start if first == last else _first_with_offset(tz, start, end - 1, last) - start
    )
    return _Day(tz_name, ordinal, start, end - start, shift_at, last - first)


def _day_containing(tz_name: str, t: int) -> _Day:
    ordinal = datetime.fromtimestamp(t, ZoneInfo(tz_name)).date().toordinal()
    day = _day(tz_name, ordinal)
    if t < day.start:  # only where midnight itself is skipped or repeated
        return _day(tz_name, ordinal - 1)
    return day if t < day.start + day.length else _day(tz_name, ordinal + 1)


@dataclass(frozen=True, slots=True)
class _Clock:
    """The seconds being rendered (as floats: epoch seconds are exact) and minute knots."""

    t: F64  # UTC seconds, ascending
    knots: F64  # UTC minute starts from the first second's to one past the last second's

    @classmethod
    def of(cls, start: int, length: int) -> _Clock:
        first = start // _KNOT * _KNOT
        knots = np.arange(first, start + length + _KNOT, _KNOT, dtype=np.float64)
        return cls(start + np.arange(length, dtype=np.float64), knots)

    def expand(self, at_knots: F64, rows: slice = slice(None)) -> F64:
        """Interpolate values at the knots, shape (k,) or (3, k), linearly to the seconds."""
        t = self.t[rows]
        if at_knots.ndim == 1:
            return np.interp(t, self.knots, at_knots)
        return np.stack([np.interp(t, self.knots, row) for row in at_knots])


# -- sun, weather and PV -----------------------------------------------------------------------


_TILT_DEG: Final = 35.0  # the array faces the equator at a typical roof pitch
_PV_LOSSES: Final = 0.93  # soiling, wiring, mismatch
_TEMP_COEFF: Final = -0.0037  # per °C above 25 °C cell temperature
_DC_AC_RATIO: Final = 1.25  # a 10 kWp array on an 8 kW inverter, which clips on bright days


@dataclass(frozen=True, slots=True)
class _Sun:
    up: F64  # sine of the solar elevation
    incidence: F64  # cosine of the angle of incidence on the array (< 0: sun behind it)
    year: F64  # fractional year γ in radians (0 at 1 January)
    warmth: F64  # cos of the hour angle from 15:00 solar time, when days are warmest


def _year_angle(t: F64) -> F64:
    # Counting tropical years from 2000 keeps γ continuous across New Year.
    years = (t - _JAN1_2000) / _TROPICAL_YEAR_S
    return 2.0 * np.pi * (years - np.floor(years))


def _declination_and_eot(gamma: F64) -> tuple[F64, F64]:
    """Return solar declination (rad) and the equation of time (min): Spencer's series."""
    c1, s1, c2, s2 = np.cos(gamma), np.sin(gamma), np.cos(2 * gamma), np.sin(2 * gamma)
    decl = 0.006918 - 0.399912 * c1 + 0.070257 * s1 - 0.006758 * c2 + 0.000907 * s2
    decl += -0.002697 * np.cos(3 * gamma) + 0.00148 * np.sin(3 * gamma)
    eot = 229.18 * (0.000075 + 0.001868 * c1 - 0.032077 * s1 - 0.014615 * c2 - 0.040849 * s2)
    return decl, eot


def _sun(t: F64, lat: float, lon: float) -> _Sun:
    """Return the sun's position relative to the horizon and to an equator-facing array."""
    gamma = _year_angle(t)
    decl, eot = _declination_and_eot(gamma)
    solar_minutes = (t % 86_400) / 60.0 + eot + 4.0 * lon
    hour_angle = np.radians(solar_minutes / 4.0 - 180.0)
    cos_h, sin_h = np.cos(hour_angle), np.sin(hour_angle)
    phi, beta = math.radians(lat), math.radians(_TILT_DEG)
    up = math.sin(phi) * np.sin(decl) + math.cos(phi) * np.cos(decl) * cos_h
    north = math.cos(phi) * np.sin(decl) - math.sin(phi) * np.cos(decl) * cos_h
    facing = -1.0 if lat >= 0 else 1.0  # south in the north, north in the south
    incidence = up * math.cos(beta) + facing * north * math.sin(beta)
    warmth = (cos_h + sin_h) * math.sqrt(0.5)  # cos(H − 45°), 45° = 15:00 solar time
    return _Sun(up, incidence, gamma, warmth)


def _clear_sky_poa(sun: _Sun) -> F64:
    """Return clear-sky irradiance on the array, W/m²: Meinel's beam, 10 % diffuse, 10 % albedo."""
    up = np.maximum(sun.up, 0.0)
    r = 708.0  # Earth radius over the atmosphere's scale height: finite air mass at the horizon
    air_mass = np.sqrt((r * up) ** 2 + 2.0 * r + 1.0) - r * up
    dni = 1361.0 * (1.0 + 0.033 * np.cos(sun.year)) * 0.7 ** (air_mass**0.678)
    dni = np.where(sun.up > 0.0, dni, 0.0)
    diffuse, ghi = 0.1 * dni, 1.1 * dni * up
    cos_b = math.cos(math.radians(_TILT_DEG))
    return (
        dni * np.maximum(sun.incidence, 0.0) + diffuse * (1 + cos_b) / 2 + ghi * 0.1 * (1 - cos_b)
    )


@dataclass(frozen=True, slots=True)
class _Weather:
    """Slow weather at the minute knots."""

    cloudiness: F64  # fraction of the sky covered, (0, 1)
    ambient_c: F64  # outdoor temperature, °C


def _weather(keys: _Keys, t: F64, sun: _Sun, lat: float) -> _Weather:
    """Return weather systems over days: a Helsinki-like climate, seasons by hemisphere."""
    year = sun.year if lat >= 0 else sun.year + np.pi
    season = 0.25 + np.cos(year - 0.2)  # overcast winters, bright early summers
    cloudiness = _sigmoid(season + 2.2 * _octaves(keys.weather, t, (129_600, 32_400), (1.0, 0.35)))
    seasonal_c = 5.5 - 11.5 * np.cos(year - 0.38)  # coldest late January, warmest late July
    swing = 4.0 * sun.warmth * (1.0 - 0.6 * cloudiness)  # clouds damp the daily swing
    ambient = seasonal_c + 5.0 * _octaves(keys.temperature, t, (172_800, 43_200), (1.0, 0.3))
    return _Weather(cloudiness, ambient + swing)


def _pv_dc(poa: F64, ambient_c: F64, kwp: float) -> F64:
    cell_c = ambient_c + poa * (25.0 / 800.0)  # NOCT 45 °C
    return (kwp * _PV_LOSSES) * poa * (1.0 + _TEMP_COEFF * (cell_c - 25.0))


def _inverter_ac(dc: F64, kwp: float) -> F64:
    """Return AC output: ~96 % efficient at load, self-use at low light, clipped at its rating."""
    rated = max(kwp * 1000.0 / _DC_AC_RATIO, 1.0)
    return np.clip(0.97 * dc - 20.0 - (0.012 / rated) * dc * dc, 0.0, rated)


def _daylight(clock: _Clock, clear: F64) -> slice:
    """Return the seconds from the knot before sunrise to the knot after sunset."""
    lit = np.flatnonzero(clear > 0.0)
    if not lit.size:
        return slice(0, 0)
    lo = clock.knots[max(lit[0] - 1, 0)] - clock.t[0]
    hi = clock.knots[min(lit[-1] + 1, len(clear) - 1)] - clock.t[0] + 1
    return slice(max(int(lo), 0), max(int(hi), 0))


class _Array:
    """The PV array and its inverter under a sky of passing clouds."""

    # The cloud field's octaves (2400 s and 600 s at the knots, 120 s and 25 s per second) and
    # their standard deviation, which makes the field about N(0, 1).
    SLOW: Final = ((2400, 600), (1.0, 0.8))
    FAST: Final = ((120, 25), (0.5, 0.2))
    FIELD_STD: Final = 0.69
    EDGE: Final = 0.08  # sharpness of cloud edges, in field units

    def __init__(self, keys: _Keys, kwp: float) -> None:
        self.key, self.kwp = keys.cloud, kwp

    def ac_w(self, clock: _Clock, sun: _Sun, weather: _Weather) -> F64:
        """Return inverter output per second (W, 0 while it sleeps)."""
        clear = _clear_sky_poa(sun)
        ac = np.zeros(len(clock.t))
        rows = _daylight(clock, clear)
        if self.kwp > 0:
            ac[rows] = self._lit(clock, rows, clear, weather)
        return ac

    def _lit(self, clock: _Clock, rows: slice, clear: F64, weather: _Weather) -> F64:
        c = weather.cloudiness
        # Beam light is lost behind a cloud, diffuse light mostly not; haze grows with cloudiness.
        sunny = clock.expand(clear * (1.0 - 0.2 * c), rows)
        shaded = clock.expand(clear * (0.12 + 0.25 * (1.0 - c)), rows)
        cover = self._cover(clock, rows, c)
        # (1 − cover)(1 + 2 cover) peaks at 1.125 for cover = 1/4: a cloud's bright edge next to
        # the sun lifts irradiance above clear sky, which is when inverters clip.
        poa = sunny * ((1.0 - cover) * (1.0 + 2.0 * cover)) + shaded * cover
        dc = _pv_dc(poa, clock.expand(weather.ambient_c, rows), self.kwp)
        return _inverter_ac(dc, self.kwp)

    def _cover(self, clock: _Clock, rows: slice, cloudiness: F64) -> F64:
        """Return 0 (sun out) … 1 (behind a cloud); the covered share of time ≈ cloudiness."""
        p = np.clip(cloudiness, 0.01, 0.99)
        threshold = np.log((1.0 - p) / p) / 1.702  # logistic approximation of Φ⁻¹(1 − p)
        slow = _octaves(self.key, clock.knots, *self.SLOW) / self.FIELD_STD - threshold
        fast = _octaves(self.key, clock.t[rows], *self.FAST) / self.FIELD_STD
        return _sigmoid((clock.expand(slow, rows) + fast) * (1.0 / self.EDGE))


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

    @classmethod
    def of(cls, seed: int) -> _Keys:
        s = _Stream
        streams = (s.WEATHER, s.CLOUD, s.TEMPERATURE, s.ACTIVITY, s.FRIDGE, s.FREEZER)
        return cls(
            *(_key(seed, stream) for stream in (*streams, s.HEAT_PUMP, s.VOLTAGE, s.FREQUENCY))
        )


def _triple(values: NDArray[np.float64]) -> Triple:
    return (float(values[0]), float(values[1]), float(values[2]))


@dataclass(frozen=True, slots=True)
class _House:
    """The fixed traits of a household: its wiring and its appliances."""

    always_on_w: Triple
    activity_share: Triple
    kitchen: int  # the phase of the kettle and microwave sockets
    oven: tuple[int, int]  # the oven and hob are wired across two phases
    washer: int
    dishwasher: int
    fridge: int
    freezer: int
    sauna_w: float
    heat_pump_w: float
    inverter_draw_w: float
    volt_offset: Triple

    @classmethod
    def of(cls, seed: int) -> _House:
        rng = np.random.default_rng([seed & _MASK64, _Stream.HOUSE])
        always_on, share = rng.uniform(35.0, 90.0, 3), rng.dirichlet([4.0, 4.0, 4.0])
        kitchen, other, washer, dishwasher, fridge, freezer = (
            int(i) for i in rng.integers(0, 3, 6)
        )
        oven = (kitchen, (kitchen + 1 + other % 2) % 3)
        sauna_w, heat_pump_w = float(rng.uniform(6000, 9000)), float(rng.uniform(1200, 1500))
        draw_w, volt_offset = float(rng.uniform(4.0, 9.0)), rng.normal(0.0, 1.5, 3)
        return cls(
            _triple(always_on), _triple(share), kitchen, oven, washer, dishwasher, fridge, freezer,
            sauna_w, heat_pump_w, draw_w, _triple(volt_offset),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Burst:
    """One appliance run: steady, or on/off cycling (thermostat, drum) after a warm-up."""

    start: int  # elapsed seconds since local midnight
    duration: int
    watts: Triple  # per phase while on
    var_per_w: float = _RESISTIVE
    warmup: int = 0  # seconds at full power before cycling starts
    period: int = 0  # cycle length; 0 = steady
    duty: float = 1.0

    def on(self, n: int) -> F64:
        """Return 1 for the seconds the appliance draws power, out of its first n."""
        if self.period <= 0:
            return np.ones(n)
        k = np.arange(n) - self.warmup
        return ((k < 0) | ((k % self.period) < self.duty * self.period)).astype(np.float64)

    def add_to(self, p: F64, q: F64) -> None:
        """Add the run to per-phase active and reactive power, shape (3, n)."""
        end = min(self.start + self.duration, p.shape[1])
        if end <= self.start:
            return
        on = self.on(end - self.start)
        for phase, watts in enumerate(self.watts):
            if watts:
                p[phase, self.start : end] += on * watts
                q[phase, self.start : end] += on * (watts * self.var_per_w)


def _single(phase: int, watts: float) -> Triple:
    return _split((phase,), watts)


def _split(phases: tuple[int, ...], watts: float) -> Triple:
    out = [0.0, 0.0, 0.0]
    for phase in phases:
        out[phase] += watts / len(phases)
    return (out[0], out[1], out[2])


class _Planner:
    """Draws one day's appliance runs; one method per appliance, always in the same order."""

    def __init__(self, house: _House, day: _Day, seed: int) -> None:
        self.house, self.day = house, day
        self.rng = np.random.default_rng([seed & _MASK64, _Stream.DAY, day.ordinal])
        self.weekend = day.weekday >= 5
        self.bursts: list[_Burst] = []

    def plan(self) -> list[_Burst]:
        self.kettle()
        self.microwave()
        self.cooking()
        self.laundry()
        self.dishes()
        self.sauna()
        self.cleaning()
        return self.bursts

    def when(self, earliest_h: float, latest_h: float) -> int:
        return self.day.at(float(self.rng.uniform(earliest_h, latest_h)))

    def minutes(self, low: float, high: float) -> int:
        return int(self.rng.uniform(low, high) * 60)

    def chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def kettle(self) -> None:
        weekday = ((6.3, 7.5, 0.75), (16.5, 18.0, 0.4), (20.0, 22.0, 0.5))
        weekend = ((8.0, 10.0, 0.8), (13.0, 15.0, 0.5), (19.0, 21.0, 0.5))
        for earliest, latest, probability in weekend if self.weekend else weekday:
            start, duration, watts = self.when(earliest, latest), self.minutes(2, 4), 2000.0
            if self.chance(probability):
                self.bursts.append(_Burst(start, duration, _single(self.house.kitchen, watts)))

    def microwave(self) -> None:
        for earliest, latest in ((11.5, 13.0), (17.0, 19.5)):
            start, duration = self.when(earliest, latest), self.minutes(1, 5)
            if self.chance(0.5 if self.weekend else 0.3):
                watts = _single(self.house.kitchen, 1150.0)
                self.bursts.append(_Burst(start, duration, watts, var_per_w=0.35))

    def cooking(self) -> None:
        """Oven with its thermostat, and hob plates, across two phases around dinner."""
        start = self.when(15.0, 18.0) if self.weekend else self.when(16.5, 18.0)
        oven = _split(self.house.oven, float(self.rng.uniform(2000, 3000)))
        duration, warmup = self.minutes(35, 60), self.minutes(8, 15)
        period, duty = int(self.rng.integers(60, 120)), float(self.rng.uniform(0.35, 0.55))
        if self.chance(0.7 if self.weekend else 0.55):
            self.bursts.append(_Burst(start, duration, oven, _RESISTIVE, warmup, period, duty))
        hob = _split(self.house.oven, float(self.rng.uniform(1200, 1800)))
        if self.chance(0.5):
            run = _Burst(start + 600, self.minutes(15, 25), hob, _RESISTIVE, 0, 40, 0.5)
            self.bursts.append(run)

    def laundry(self) -> None:
        """Washing machine: heat the water, tumble, spin."""
        start = self.when(9.0, 19.0) if self.weekend else self.when(17.0, 20.5)
        heat, tumble, spin = self.minutes(12, 18), self.minutes(40, 60), self.minutes(6, 10)
        heat_w, motor_w = float(self.rng.uniform(1800, 2200)), float(self.rng.uniform(150, 300))
        if not self.chance(0.8 if self.weekend else 0.35):
            return
        phase = self.house.washer
        self.bursts += [
            _Burst(start, heat, _single(phase, heat_w)),
            _Burst(start + heat, tumble, _single(phase, motor_w), _MOTOR, 0, 20, 0.7),
            _Burst(start + heat + tumble, spin, _single(phase, motor_w + 250.0), _MOTOR),
        ]

    def dishes(self) -> None:
        """Dishwasher after dinner: rinse, heat, wash, heat again for the final rinse."""
        start, heat, heat_w = self.when(19.0, 22.0), self.minutes(15, 20), 2000.0
        if not self.chance(0.6):
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
        probability = (0.1, 0.1, 0.2, 0.1, 0.35, 0.75, 0.3)[self.day.weekday]
        start = self.when(17.0, 19.0) if self.weekend else self.when(18.0, 20.5)
        duration, warmup = self.minutes(60, 120), self.minutes(40, 55)
        period, duty = int(self.rng.integers(300, 600)), float(self.rng.uniform(0.45, 0.6))
        if self.chance(probability):
            watts = _split((0, 1, 2), self.house.sauna_w)
            self.bursts.append(_Burst(start, duration, watts, _RESISTIVE, warmup, period, duty))

    def cleaning(self) -> None:
        start, duration = self.when(10.0, 16.0), self.minutes(10, 20)
        phase, watts = int(self.rng.integers(0, 3)), float(self.rng.uniform(1200, 1600))
        if self.weekend and self.chance(0.5):
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


class _Household:
    """Renders a household's power per phase and second for one local day."""

    def __init__(self, seed: int, keys: _Keys) -> None:
        self.seed, self.keys, self.house = seed, keys, _House.of(seed)

    def render(self, day: _Day, clock: _Clock, sun: _Sun, weather: _Weather) -> tuple[F64, F64]:
        """Return active (W) and reactive (var) power, shape (3, n)."""
        n = len(clock.t)
        always_on = np.array(self.house.always_on_w)[:, None]
        p, q = np.repeat(always_on, n, axis=1), np.repeat(always_on * _ALWAYS_ON, n, axis=1)
        self._compressors(p, q, clock, weather)
        self._activity(p, q, day, clock, sun)
        for burst in _Planner(self.house, day, self.seed).plan():
            burst.add_to(p, q)
        return p, q

    def _compressors(self, p: F64, q: F64, clock: _Clock, weather: _Weather) -> None:
        """Fridge and freezer, and the heat pump, whose duty follows the cold outside."""
        h, k = self.house, self.keys
        for phase, key, watts, period, duty in (
            (h.fridge, k.fridge, 90.0, 2700.0, 0.35),
            (h.freezer, k.freezer, 110.0, 3900.0, 0.42),
        ):
            on = _cycling(key, clock, period, duty)
            p[phase] += watts * on
            q[phase] += (watts * _COMPRESSOR) * on
        duty_hp = clock.expand(np.clip((17.0 - weather.ambient_c) * (0.5 / 37.0), 0.06, 0.45))
        running = _cycling(k.heat_pump, clock, 2400.0, duty_hp) * (h.heat_pump_w / 3.0)
        p += running
        q += running * _HEAT_PUMP

    def _activity(self, p: F64, q: F64, day: _Day, clock: _Clock, sun: _Sun) -> None:
        """Lights and electronics, following the household's daily and weekly rhythm."""
        rng = np.random.default_rng([self.seed & _MASK64, _Stream.ACTIVITY, day.ordinal])
        shift_h, scale = rng.uniform(-0.5, 0.5), rng.uniform(0.8, 1.25)
        profile = _WEEKEND_ACTIVITY if day.weekday >= 5 else _WEEKDAY_ACTIVITY
        hours = np.clip(day.wall_hours(clock.knots) - shift_h, 0.0, 24.0)
        level = np.interp(hours, _HOURS, profile) * scale
        level *= 1.0 + 0.25 * _smooth(self.keys.activity, clock.knots, 900)
        darkness = np.clip((0.1 - sun.up) / 0.2, 0.0, 1.0)  # lights on from sunset into dusk
        watts = clock.expand(level * (_ELECTRONICS_W + _LIGHTING_W * darkness))
        watts *= 1.0 + _octaves(self.keys.activity, clock.t, (120, 20), (0.12, 0.05))
        share = np.array(self.house.activity_share)[:, None]
        p += share * watts
        q += share * (watts * _ELECTRONICS)


def _cycling(key: int, clock: _Clock, period: float, duty: F64 | float) -> F64:
    """Return 1 while a thermostat-driven compressor runs: cycles that drift, not a metronome."""
    drift = clock.knots / period + 0.4 * _smooth(key, clock.knots, 14_400) + (key % 997) / 997
    phase = clock.expand(drift)
    return ((phase - np.floor(phase)) < duty).astype(np.float64)


# -- grid --------------------------------------------------------------------------------------

_GRID_OHM: Final = 0.12  # source impedance per phase: ~0.5 V drop per kW drawn
_FILTER_VAR: Final = -8.0  # the inverter's EMC filter capacitors, per phase, day and night
_CABLE_OHM: Final = 0.05  # between the solar meter and the inverter


def _voltage(
    keys: _Keys, house: _House, day: _Day, clock: _Clock, street_pv: F64, grid_w: F64
) -> F64:
    """Return per-phase voltage (3, n): feeder drift, the street, the house's own load.

    `street_pv` (0…1 at the knots) is how hard the neighbours' panels push the feeder up.
    """
    hours = day.wall_hours(clock.knots)
    common = 230.0 - 1.8 * np.exp(-(((hours - 19.0) / 2.5) ** 2))  # the street cooks dinner
    common += 2.0 * street_pv + 1.5 * _smooth(keys.voltage, clock.knots, 3600)
    slow = np.empty((3, len(clock.knots)))
    for phase in range(3):
        own = 1.5 * _smooth(_key(keys.voltage, phase), clock.knots, 900)
        slow[phase] = common + house.volt_offset[phase] + own
    fast = 0.4 * _smooth(_key(keys.voltage, 3), clock.t, 60)
    v = clock.expand(slow) + fast - grid_w * (_GRID_OHM / 230.0)
    return np.clip(v, 221.0, 244.0)


def _frequency(keys: _Keys, clock: _Clock) -> F64:
    """Return mains frequency: the Nordic grid wanders about ±0.1 Hz around 50 Hz."""
    slow = 0.06 * _smooth(keys.frequency, clock.knots, 420)
    return 50.0 + clock.expand(slow) + 0.02 * _smooth(_key(keys.frequency, 1), clock.t, 45)


# -- the site ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DayState:
    """The rendered seconds of one local day, from which both meters are derived."""

    load_w: F64  # (3, n) household active power
    load_var: F64  # (3, n) household reactive power
    inverter_w: F64  # (n,) per phase as the solar meter sees it: − production, + night draw
    voltage_v: F64  # (3, n)
    freq_hz: F64  # (n,)

    def window(self, lo: int, hi: int) -> tuple[F64, F64, F64, F64, F64]:
        """Return views of the seconds [lo, hi) since the day's start."""
        return (
            self.load_w[:, lo:hi],
            self.load_var[:, lo:hi],
            self.inverter_w[lo:hi],
            self.voltage_v[:, lo:hi],
            self.freq_hz[lo:hi],
        )


_EMPTY: Final = _DayState(
    np.zeros((3, 0)), np.zeros((3, 0)), np.zeros(0), np.zeros((3, 0)), np.zeros(0)
)


class SitePhysics:
    """A household with PV behind two meters; a pure function of (seed, absolute time).

    Thread-safe: a lock guards the day cache; a day is rendered outside the lock, so two
    threads may each render the same day once (with identical results).
    """

    def __init__(self, params: SiteParams) -> None:
        ZoneInfo(params.timezone)  # fail early on an unknown zone
        self.params = params
        self._keys = _Keys.of(params.seed)
        self._household = _Household(params.seed, self._keys)
        self._array = _Array(self._keys, params.pv_kwp)
        self._cache: OrderedDict[int, _DayState] = OrderedDict()
        self._lock = threading.Lock()

    def grid(self, t0: int, n: int) -> MeterSamples:
        """Return the grid meter's seconds [t0, t0+n): household load minus PV, per phase."""
        load_w, load_var, inverter_w, voltage, freq = self._window(t0, n)
        return _samples(t0, load_w + inverter_w, load_var + _FILTER_VAR, voltage, freq)

    def solar(self, t0: int, n: int) -> MeterSamples:
        """Return the solar meter's seconds [t0, t0+n): production < 0, night draw > 0."""
        _, _, inverter_w, voltage, freq = self._window(t0, n)
        act = np.repeat(inverter_w[None, :], 3, axis=0)
        react = np.full((3, n), _FILTER_VAR)
        # The inverter's end of the cable rises as it exports.
        return _samples(t0, act, react, voltage - act * (_CABLE_OHM / 230.0), freq)

    def _window(self, t0: int, n: int) -> tuple[F64, F64, F64, F64, F64]:
        if n < 0:
            raise ValueError(f"n must be ≥ 0, got {n}")
        parts = [_EMPTY.window(0, 0)]  # so that n = 0 yields empty arrays of the right shape
        t, end = t0, t0 + n
        while t < end:
            day = _day_containing(self.params.timezone, t)
            hi = min(end, day.start + day.length)
            parts.append(self._state(day).window(t - day.start, hi - day.start))
            t = hi
        # Concatenating also copies, so callers never hold views into the cache.
        load_w, load_var, inverter_w, voltage, freq = (
            np.concatenate(column, axis=-1) for column in zip(*parts, strict=True)
        )
        return load_w, load_var, inverter_w, voltage, freq

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
        clock = _Clock.of(day.start, day.length)
        sun = _sun(clock.knots, self.params.lat, self.params.lon)
        weather = _weather(self._keys, clock.knots, sun, self.params.lat)
        pv_w = self._array.ac_w(clock, sun, weather)
        load_w, load_var = self._household.render(day, clock, sun, weather)
        draw_w = self._household.house.inverter_draw_w / 3.0
        inverter_w = np.where(pv_w > 0.0, pv_w * (-1.0 / 3.0), draw_w)  # equal on each phase
        street_pv = np.maximum(sun.up, 0.0) * (1.0 - weather.cloudiness)
        house = self._household.house
        voltage = _voltage(self._keys, house, day, clock, street_pv, load_w + inverter_w)
        return _DayState(load_w, load_var, inverter_w, voltage, _frequency(self._keys, clock))


def _samples(t0: int, act: F64, react: F64, voltage: F64, freq: F64) -> MeterSamples:
    """Derive a meter's view from (3, n) arrays, as (n, 3) views.

    Only exactly rounded IEEE operations here, so any split of a range gives the same bits.
    """
    aprt = np.sqrt(act * act + react * react)
    pf = np.divide(act, aprt, out=np.ones_like(act), where=aprt > 0.0)
    return MeterSamples(t0, act.T, aprt.T, react.T, voltage.T, (aprt / voltage).T, pf.T, freq)
