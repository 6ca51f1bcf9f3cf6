"""Synthetic minute records of a solar home near Helsinki, as the store's integer rows (numpy).

A household (base load, electric heating in winter, morning and evening peaks, appliance runs
of a few minutes on one phase) and an 8 kWp PV system (sun position of 60° N, a clearness per
day and minute-scale cloud noise). The grid meter sees `load − pv` per phase, so on a sunny
day some phases import while others export: minute netting and phase netting differ. The solar
meter exports the PV power spread over three phases and draws 3 W at night.

Rows are `(meter, ts, a_imp, a_exp, a_max_w, a_min_w, a_v, a_a, b_…, c_…)` in the units of
`wattboard.store.schema` (energy 0.1 mWh, power dW, voltage dV, current mA).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from wattboard.store.codec import AMP_SCALE, ENERGY_SCALE, POWER_SCALE, VOLT_SCALE

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

LATITUDE: Final = np.radians(60.17)
LONGITUDE_H: Final = 24.94 / 15  # solar time = UTC + longitude / 15° per hour
PV_PEAK_W: Final = 8000.0
NIGHT_DRAW_W: Final = 3.0  # the inverter's own draw when it produces nothing
LOAD_SHARE: Final = np.array([0.45, 0.30, 0.25])  # households are rarely balanced
APPLIANCE_MINUTES: Final = 6
WH_PER_W_MINUTE: Final = 1 / 60


def site_power(rng: np.random.Generator, ts: Ints, zone: ZoneInfo) -> tuple[Floats, Floats]:
    """Return household load per phase `(n, 3)` and PV power `(n,)` in W for minutes `ts`."""
    local = ts + _utc_offsets(ts, zone)
    day = (local // 86400).astype(np.int64)
    day_index = day - day[0]
    year_angle = 2 * np.pi * _day_of_year(ts) / 365.25
    return _load(rng, local, day_index, year_angle), _pv(rng, ts, day_index, year_angle)


def meter_rows(num: int, ts: Ints, phase_w: Floats) -> Ints:
    """Return the store rows `(n, 20)` of a meter whose signed power per phase is `phase_w`."""
    n = len(ts)
    out = np.empty((n, 20), dtype=np.int64)
    out[:, 0] = num
    out[:, 1] = ts
    energy = ENERGY_SCALE * WH_PER_W_MINUTE
    volts = 230.0 + np.random.default_rng(int(ts[0])).normal(0.0, 2.0, (n, 3))
    swing = np.abs(phase_w) * 0.15 + 5.0
    for p in range(3):
        col = 2 + 6 * p
        w = phase_w[:, p]
        out[:, col] = np.rint(np.maximum(w, 0.0) * energy)
        out[:, col + 1] = np.rint(np.maximum(-w, 0.0) * energy)
        out[:, col + 2] = np.rint((w + swing[:, p]) * POWER_SCALE)
        out[:, col + 3] = np.rint((w - swing[:, p]) * POWER_SCALE)
        out[:, col + 4] = np.rint(volts[:, p] * VOLT_SCALE)
        out[:, col + 5] = np.rint(np.abs(w) / volts[:, p] / 0.95 * AMP_SCALE)
    return out


def site_rows(
    rng: np.random.Generator, ts: Ints, zone: ZoneInfo, grid: int, solar: int
) -> tuple[Ints, Ints]:
    """Return the grid meter's and the solar meter's rows for minutes `ts`."""
    load, pv = site_power(rng, ts, zone)
    draw = np.where(pv < 1.0, NIGHT_DRAW_W, 0.0)
    inverter = (draw - pv)[:, None] / 3 * np.ones(3)  # signed: + import, − export
    return meter_rows(grid, ts, load + inverter), meter_rows(solar, ts, inverter)


def _load(rng: np.random.Generator, local: Ints, day_index: Ints, year_angle: Floats) -> Floats:
    hour = (local % 86400) / 3600
    winter = (1 + np.cos(year_angle - 2 * np.pi * 15 / 365.25)) / 2  # 1 in mid-January
    base = 180.0 + 550.0 * winter
    shape = (
        350.0 * np.exp(-(((hour - 7.5) / 1.2) ** 2))
        + 150.0 * np.exp(-(((hour - 12.5) / 2.5) ** 2))
        + 700.0 * np.exp(-(((hour - 18.5) / 2.0) ** 2))
    )
    daily = rng.lognormal(0.0, 0.2, day_index[-1] + 1)[day_index]
    noise = np.clip(1 + 0.2 * rng.standard_normal(len(local)), 0.4, 2.0)
    total = np.maximum((base + shape * daily) * noise, 60.0)
    phases: Floats = total[:, None] * LOAD_SHARE
    starts = rng.random(len(local)) < 1 / 240  # about six appliance runs a day
    watts = rng.uniform(800.0, 2500.0, len(local)) * starts
    which = rng.integers(0, 3, len(local))
    run = np.ones(APPLIANCE_MINUTES)
    for p in range(3):
        phases[:, p] += np.convolve(watts * (which == p), run)[: len(local)]
    return phases


def _pv(rng: np.random.Generator, ts: Ints, day_index: Ints, year_angle: Floats) -> Floats:
    declination = np.radians(23.44) * np.sin(year_angle + 2 * np.pi * 284 / 365.25)
    solar_hour = (ts % 86400) / 3600 + LONGITUDE_H
    hour_angle = np.radians(15.0 * (solar_hour - 12.0))
    sin_elevation = np.sin(LATITUDE) * np.sin(declination) + np.cos(LATITUDE) * np.cos(
        declination
    ) * np.cos(hour_angle)
    clear = PV_PEAK_W * 0.85 * np.clip(sin_elevation, 0.0, None) ** 1.15
    days = day_index[-1] + 1
    clearness = rng.beta(2.2, 1.4, days)[day_index]
    smooth = np.convolve(rng.standard_normal(len(ts) + 19), np.ones(20) / np.sqrt(20), "valid")
    cloud = np.clip(clearness + 0.35 * (1 - clearness) * smooth, 0.05, 1.0)
    power: Floats = clear * cloud
    return power


def _day_of_year(ts: Ints) -> Floats:
    stamps = ts.astype("datetime64[s]")
    days: Floats = (stamps - stamps.astype("datetime64[Y]")).astype("timedelta64[D]").astype(float)
    return days


def _utc_offsets(ts: Ints, zone: ZoneInfo) -> Ints:
    """Return each minute's UTC offset in seconds (looked up once per UTC hour)."""
    hours = ts // 3600
    first = int(hours[0])
    table = np.array(
        [_offset(3600 * h, zone) for h in range(first, int(hours[-1]) + 1)],
        dtype=np.int64,
    )
    return table[hours - first]


def _offset(ts: int, zone: ZoneInfo) -> int:
    delta = datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()
    assert delta is not None
    return int(delta.total_seconds())
