"""Plausibility of minute records: the Pro 3EM's rating, with headroom, bounds every field."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from wattboard.energy.plausible import (
    MAX_AMPS,
    MAX_VOLTS,
    MAX_WATTS,
    MAX_WH_PER_MINUTE,
    gap_reason,
    implausible_field,
    split_implausible,
)
from wattboard.energy.records import MinuteRecord

# A heavy but real minute: 120 A on phase a at 240 V is 28.8 kW, 480 Wh in the minute.
HEAVY = MinuteRecord(
    "grid", 1_747_353_600,
    480.0, 0.0, 28_800.0, 27_000.0, 240.0, 120.0,
    0.0, 90.0, -5000.0, -5600.0, 231.0, 23.0,
    1.5, 0.0, 120.0, 60.0, 229.0, 0.4,
)  # fmt: skip


def test_bounds_follow_the_rating() -> None:
    # 2000 A (the largest Shelly CT) x 500 V is 1 MW; a minute of it is 16,667 Wh.
    assert (MAX_AMPS, MAX_VOLTS, MAX_WATTS) == (2000.0, 500.0, 1_000_000.0)
    assert MAX_WH_PER_MINUTE == 16_667


def test_implausible_field_accepts_a_heavy_real_minute() -> None:
    assert implausible_field(HEAVY) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("a_import_wh", 1e300),
        ("b_export_wh", 16_667.5),
        ("c_import_wh", -0.5),
        ("a_max_w", 1_000_001.0),
        ("b_min_w", -1e12),
        ("c_avg_v", 501.0),
        ("a_avg_a", 2000.5),
        ("b_avg_a", math.inf),
        ("c_avg_v", math.nan),
    ],
)
def test_implausible_field_names_the_value_out_of_bounds(field: str, value: float) -> None:
    found = implausible_field(replace(HEAVY, **{field: value}))
    assert found is not None
    assert found[0] == field
    assert found[1] == value or (math.isnan(value) and math.isnan(found[1]))


def test_split_implausible_keeps_order_and_gives_the_reason() -> None:
    bad = replace(HEAVY, ts=HEAVY.ts + 60, a_import_wh=1e300)
    later = replace(HEAVY, ts=HEAVY.ts + 120)
    kept, dropped = split_implausible([HEAVY, bad, later])
    assert kept == [HEAVY, later]
    assert dropped == [(bad, "implausible value from the meter: a_import_wh = 1e+300")]
    assert gap_reason("c_avg_v", 612.5) == "implausible value from the meter: c_avg_v = 612.5"
