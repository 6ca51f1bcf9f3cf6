"""Lifetime counters (pure): ended settlement periods only, and a ratchet that never goes down."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.counters import COUNTER_FLOWS, closed_quarters, lifetime_counters, ratchet
from wattboard.energy.flows import Flows
from wattboard.energy.sums import MinuteSums

KOLKATA = ZoneInfo("Asia/Kolkata")  # local hours start at :30 UTC
Q0 = 1_748_736_000  # 2025-06-01 00:00 UTC = 05:30 in Kolkata


def _sums(net: float) -> MinuteSums:
    imp, exp = max(net, 0.0), max(-net, 0.0)
    return MinuteSums(
        net=net,
        phase_import=imp,
        phase_export=exp,
        minute_import=imp,
        minute_export=exp,
        solar=0.0,
        consumption=imp,
        self_consumption_phase=0.0,
        self_consumption_minute=0.0,
        present=15,
        clamped_minutes=0,
        clamped_wh=0.0,
    )


def test_closed_quarters_keep_only_ended_local_hours() -> None:
    quarters = {Q0 + 900 * i: _sums(1.0) for i in range(8)}
    # Kolkata's local hour 05:00-06:00 is 23:30-00:30 UTC: its quarters from Q0 count once it
    # ended at Q0 + 1800; the next hour's four quarters only at Q0 + 5400.
    assert sorted(closed_quarters(quarters, "hour", KOLKATA, Q0 + 1799)) == []
    assert sorted(closed_quarters(quarters, "hour", KOLKATA, Q0 + 1800)) == [Q0, Q0 + 900]
    assert len(closed_quarters(quarters, "hour", KOLKATA, Q0 + 5400)) == 6
    assert len(closed_quarters(quarters, "15min", KOLKATA, Q0 + 900)) == 1
    assert len(closed_quarters(quarters, "minute", KOLKATA, Q0)) == 8


def test_lifetime_counters_add_closed_days_to_the_open_day() -> None:
    closed = Flows(grid_import=1000.0, grid_export=200.0, solar=500.0, consumption=1300.0)
    quarters = {Q0: _sums(10.0), Q0 + 900: _sums(-4.0)}
    counters = lifetime_counters(
        closed, quarters, Q0, netting="15min", zone=KOLKATA, until=Q0 + 1800
    )
    assert counters["grid_import"] == pytest.approx(1010.0)
    assert counters["grid_export"] == pytest.approx(204.0)
    assert counters["consumption"] == pytest.approx(1310.0)
    assert set(counters) == set(COUNTER_FLOWS)


def test_ratchet_never_lowers_a_published_counter() -> None:
    marks = {"grid_import": 50.0, "grid_export": 30.0}
    computed = dict.fromkeys(COUNTER_FLOWS, 40.0)
    published = ratchet(marks, computed)
    assert published["grid_import"] == 50.0
    assert published["grid_export"] == 40.0
    assert published["solar"] == 40.0
