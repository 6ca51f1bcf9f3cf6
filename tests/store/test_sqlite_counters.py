"""Lifetime energy counters from the store: day rollups plus the open day, and their marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.test_sqlite import HELSINKI, METERS, T0, rec
from wattboard.energy.counters import COUNTER_FLOWS
from wattboard.energy.netting import Netting
from wattboard.store.sqlite import SqliteStore

DAY_START = T0 - 3 * 3600  # 2025-06-01 00:00 in Helsinki (UTC+3)
HOUR = 3600


def _store(tmp_path: Path, netting: Netting) -> SqliteStore:
    return SqliteStore(tmp_path / "w.db", zone=HELSINKI, netting=netting, meters=METERS)


def _import_then_export(store: SqliteStore) -> None:
    """In the hour from T0: 30 minutes importing 2 Wh a minute, then 30 exporting 3 Wh."""
    store.upsert([rec("grid", T0 + 60 * i, a=(2.0, 0.0)) for i in range(30)])
    store.upsert([rec("grid", T0 + 60 * i, a=(0.0, 3.0)) for i in range(30, 60)])


def test_counters_minute_netting_count_every_stored_minute(tmp_path: Path) -> None:
    store = _store(tmp_path, "minute")
    _import_then_export(store)
    yesterday = DAY_START - 12 * HOUR
    store.upsert([rec("grid", yesterday + 60 * i, b=(1.5, 0.0)) for i in range(10)])
    counters = store.energy_counters(T0 + 40 * 60)
    assert counters["grid_import"] == pytest.approx(60.0 + 15.0)
    assert counters["grid_export"] == pytest.approx(90.0)
    # The same figures as the sum of every day rollup (what /energy/years adds up).
    (everything,) = store.day_sums([(0, DAY_START + 10 * 86400)])
    assert counters["grid_import"] == pytest.approx(everything.grid_import)
    assert counters["consumption"] == pytest.approx(everything.consumption)
    store.close()


def test_counters_hour_netting_leave_out_the_running_hour(tmp_path: Path) -> None:
    store = _store(tmp_path, "hour")
    _import_then_export(store)
    # Mid-hour the net so far is an import that the second half turns into an export: the
    # running hour is not counted yet, so no import is counted only to be taken back.
    mid = store.energy_counters(T0 + 59 * 60)
    assert mid["grid_import"] == 0.0
    assert mid["grid_export"] == 0.0
    after = store.energy_counters(T0 + HOUR)
    assert after["grid_import"] == pytest.approx(0.0)
    assert after["grid_export"] == pytest.approx(30.0)  # 90 − 60, settled over the hour
    (day,) = store.day_sums([(DAY_START, DAY_START + 86400)])
    assert after["grid_export"] == pytest.approx(day.grid_export)
    store.close()


def test_counters_marks_never_go_down_and_survive_a_restart(tmp_path: Path) -> None:
    store = _store(tmp_path, "minute")
    _import_then_export(store)
    first = store.raise_counter_marks(store.energy_counters(T0 + HOUR))
    assert first["grid_export"] == pytest.approx(90.0)
    # A correction lowers stored export and raises import: export holds, import rises.
    store.delete("grid", T0 + 45 * 60, T0 + HOUR)
    store.upsert([rec("grid", T0 + 60 * i, a=(1.0, 0.0)) for i in range(45, 60)])
    computed = store.energy_counters(T0 + HOUR)
    assert computed["grid_export"] == pytest.approx(45.0)
    second = store.raise_counter_marks(computed)
    assert second["grid_export"] == pytest.approx(90.0)
    assert second["grid_import"] == pytest.approx(75.0)
    store.close()
    again = _store(tmp_path, "minute")
    assert again.counter_marks() == second
    assert set(again.counter_marks()) == set(COUNTER_FLOWS)
    # Stored energy passing the mark again moves the counter on from there.
    again.upsert([rec("grid", T0 + HOUR + 60 * i, a=(0.0, 4.0)) for i in range(15)])
    third = again.raise_counter_marks(again.energy_counters(T0 + 2 * HOUR))
    assert third["grid_export"] == pytest.approx(105.0)  # 45 + 60 passes 90
    again.close()


def test_counters_coverage_today_counts_from_the_first_record(tmp_path: Path) -> None:
    store = _store(tmp_path, "minute")
    store.upsert([rec("grid", T0 + 60 * i) for i in range(30)])
    store.upsert([rec("solar", T0 + 60 * i) for i in range(15)])
    # 30 minutes after the first record two meters owe 60 meter-minutes; 45 are stored.
    assert store.coverage_today(T0 + 30 * 60) == pytest.approx(45 / 60)
    store.close()


def test_counters_follow_a_backfill_of_a_closed_day(tmp_path: Path) -> None:
    store = _store(tmp_path, "minute")
    _import_then_export(store)
    now = T0 + HOUR
    assert store.energy_counters(now)["grid_import"] == pytest.approx(60.0)
    # Minutes of yesterday arrive late (a meter back from an outage): the closed days' sum,
    # kept between minutes, is taken again.
    yesterday = DAY_START - 6 * HOUR
    store.upsert([rec("grid", yesterday + 60 * i, c=(3.0, 0.0)) for i in range(10)])
    assert store.energy_counters(now)["grid_import"] == pytest.approx(90.0)
    store.delete("grid", yesterday, yesterday + 300)
    assert store.energy_counters(now)["grid_import"] == pytest.approx(75.0)
    store.close()
