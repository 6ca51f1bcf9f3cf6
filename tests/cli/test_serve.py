"""`wattboard demo`: its settings read the emulated meters and the emulated spot prices."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from wattboard.cli.collect import rebuild_all
from wattboard.cli.serve import demo_settings
from wattboard.prices.fetcher import day_span, market_day
from wattboard.runtime import run_home
from wattboard.simulator import EmulatorOptions, start_emulators


async def test_demo_settings_fetch_the_emulated_prices(tmp_path: Path) -> None:
    async with start_emulators(EmulatorOptions(port=0, history_days=0.05)) as sim:
        settings = demo_settings(sim, tmp_path, "127.0.0.1", 0)
        assert sim.prices is not None
        assert settings.prices.source == "elering"
        assert settings.prices.area == "FI"
        assert settings.prices.url == sim.prices.url
        stop = asyncio.Event()
        task = asyncio.create_task(run_home(settings, stop, collect=True, rebuild=rebuild_all))
        # Yesterday's delivery day is published whatever the time of day (the calendar's own).
        start, end = day_span(market_day(time.time()) - timedelta(days=1))
        query = "SELECT count(*), sum(end - start) FROM prices WHERE start >= ? AND start < ?"
        try:
            async with asyncio.timeout(30):
                while True:
                    await asyncio.sleep(0.1)
                    if not (tmp_path / "demo.db").exists():
                        continue
                    count, covered = _prices(tmp_path / "demo.db", query, start, end)
                    if covered == end - start:
                        break
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
    assert count in {92, 96, 100, 23, 24, 25}  # quarters (hours before 2025-10-01) of the day


def _prices(path: Path, query: str, start: int, end: int) -> tuple[int, int | None]:
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "prices" not in tables:
            return 0, None
        count, covered = db.execute(query, (start, end)).fetchone()
        return int(count), covered
