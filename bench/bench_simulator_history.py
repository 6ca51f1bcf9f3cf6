"""Emulator physics: 60 days of seconds for both meters, their minute records, the live second.

Times history the way the device layer builds it at startup (each meter in turn, in UTC-day
chunks from a minute-aligned start), and interleaved (both meters per day, which reuses the
day cache). Each pass starts from a fresh `SitePhysics`, so nothing is cached up front.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

from _common import report
from wattboard.simulator.minutes import aggregate
from wattboard.simulator.physics import MeterSamples, SiteParams, SitePhysics

DAY = 86_400
DAYS = 60
END = 1_750_000_020  # a minute start, 2025-06-15 18:07 Helsinki time; history ends here
START = END - DAYS * DAY
LIVE_CALLS = 5_000


def _meter(site: SitePhysics, role: str) -> Callable[[int, int], MeterSamples]:
    return site.grid if role == "grid" else site.solar


def _device_pattern() -> float:
    site = SitePhysics(SiteParams())
    started = time.perf_counter()
    for role in ("grid", "solar"):
        for t0 in range(START, END, DAY):
            aggregate(_meter(site, role)(t0, DAY))
    return time.perf_counter() - started


def _interleaved() -> float:
    site = SitePhysics(SiteParams())
    started = time.perf_counter()
    for t0 in range(START, END, DAY):
        aggregate(site.grid(t0, DAY))
        aggregate(site.solar(t0, DAY))
    return time.perf_counter() - started


def _per_day_ms() -> dict[str, float]:
    """Median cost of the three steps of one day: render, derive a meter, aggregate."""
    render, derive, minutes = [], [], []
    for i in range(10):
        site, t0 = SitePhysics(SiteParams()), START + i * DAY
        started = time.perf_counter()
        site.grid(t0, 1)  # renders the local day holding t0 (18:07: the next hour is in it)
        render.append(time.perf_counter() - started)
        started = time.perf_counter()
        samples = site.grid(t0, 3600)
        derive.append((time.perf_counter() - started) * 24)
        started = time.perf_counter()
        aggregate(samples)
        minutes.append((time.perf_counter() - started) * 24)
    return {
        "render_local_day_ms": round(statistics.median(render) * 1000, 2),
        "derive_meter_day_ms": round(statistics.median(derive) * 1000, 2),
        "aggregate_meter_day_ms": round(statistics.median(minutes) * 1000, 2),
    }


def _live_us() -> dict[str, float]:
    """Latency of the live endpoint's call: one second of each meter, the day already cached."""
    site, t0 = SitePhysics(SiteParams()), END
    started = time.perf_counter()
    site.grid(t0, 1)
    cold = time.perf_counter() - started
    samples = []
    for i in range(1, LIVE_CALLS):
        started = time.perf_counter()
        site.grid(t0 + i, 1)
        site.solar(t0 + i, 1)
        samples.append((time.perf_counter() - started) / 2)
    ordered = sorted(samples)
    return {
        "live_second_first_call_ms": round(cold * 1000, 2),
        "live_second_p50_us": round(statistics.median(ordered) * 1e6, 1),
        "live_second_p99_us": round(ordered[int(len(ordered) * 0.99)] * 1e6, 1),
    }


def main() -> None:
    results: dict[str, float] = {
        "history_60d_two_meters_device_pattern_s": round(_device_pattern(), 2),
        "history_60d_two_meters_interleaved_s": round(_interleaved(), 2),
        **_per_day_ms(),
        **_live_us(),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    targets = {
        "history_60d_two_meters_device_pattern_s": 4.0,
        "history_60d_two_meters_interleaved_s": 4.0,
        "live_second_p99_us": 1000.0,
    }
    report("simulator_history", results, targets)


if __name__ == "__main__":
    main()
