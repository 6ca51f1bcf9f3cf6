"""The alert task's cost on the event loop: one rule check, and the daily wiring check.

A store with a day of minutes of two meters (2 × 1,440), a collector that is not polling, no
channels. `check` (facts + rules + tracker) runs every 30 s in `run`: it should take well under
a millisecond of the loop's time besides the disk query on its thread; the daily wiring check
reads the day of minutes and judges it on threads, once a day (0.4-1.3 s on a shared 2-core PC).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

from _common import report
from wattboard.alerts.service import AlertService
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.energy.records import MinuteRecord

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
CHECKS = 200
TARGET_CHECK_MS = 5.0
TARGET_WIRING_S = 2.0


def _minute(meter: str, ts: int, watts: tuple[float, float, float]) -> MinuteRecord:
    e = [(max(w, 0.0) / 60.0, max(-w, 0.0) / 60.0) for w in watts]
    return MinuteRecord(meter, ts, *e[0], 0, 0, 230, 0, *e[1], 0, 0, 230, 0, *e[2], 0, 0, 230, 0)


def _day() -> list[MinuteRecord]:
    """Night, then production with solar phase b reversed: the check finds it."""
    records = []
    for i in range(1440):
        ts, night = T0 + 60 * i, i < 720
        records.append(_minute("grid", ts, (300.0, 250.0, 200.0) if night else (-600.0,) * 3))
        records.append(_minute("solar", ts, (2.0,) * 3 if night else (-1000.0, 1000.0, -1000.0)))
    return records


async def _measure(folder: Path) -> dict[str, float]:
    settings = Settings(
        site={"id": "home", "timezone": "Europe/Helsinki"},
        store={"path": folder / "w.db"},
        meters=[
            {"id": "grid", "role": "grid", "url": "http://127.0.0.1:9"},
            {"id": "solar", "role": "solar", "url": "http://127.0.0.1:9"},
        ],
    )
    store = open_store(settings)
    await store.open()
    await store.upsert(_day())
    collector = Collector(settings, store)
    now = T0 + 1440 * 60.0
    alerts = AlertService(settings, collector, store, channels=[], clock=lambda: now)
    logging.getLogger("wattboard").setLevel(logging.ERROR)  # the alert it finds is expected
    try:
        began = time.perf_counter()
        await alerts.check()  # the first check includes the wiring check
        wiring = time.perf_counter() - began
        times = []
        for _ in range(CHECKS):
            began = time.perf_counter()
            await alerts.check()
            times.append(time.perf_counter() - began)
    finally:
        await collector.aclose()
        await store.close()
    return {
        "first_check_with_wiring_s": round(wiring, 4),
        "check_ms_median": round(statistics.median(times) * 1000, 3),
        "check_ms_p95": round(sorted(times)[int(CHECKS * 0.95)] * 1000, 3),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = asyncio.run(_measure(Path(folder)))
    met = (
        results["check_ms_p95"] < TARGET_CHECK_MS
        and results["first_check_with_wiring_s"] < TARGET_WIRING_S
    )
    report(
        "alerts",
        results,
        {
            "check_ms_p95": f"< {TARGET_CHECK_MS}",
            "first_check_with_wiring_s": f"< {TARGET_WIRING_S}",
            "met": met,
        },
    )


if __name__ == "__main__":
    main()
