"""Money over ten years: what pricing adds to /energy/year and /energy/years, on against off.

Data: ten local years (2015–2024, Europe/Helsinki, 15-minute netting) of quarter rollups written
straight into a fresh SQLite file (one synthetic household with solar: ≈ 350,000 quarters), the
day rollups settled from them by the store, and spot prices for every period (hourly until
2024-06-30, then per 15 minutes: ≈ 105,000 periods) stored with `put_prices`. The file is built
in a temporary directory each run (about a minute).

Two API servers (`_serve.py`, real uvicorn in child processes) serve the same file: one with the
demo's Finnish spot tariff (money on), one without (money off, `money: null`). After a warm-up
(the first /energy/years with money prices every day once; its time is reported), requests go
one at a time, in random order over view × server, each for a random year; latency is measured
at the client. Then the servers' CPU time per request of each view and server (from /proc).
Target: money adds at most 20 % to the p50 of each view.

Also, in this process through the store's async facade: the first pricing of all ten years (as
the first /energy/years after a start) while a one-minute write is queued every 20 ms, and the
longest any of those writes waited (`money_first_write_wait_max_ms`; target: about 100 ms, the
slice of the store thread that pricing takes at a time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import httpx
import numpy as np

from _common import report
from _serve import ZONE, serving, settings
from wattboard.energy.periods import local_midnight
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import VALUE_FIELDS, MinuteRecord, record_from_values
from wattboard.energy.sums import QUARTER, SUM_FIELDS
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import MeterSpec, SqliteStore

FIRST_YEAR, LAST_YEAR = 2015, 2024
SEED: Final = 20150101
NETTING: Final = "15min"
QUARTER_PRICES_FROM: Final = date(2024, 7, 1)
REQUESTS: Final = 200  # per view and server
WARMUP: Final = 5
CPU_REQUESTS: Final = 100
VIEWS: Final = ("year", "years")
METERS: Final = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
TARGETS: Final = {
    **{f"money_{view}_p50_overhead": 0.20 for view in VIEWS},
    "money_first_write_wait_max_ms": 150.0,  # a 100 ms slice, and a write of its own
}
WRITE_EVERY: Final = 0.02


def _build(path: Path) -> dict[str, Any]:
    zone = ZoneInfo(ZONE)
    start = local_midnight(date(FIRST_YEAR, 1, 1), zone)
    end = local_midnight(date(LAST_YEAR + 1, 1, 1), zone)
    quarters = np.arange(start, end, QUARTER, dtype=np.int64)
    rng = np.random.default_rng(SEED)
    hours = ((quarters + 7200) % 86400) / 3600.0  # about local time
    days = (quarters - start) / 86400.0
    season = np.cos(2 * np.pi * (days - 172) / 365.25)  # 1 at midsummer
    sun = np.clip(np.sin(np.pi * (hours - 4) / 16), 0, None) * (0.6 + 0.4 * season)
    solar = 1200.0 * sun * rng.uniform(0.3, 1.0, len(quarters))  # Wh per quarter
    use = rng.gamma(2.0, 90.0, len(quarters)) * (1.4 - 0.4 * season)
    net = use - solar
    imp, exp = np.clip(net, 0, None), np.clip(-net, 0, None)
    self_use = np.minimum(use, solar)
    rows = [
        (
            int(q),
            float(n),
            float(i) + 5.0,
            float(e) + 5.0,
            float(i) + 1.0,
            float(e) + 1.0,
            float(s),
            float(u),
            float(su),
            float(su),
            30,
            0,
            0.0,
        )
        for q, n, i, e, s, u, su in zip(quarters, net, imp, exp, solar, use, self_use, strict=True)
    ]
    store = SqliteStore(path, zone=zone, netting=NETTING, meters=METERS)
    try:
        started = time.perf_counter()
        db = store._db  # noqa: SLF001 - rollups written directly: minutes are not measured here
        with db:
            db.executemany(
                f"INSERT INTO quarters (start, {', '.join(SUM_FIELDS)}) "  # noqa: S608 - constants
                f"VALUES ({', '.join('?' * (len(SUM_FIELDS) + 1))})",
                rows,
            )
            store._refresh_days(start, end)  # noqa: SLF001 - the days of those quarters
        # One minute of each meter at the end: the store's span reaches to the last year.
        last = end - 60
        store.upsert([_minute("grid", last, 1.0), _minute("solar", last, 0.0)])
        settled = time.perf_counter() - started
        points = _prices(start, end, zone)
        started = time.perf_counter()
        store.put_prices(points)
        stored = time.perf_counter() - started
    finally:
        store.close()
    return {
        "quarters": len(rows),
        "price_periods": len(points),
        "settle_days_s": round(settled, 1),
        "put_prices_s": round(stored, 1),
    }


async def _first_pricing(path: Path) -> dict[str, Any]:
    """Price all years once through the facade while writes keep arriving; how long each waited."""
    zone = ZoneInfo(ZONE)
    book = settings(path, tariff=True, netting=NETTING).tariff_book()
    store = AsyncStore(lambda: SqliteStore(path, zone=zone, netting=NETTING, meters=METERS))
    await store.open()
    waits: list[float] = []
    try:
        years = [
            (local_midnight(date(y, 1, 1), zone), local_midnight(date(y + 1, 1, 1), zone))
            for y in range(FIRST_YEAR, LAST_YEAR + 1)
        ]
        started = time.perf_counter()
        pricing = asyncio.create_task(store.money_sums(years, book))
        ts = years[-1][1]
        while not pricing.done():
            ts += 60
            queued = time.perf_counter()
            await store.upsert([_minute("grid", ts, 1.0)])
            waits.append(time.perf_counter() - queued)
            await asyncio.sleep(WRITE_EVERY)
        await pricing
        seconds = time.perf_counter() - started
    finally:
        await store.close()
    return {
        "money_first_pricing_s": round(seconds, 2),
        "money_first_writes": len(waits),
        "money_first_write_wait_max_ms": round(max(waits, default=0.0) * 1000, 1),
        "money_first_write_wait_p50_ms": round(statistics.median(waits or [0.0]) * 1000, 1),
    }


def _minute(meter: str, ts: int, wh: float) -> MinuteRecord:
    values = [0.0] * len(VALUE_FIELDS)
    values[0] = wh
    return record_from_values(meter, ts, values)


def _prices(start: int, end: int, zone: ZoneInfo) -> list[PricePoint]:
    rng = random.Random(SEED)
    switch = local_midnight(QUARTER_PRICES_FROM, zone)
    points = []
    ts = start
    while ts < end:
        length = 3600 if ts < switch else 900
        hour = ((ts + 7200) % 86400) / 3600
        base = 0.03 + 0.05 * (1 if 7 <= hour < 21 else 0) + rng.gauss(0, 0.03)
        points.append(PricePoint(ts, ts + length, round(base, 5)))
        ts += length
    return points


def _get(client: httpx.Client, path: str, *, money: bool) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    totals = response.json()["totals"]
    if (totals["money"] is not None) != money:
        raise RuntimeError(f"{path}: money {'missing' if money else 'present'}")
    return elapsed


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _paths(rng: random.Random, view: str) -> list[str]:
    if view == "years":
        return ["/energy/years"] * REQUESTS
    return [f"/energy/year/{rng.randint(FIRST_YEAR, LAST_YEAR)}" for _ in range(REQUESTS)]


def _measure(path: Path) -> dict[str, Any]:
    rng = random.Random(SEED)
    results: dict[str, Any] = {}
    with (
        serving(path, tariff=True, netting=NETTING) as (on_url, on_pid),
        serving(path, tariff=False, netting=NETTING) as (off_url, off_pid),
        httpx.Client(base_url=f"{on_url}/api/v1", timeout=120) as on,
        httpx.Client(base_url=f"{off_url}/api/v1", timeout=120) as off,
    ):
        servers = {"on": (on, on_pid, True), "off": (off, off_pid, False)}
        results["money_first_years_ms"] = round(_get(on, "/energy/years", money=True), 1)
        paths = {view: _paths(rng, view) for view in VIEWS}
        for view in VIEWS:
            for client, _, money in servers.values():
                for p in paths[view][:WARMUP]:
                    _get(client, p, money=money)
        plan = [(view, name, p) for view in VIEWS for name in servers for p in paths[view]]
        rng.shuffle(plan)
        samples: dict[tuple[str, str], list[float]] = {}
        for view, name, p in plan:
            client, _, money = servers[name]
            samples.setdefault((view, name), []).append(_get(client, p, money=money))
        for view in VIEWS:
            for name, (client, pid, money) in servers.items():
                before = _cpu_seconds(pid)
                for p in paths[view][:CPU_REQUESTS]:
                    _get(client, p, money=money)
                cpu = (_cpu_seconds(pid) - before) * 1000 / CPU_REQUESTS
                results[f"money_{view}_{name}_server_cpu_ms"] = round(cpu, 3)
                results[f"money_{view}_{name}_p50_ms"] = round(
                    statistics.median(samples[view, name]), 2
                )
            on_p50 = statistics.median(samples[view, "on"])
            off_p50 = statistics.median(samples[view, "off"])
            results[f"money_{view}_p50_overhead"] = round(on_p50 / off_p50 - 1, 3)
            on_cpu = results[f"money_{view}_on_server_cpu_ms"]
            off_cpu = results[f"money_{view}_off_server_cpu_ms"]
            results[f"money_{view}_cpu_overhead"] = round(on_cpu / off_cpu - 1, 3)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--first-only", action="store_true", help="measure only the first pricing (no servers)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wattboard-bench-money-") as tmp:
        path = Path(tmp) / "money.db"
        print("building ten years of quarters and prices", file=sys.stderr)
        built = _build(path)
        results: dict[str, Any] = {
            **{f"data_{k}": v for k, v in built.items()},
            "netting": NETTING,
            "tariff": "the demo's Finnish spot tariff (wattboard.cli.serve.DEMO_TARIFF)",
            **asyncio.run(_first_pricing(path)),
            **({} if args.first_only else _measure(path)),
        }
    results["targets_met"] = {
        name: results[name] <= bound for name, bound in TARGETS.items() if name in results
    }
    report("money", results, TARGETS)


if __name__ == "__main__":
    main()
