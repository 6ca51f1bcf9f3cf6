"""Energy views over ten years of minutes: API latency, and rollups against raw-minute SQL.

Data: ten local years (2015–2024, Europe/Helsinki, minute netting) of a grid and a solar meter,
one record per meter and minute (≈ 10.5 M records) from `_synthetic` (numpy). The rows go
straight into the minutes table with `executemany` (no rollups on the way), then
`SqliteStore.rebuild()` builds the quarter and day rollups. The finished file is cached under
the user cache directory, keyed by `DATA_VERSION` and the schema version, and reused by later
runs (`--fresh` builds it again); the build's own timings are kept beside it in a JSON file.

1. API: the home API (`home_context`, as `wattboard serve` builds it) on a real uvicorn server
   on 127.0.0.1, in a child process (`_serve.py`); this process sends keep-alive HTTP/1.1
   requests one at a time with httpx, in random order over the views, each for a random period
   of the ten years: /energy/day|week|month|year and /energy/years. Latency is measured at the
   client, so it includes HTTP and the client's own overhead. Then the server's CPU time per
   request of each view (from /proc), which a busy machine does not inflate as it does latency.
2. Store layer, same file: per random month and per year, `SqliteStore.day_rows` for the span
   (the rollup query behind /energy/month and /energy/year), and day_rows plus the report
   assembly (`period_buckets` + `from_days`), against one SQL aggregate over the raw minutes:
   the grid meter's per-minute netting `Σ max(±net, 0)` (as the issue measured it), and the
   site's full minute-netted flows (grid, solar, consumption, self-consumption; the two meters
   joined per minute). Each rollup total is checked against the site aggregate.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import platformdirs

from _common import cpu_seconds, report
from _serve import ZONE, serving
from _synthetic import site_rows
from wattboard.energy.flows import Flows, combine
from wattboard.energy.periods import Bucket, local_midnight, period, period_buckets
from wattboard.energy.report import Site, from_days, from_sums
from wattboard.store.codec import ENERGY_SCALE
from wattboard.store.schema import MINUTE_COLUMNS, SCHEMA_VERSION
from wattboard.store.sqlite import MeterSpec, SqliteStore

DATA_VERSION: Final = "1"  # bump when _synthetic.py or the way the file is built changes
FIRST_YEAR, LAST_YEAR = 2015, 2024
SEED: Final = 20150101
CHUNK_DAYS: Final = 7  # both meters' records of a week per executemany pair
REQUESTS: Final = 300  # per view
VIEW_BUDGET_S: Final = 60.0  # a view that is this slow in total stops early (and says so)
WARMUP: Final = 10  # requests per view before measuring
CPU_REQUESTS: Final = 200  # per view, one view after another, for the server's CPU time
STORE_MONTHS: Final = 24  # random months measured at the store layer (and all ten years)
ROLLUP_REPEATS: Final = 30
BASELINE_REPEATS: Final = 3
AGREE_WH: Final = 0.01
METERS: Final = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
VIEWS: Final = ("day", "week", "month", "year", "years")

_NET = "(a_imp + b_imp + c_imp) - (a_exp + b_exp + c_exp)"
# The baseline: the grid meter's minute netting over the span, one SQL aggregate.
GRID_SQL: Final = (
    f"SELECT sum(max({_NET}, 0)), sum(max(-({_NET}), 0)) FROM minutes "  # noqa: S608 - constants
    "WHERE meter = :grid AND ts >= :start AND ts < :end"
)
# The same flows the day rollups hold, from the raw minutes: both meters joined per minute.
SITE_SQL: Final = f"""
SELECT sum(max(g.net, 0)), sum(max(-g.net, 0)), sum(s.solar), sum(max(g.net + s.solar, 0)),
       sum(min(max(s.solar - max(-g.net, 0), 0), s.solar)), count(*)
FROM (SELECT ts, {_NET} AS net FROM minutes
      WHERE meter = :grid AND ts >= :start AND ts < :end) AS g
JOIN (SELECT ts, max(0, -({_NET})) AS solar FROM minutes
      WHERE meter = :solar AND ts >= :start AND ts < :end) AS s USING (ts)
"""  # noqa: S608 - built from constants only
T = TypeVar("T")
SITE_FIELDS: Final = ("grid_import", "grid_export", "solar", "consumption", "self_consumption")


# -- the data set ------------------------------------------------------------------------------


def _cache_file() -> Path:
    key = f"v{DATA_VERSION}-schema{SCHEMA_VERSION}-{FIRST_YEAR}-{LAST_YEAR}"
    return Path(platformdirs.user_cache_dir("wattboard")) / "bench" / f"api-energy-{key}.db"


def _open(path: Path) -> SqliteStore:
    return SqliteStore(path, zone=ZoneInfo(ZONE), netting="minute", meters=METERS)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _dataset(fresh: bool) -> tuple[Path, dict[str, Any], bool]:
    """Return the cached file and its build facts, building both when missing or `fresh`."""
    path = _cache_file()
    facts = path.with_suffix(".json")
    if not fresh and path.exists() and facts.exists():
        return path, json.loads(facts.read_text(encoding="utf-8")), True
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("api-energy-*"):  # earlier versions: 0.7 GB each
        old.unlink()
    partial = path.with_suffix(".partial")
    _remove(partial)
    try:
        built = _build(partial)
    except BaseException:
        _remove(partial)
        raise
    partial.rename(path)
    facts.write_text(json.dumps(built, indent=2), encoding="utf-8")
    return path, built, False


def _build(path: Path) -> dict[str, Any]:
    print(f"building ten years of minutes in {path} (once; cached)", file=sys.stderr)
    store = _open(path)  # the schema, the meters and the settings, as the app makes them
    nums = {m.id: store._num(m.id) for m in METERS}  # noqa: SLF001 - the meters' row ids
    store.close()
    started = time.perf_counter()
    records = _insert_minutes(path, nums["grid"], nums["solar"])
    inserted = time.perf_counter() - started
    store = _open(path)
    try:
        started = time.perf_counter()
        store.rebuild()
        rebuilt = time.perf_counter() - started
        days = int(store._db.execute("SELECT count(*) FROM days").fetchone()[0])  # noqa: SLF001
    finally:
        store.close()
    size = path.stat().st_size
    print(f"built: {records} records, rollups in {rebuilt:.0f} s", file=sys.stderr)
    return {
        "records": records,
        "days": days,
        "generate_and_insert_s": round(inserted, 1),
        "insert_records_per_s": round(records / inserted),
        "rebuild_s": round(rebuilt, 1),
        "rebuild_records_per_s": round(records / rebuilt),
        "file_mb": round(size / 1e6, 1),
        "bytes_per_meter_minute": round(size / records, 1),
    }


def _insert_minutes(path: Path, grid: int, solar: int) -> int:
    """Write both meters' minutes week by week, in one transaction without a journal."""
    zone = ZoneInfo(ZONE)
    start = local_midnight(date(FIRST_YEAR, 1, 1), zone)
    minutes = (local_midnight(date(LAST_YEAR + 1, 1, 1), zone) - start) // 60
    insert = (
        f"INSERT INTO minutes (meter, ts, {', '.join(MINUTE_COLUMNS)}) "  # noqa: S608 - constants
        f"VALUES ({', '.join('?' * (len(MINUTE_COLUMNS) + 2))})"
    )
    rng = np.random.default_rng(SEED)
    chunk = CHUNK_DAYS * 1440
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        # A half-built file is deleted anyway, so nothing needs to survive a crash here.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        for first in range(0, minutes, chunk):
            ts = start + 60 * np.arange(first, min(first + chunk, minutes), dtype=np.int64)
            for rows in site_rows(rng, ts, zone, grid, solar):
                db.executemany(insert, rows.tolist())
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = WAL")
    return 2 * minutes


# -- API latency -------------------------------------------------------------------------------


def _random_paths(rng: random.Random, count: int) -> dict[str, list[str]]:
    """Return `count` request paths per view, each for a random period of the ten years."""
    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    days = [first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(count)]
    weeks = [rng.choice(days) for _ in range(count)]
    return {
        "day": [f"/energy/day/{d.isoformat()}" for d in days],
        "week": ["/energy/week/{}-W{:02d}".format(*d.isocalendar()[:2]) for d in weeks],
        "month": [
            f"/energy/month/{rng.randint(FIRST_YEAR, LAST_YEAR)}-{rng.randint(1, 12):02d}"
            for _ in range(count)
        ],
        "year": [f"/energy/year/{rng.randint(FIRST_YEAR, LAST_YEAR)}" for _ in range(count)],
        "years": ["/energy/years"] * count,
    }


EXPECTED_BUCKETS: Final[dict[str, Callable[[int], bool]]] = {
    "day": lambda n: n in (23, 24, 25),
    "week": lambda n: n == 7,
    "month": lambda n: 28 <= n <= 31,
    "year": lambda n: n == 12,
    "years": lambda n: n == LAST_YEAR - FIRST_YEAR + 1,
}


def _get(client: httpx.Client, view: str, path: str) -> float:
    """Send one request, check the answer's shape; return its latency in ms."""
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    buckets = len(response.json()["buckets"])
    if not EXPECTED_BUCKETS[view](buckets):
        raise RuntimeError(f"{path}: {buckets} buckets")
    return elapsed


def _api_latency(path: Path, rng: random.Random) -> dict[str, Any]:
    paths = _random_paths(rng, REQUESTS)
    plan = [(view, p) for view, view_paths in paths.items() for p in view_paths]
    rng.shuffle(plan)
    samples: dict[str, list[float]] = {view: [] for view in VIEWS}
    spent = dict.fromkeys(VIEWS, 0.0)
    cpu: dict[str, float] = {}
    with serving(path) as (url, pid), httpx.Client(base_url=f"{url}/api/v1", timeout=60) as client:
        for view in VIEWS:
            for p in paths[view][:WARMUP]:
                _get(client, view, p)
        for view, p in plan:
            if spent[view] < VIEW_BUDGET_S * 1000:
                samples[view].append(_get(client, view, p))
                spent[view] += samples[view][-1]
        for view in VIEWS:
            cpu[view] = _server_cpu_ms(client, view, paths[view][:CPU_REQUESTS], pid)
    results: dict[str, Any] = {}
    for view in VIEWS:
        results[f"api_{view}_requests"] = len(samples[view])
        results[f"api_{view}_p50_ms"] = round(statistics.median(samples[view]), 2)
        results[f"api_{view}_p99_ms"] = round(_percentile(samples[view], 0.99), 2)
        results[f"api_{view}_max_ms"] = round(max(samples[view]), 2)
        results[f"api_{view}_server_cpu_ms"] = round(cpu[view], 3)
    return results


def _server_cpu_ms(client: httpx.Client, view: str, paths: list[str], pid: int) -> float:
    """Return the server's CPU time per request of `view` (user + system, from /proc).

    Latency on a shared machine includes the wait for a core; the CPU time does not, so it
    says what a view costs even when the wall clock cannot.
    """
    before = cpu_seconds(pid)
    for p in paths:
        _get(client, view, p)
    return (cpu_seconds(pid) - before) * 1000 / len(paths)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# -- store layer -------------------------------------------------------------------------------


def _median_ms(call: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Return the median time of `repeats` calls after a warm-up call, and the last result."""
    result = call()  # warm: the same pages for every contender
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


class StoreBench:
    """Rollup reads and raw-minute aggregates of the same spans, on one open store."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.zone = store.zone
        self.site = Site(store.zone, store.netting, store.meter_count(), int(time.time()))
        self.ids = {"grid": store._num("grid"), "solar": store._num("solar")}  # noqa: SLF001
        self.worst = dict.fromkeys(SITE_FIELDS, 0.0)
        self.checked = 0

    def _sql(self, query: str, start: int, end: int) -> tuple[int, ...]:
        args = {**self.ids, "start": start, "end": end}
        return tuple(self.store._db.execute(query, args).fetchone())  # noqa: SLF001

    def _rollup(self, kind: str, span: Bucket) -> list[Flows]:
        """Run the query that serves the view: a month's day rows, a year's monthly day sums."""
        if kind == "year":
            months = period_buckets(span, self.zone)
            return self.store.day_sums([(b.start, b.end) for b in months])
        return [d.flows for d in self.store.day_rows(span.start, span.end)]

    def _report(self, kind: str, key: str) -> Flows:
        span = period(kind, key, self.zone)  # type: ignore[arg-type]
        children = period_buckets(span, self.zone)
        if kind == "year":
            sums = self.store.day_sums([(b.start, b.end) for b in children])
            return from_sums(children, sums, self.site).totals
        rows = self.store.day_rows(span.start, span.end)
        return from_days(children, [(d.start, d.flows) for d in rows], self.site).totals

    def measure(self, kind: str, key: str) -> dict[str, float]:
        """Time the contenders on one period and check the rollups against the raw minutes."""
        span = period(kind, key, self.zone)  # type: ignore[arg-type]
        start, end = span.start, span.end
        rows, _ = _median_ms(lambda: self._rollup(kind, span), ROLLUP_REPEATS)
        assembled, _ = _median_ms(lambda: self._report(kind, key), ROLLUP_REPEATS)
        grid, _ = _median_ms(lambda: self._sql(GRID_SQL, start, end), BASELINE_REPEATS)
        site, raw = _median_ms(lambda: self._sql(SITE_SQL, start, end), BASELINE_REPEATS)
        self._agree(combine(self._rollup(kind, span)), raw)
        return {"rows": rows, "report": assembled, "grid_sql": grid, "site_sql": site}

    def _agree(self, rolled: Flows, raw: tuple[int, ...]) -> None:
        *sums, minutes = raw
        for name, value in zip(SITE_FIELDS, sums, strict=True):
            gap = abs(getattr(rolled, name) - value / ENERGY_SCALE)
            self.worst[name] = max(self.worst[name], gap)
        if rolled.present != 2 * minutes:
            raise RuntimeError(
                f"rollups hold {rolled.present} meter-minutes, the minutes {minutes}"
            )
        self.checked += 1


def _store_layer(path: Path, rng: random.Random) -> dict[str, Any]:
    store = _open(path)
    try:
        bench = StoreBench(store)
        months = rng.sample(
            [f"{y}-{m:02d}" for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)],
            STORE_MONTHS,
        )
        years = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        timed = {
            "month": [bench.measure("month", key) for key in months],
            "year": [bench.measure("year", key) for key in years],
        }
    finally:
        store.close()
    results: dict[str, Any] = {}
    for kind, runs in timed.items():
        medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
        results[f"store_{kind}_periods"] = len(runs)
        for name, value in medians.items():
            results[f"store_{kind}_{name}_ms"] = round(value, 3)
        results[f"store_{kind}_speedup_x"] = round(medians["grid_sql"] / medians["rows"], 1)
        results[f"store_{kind}_speedup_with_report_x"] = round(
            medians["grid_sql"] / medians["report"], 1
        )
        results[f"store_{kind}_speedup_vs_site_sql_x"] = round(
            medians["site_sql"] / medians["rows"], 1
        )
    results["store_agreement_periods"] = bench.checked
    results["store_max_abs_diff_wh"] = {k: float(f"{v:.2g}") for k, v in bench.worst.items()}
    results["store_agree_to_0_01_wh"] = all(v <= AGREE_WH for v in bench.worst.values())
    return results


# -- the run -----------------------------------------------------------------------------------


TARGETS: Final[dict[str, float]] = {
    **{f"api_{view}_p50_ms": 1.5 for view in VIEWS},
    **{f"api_{view}_p99_ms": 6.0 for view in VIEWS},
    "store_month_speedup_x": 100.0,
    "store_year_speedup_x": 100.0,
}


def _met(results: dict[str, Any]) -> dict[str, bool]:
    return {
        name: results[name] >= bound if name.endswith("_x") else results[name] <= bound
        for name, bound in TARGETS.items()
        if name in results
    }


@contextlib.contextmanager
def _timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"{label}: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="build the cached data set again")
    parser.add_argument("--api-only", action="store_true", help="skip the store-layer part")
    args = parser.parse_args()
    with _timed("data set"):
        path, built, hit = _dataset(args.fresh)
    print(f"data set: {path} (cache {'hit' if hit else 'built'})", file=sys.stderr)
    rng = random.Random(SEED)
    store: dict[str, Any] = {}
    if not args.api_only:
        with _timed("store layer"):
            store = _store_layer(path, rng)
    with _timed("API"):
        api = _api_latency(path, rng)
    results: dict[str, Any] = {
        "data_file": str(path),
        "data_cache_hit": hit,
        **{f"data_{name}": value for name, value in built.items()},
        "api_server": "uvicorn (h11, asyncio loop) in a child process on 127.0.0.1; "
        "client: httpx.Client, one keep-alive connection, sequential requests",
        **api,
        "store_rollup_query": "rows: a month's SqliteStore.day_rows, a year's day_sums of its "
        "12 months; report: rows + period_buckets + from_days/from_sums; grid_sql: the grid "
        "meter's minute netting in one aggregate; site_sql: all minute-netted flows, two "
        "meters joined per minute",
        **store,
    }
    results["targets_met"] = _met({k: v for k, v in results.items() if k in TARGETS})
    report("api_energy", results, TARGETS)


if __name__ == "__main__":
    main()
