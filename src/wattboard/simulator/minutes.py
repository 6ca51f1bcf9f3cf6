"""Aggregate a meter's seconds into the Pro 3EM's minute records (EMData).

See docs/shelly-wire.md, "Record keys".
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from wattboard.shelly.models import TRIPHASE_KEYS
from wattboard.simulator.physics import MeterSamples

F64 = NDArray[np.float64]

PERIOD: Final = 60
# The device's key order is the client's to know too: one list serves both (docs/shelly-wire.md,
# "Record keys").
KEYS: Final = TRIPHASE_KEYS
# Decimals of a device record: energies 4, powers 1, voltages and currents 3.
_PHASE_DECIMALS: Final = (4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3)
_SCALE: Final = 10.0 ** np.array([*(_PHASE_DECIMALS * 3), 3, 3, 3], dtype=np.float64)
FUNDAMENTAL_SHARE: Final = 0.998  # harmonics carry the rest of the active energy
NEUTRAL_FLOOR_A: Final = 0.0275  # reading of the unconnected neutral input, A
_WH_PER_WS: Final = 1.0 / 3600.0


def aggregate(samples: MeterSamples) -> F64:
    """Return one device record per minute, shape (m, 51), columns in `KEYS` order."""
    n = len(samples.act_w)
    if samples.t0 % PERIOD or n % PERIOD:
        raise ValueError(f"need whole minutes from a minute start, got t0={samples.t0}, n={n}")
    m = n // PERIOD
    rows = np.empty((m, len(KEYS)))
    if m:
        starts = np.arange(0, n, PERIOD)
        rows[:, :48] = _phase_stats(samples, starts).reshape(48, m).T
        rows[:, 48:] = np.stack(_spread(_neutral_current(samples), starts), axis=1)
    return np.rint(rows * _SCALE) / _SCALE + 0.0  # + 0.0 turns −0.0 into 0.0


def _total(seconds: F64, starts: NDArray[np.intp]) -> F64:
    """Sum each minute of the last axis."""
    return np.add.reduceat(seconds, starts, axis=-1)


def _spread(seconds: F64, starts: NDArray[np.intp]) -> tuple[F64, F64, F64]:
    """Return max, min and mean of each minute of the last axis."""
    highest = np.maximum.reduceat(seconds, starts, axis=-1)
    lowest = np.minimum.reduceat(seconds, starts, axis=-1)
    return highest, lowest, _total(seconds, starts) * (1.0 / PERIOD)


def _phase_stats(s: MeterSamples, starts: NDArray[np.intp]) -> F64:
    """Return the 16 per-phase statistics of each minute, shape (3, 16, m)."""
    # Phase-major (3, n) views: the physics stores them so, which makes reductions fast.
    act, aprt, react = s.act_w.T, s.aprt_va.T, s.react_var.T
    imported = _total(np.maximum(act, 0.0), starts) * _WH_PER_WS
    exported = _total(np.maximum(-act, 0.0), starts) * _WH_PER_WS
    lag = _total(np.maximum(react, 0.0), starts) * _WH_PER_WS
    lead = _total(np.maximum(-react, 0.0), starts) * _WH_PER_WS
    energies = (imported, imported * FUNDAMENTAL_SHARE, exported, exported * FUNDAMENTAL_SHARE)
    act_max, act_min, _ = _spread(act, starts)
    aprt_max, aprt_min, _ = _spread(aprt, starts)
    volts, amps = _spread(s.voltage_v.T, starts), _spread(s.current_a.T, starts)
    return np.stack(
        [*energies, lag, lead, act_max, act_min, aprt_max, aprt_min, *volts, *amps], axis=1
    )


def _neutral_current(s: MeterSamples) -> F64:
    """Return what the unconnected neutral input reads per second: a small noise floor.

    A Pro 3EM has no neutral CT; real records show n_*_current of 0.026–0.029 A whatever the
    phase currents are (tests/fixtures/shelly/getdata_pages), so the emulator does the same.
    """
    t = s.t0 + np.arange(len(s.act_w), dtype=np.float64)
    return NEUTRAL_FLOOR_A + 0.0015 * np.sin(t / 97.0) + 0.0005 * np.sin(t / 7.3)
