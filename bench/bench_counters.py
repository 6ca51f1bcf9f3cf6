"""The lifetime energy counters over ten years of minutes: one refresh, as after each minute.

Data: the cached ten-year file of bench_api_energy (built there on first use), opened read-only
so the shared file is not changed. "now" is noon of its last day, so the open day has quarters.
Measured: `SqliteStore.energy_counters` as each minute (the closed days' sum kept, the open
day's quarters settled) and after a closed day changed (the day rows summed again), and
`coverage_today`: what `EnergyCounters.refresh` reads each minute. The counters are checked
against the sum of every day.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from _common import report
from bench_api_energy import LAST_YEAR, METERS, ZONE, _dataset
from wattboard.store.sqlite import SqliteStore

ROUNDS = 30


def main() -> None:
    path, _, _ = _dataset(fresh=False)
    zone = ZoneInfo(ZONE)
    store = SqliteStore(path, zone=zone, netting="minute", meters=METERS, read_only=True)
    now = int(datetime(LAST_YEAR, 12, 31, 12, 0, tzinfo=zone).timestamp())
    cold, timings, coverage = [], [], []
    try:
        for _ in range(ROUNDS):
            store._closed = None  # noqa: SLF001 - as after a change of a closed day
            started = time.perf_counter()
            store.energy_counters(now)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()  # as each minute: only the open day changed
            counters = store.energy_counters(now)
            timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.coverage_today(now)
            coverage.append(time.perf_counter() - started)
        (everything,) = store.day_sums([(0, now + 86400)])
    finally:
        store.close()
    assert abs(counters["grid_import"] - everything.grid_import) < 1e-3
    p50 = statistics.median(timings) * 1000
    report(
        "counters",
        {
            "energy_counters_ms_p50": round(p50, 2),
            "energy_counters_ms_max": round(max(timings) * 1000, 2),
            "after_a_closed_day_changed_ms_p50": round(statistics.median(cold) * 1000, 2),
            "coverage_today_ms_p50": round(statistics.median(coverage) * 1000, 2),
            "grid_import_kwh": round(counters["grid_import"] / 1000, 1),
        },
        {"energy_counters_ms_p50": "<= 5 (each minute, on the store thread)"},
    )


if __name__ == "__main__":
    main()
