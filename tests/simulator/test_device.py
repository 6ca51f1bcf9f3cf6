"""One emulated meter: records agree with live samples, state survives a restart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wattboard.simulator import EmulatorOptions, build_meters
from wattboard.simulator.device import SimClock
from wattboard.simulator.minutes import KEYS

MAX_A, MIN_A = KEYS.index("a_max_act_power"), KEYS.index("a_min_act_power")


def test_device_live_seconds_lie_within_their_minute_record() -> None:
    (grid,) = build_meters(EmulatorOptions(meters=("grid",), history_days=0.05, seed=5))
    ts, values = grid.memory.select(0)
    minute = int(ts[-1])
    powers = grid.samples(minute, 60).act_w[:, 0]
    assert values[-1, MAX_A] == pytest.approx(powers.max(), abs=0.05)  # rounded to 1 decimal
    assert values[-1, MIN_A] == pytest.approx(powers.min(), abs=0.05)


def test_device_prefill_covers_the_requested_days() -> None:
    (grid,) = build_meters(EmulatorOptions(meters=("grid",), history_days=0.5, seed=5))
    assert len(grid.memory) == 720  # 12 h × 60 records
    assert len(grid.memory.blocks()) == 1
    assert grid.memory.last_ts == grid.next_minute - 60


def test_device_clock_starts_at_the_pinned_instant() -> None:
    # 2024-02-29 12:00:30 UTC: the history ends at the minute before, whatever today is.
    start = 1_709_208_030.0
    options = EmulatorOptions(meters=("grid",), history_days=0.5, seed=5, start=start)
    (grid,) = build_meters(options)
    assert start <= grid.now() < start + 60
    assert grid.memory.last_ts == 1_709_207_940  # 11:59
    assert grid.memory.first_ts == 1_709_207_940 - 719 * 60  # 12 h of minutes


def test_device_state_dir_keeps_records_and_counters(tmp_path: Path) -> None:
    options = EmulatorOptions(
        meters=("grid", "solar"), history_days=0.1, seed=9, state_dir=tmp_path
    )
    first = build_meters(options)
    for meter in first:
        meter.save(tmp_path)
    again = build_meters(options)
    for before, after in zip(first, again, strict=True):
        assert np.array_equal(before.memory.timestamps, after.memory.timestamps)
        assert np.array_equal(before.counters, after.counters)
    # The time between the stop and the restart is a power cut: later records start a new block.
    grid = again[0]
    grid.clock_offset += 180
    grid.advance()
    assert len(grid.memory.blocks()) == 2


def test_device_counters_follow_new_minutes() -> None:
    (grid,) = build_meters(EmulatorOptions(meters=("grid",), history_days=0.02, seed=5))
    grid.clock_offset += 300
    written = grid.advance()
    assert written == 5  # five more minutes completed
    energy = grid.memory.values[
        :, [KEYS.index("a_total_act_energy"), KEYS.index("a_total_act_ret_energy")]
    ]
    assert grid.counters[0] == pytest.approx(energy[:, 0].sum(), abs=1e-9)
    assert grid.counters[1] == pytest.approx(energy[:, 1].sum(), abs=1e-9)


def test_device_state_dir_keeps_emulated_time_monotonic(tmp_path: Path) -> None:
    options = EmulatorOptions(
        meters=("grid",), history_days=0.05, seed=9, state_dir=tmp_path, speed=60.0
    )
    (first,) = build_meters(options)
    # Held still (at speed 60 each real second is a minute, so a busy machine would add some),
    # then half an hour ahead of the wall: exactly 30 more minutes are complete.
    first.clock = SimClock(speed=1e-9, start=first.clock.now() + 1800)
    assert first.advance() == 30
    first.save(tmp_path)
    last = first.memory.last_ts
    assert last is not None
    (again,) = build_meters(options)  # a restart: a new clock, which starts at wall time
    assert again.now() >= last + 60  # not behind the stored records
    again.clock_offset += 120  # the minute cut by the stop is lost; the next one is recorded
    assert again.advance() >= 1  # at once, not in half an hour
    assert again.memory.last_ts is not None
    assert again.memory.last_ts > last
