"""`make test-dates`: the date-sensitive tests with the clock of every process moved.

For each calendar case below, the next such instant after now is turned into one offset, and
the tests marked `dates` (pytest) and `@dates` (jest) run under libfaketime with that offset:
`LD_PRELOAD=<libfaketime.so.1> FAKETIME=+<seconds>s FAKETIME_DONT_FAKE_MONOTONIC=1` (and
FAKETIME_FORCE_MONOTONIC_FIX=0, see `faked`). The build comes from the PyPI package
`libfaketime` (Debian's 0.9.10 breaks Python's `time.sleep`).
`WATTBOARD_FAKED_NOW` tells the tests which instant to expect, so a clock that did not move
fails the run instead of passing it vacuously.

    python tests/run_dates.py            every case
    python tests/run_dates.py --list     the cases and their instants, nothing run
    python tests/run_dates.py leap-day   only the cases named
    python tests/run_dates.py --jobs 1   one case at a time (default: two side by side)

Cases run side by side (two by default: each is mostly one process, and the machine has two
cores); each case's output is printed in one piece when it ends, so cases never interleave.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
MOBILE = REPO / "mobile"
HELSINKI = ZoneInfo("Europe/Helsinki")
# Any instant of a run lies within this many seconds after its target (a run takes about a
# minute); `tests/test_faked_clock.py` checks the same window.
WINDOW = 1800
SLACK = 5  # whole-second offsets and `date`'s whole seconds: a second early is no failure


def say(line: str) -> None:
    """Report progress on stdout, flushed before a child process writes to it."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _years(now: datetime) -> Iterator[int]:
    return iter(range(now.year, now.year + 9))


def _next(now: datetime, candidates: Callable[[int], list[datetime]]) -> datetime:
    """The first candidate instant after `now`, over this year and the next ones."""
    return next(t for year in _years(now) for t in candidates(year) if t > now)


def cases(now: datetime) -> dict[str, datetime]:
    """The instants to run at, each the next one after `now` (Helsinki wall time)."""
    # Not 1 January, which has a case of its own.
    first_of_month = lambda year: [_at(date(year, m, 1), 10) for m in range(2, 13)]  # noqa: E731
    return {
        "new-year": _next(now, lambda y: [_at(date(y, 1, 1), 10)]),
        # The Monday after each EU change: last Sunday of March (23 h), of October (25 h).
        "monday-after-spring-dst": _next(
            now, lambda y: [_at(_last_sunday(y, 3) + timedelta(days=1), 10)]
        ),
        "monday-after-autumn-dst": _next(
            now, lambda y: [_at(_last_sunday(y, 10) + timedelta(days=1), 10)]
        ),
        "leap-day": _next(now, lambda y: [_at(date(y, 2, 29), 10)] if calendar.isleap(y) else []),
        "first-of-month": _next(now, first_of_month),
        # 00:30 in Helsinki on 1 January: UTC is still on 31 December (22:30) of the year before.
        "helsinki-after-midnight": _next(now, lambda y: [_at(date(y, 1, 1), 0, 30)]),
    }


def libfaketime() -> Path:
    """The `libfaketime.so.1` inside the installed PyPI package `libfaketime`."""
    import libfaketime as package  # noqa: PLC0415 - a dev dependency, needed only here

    root = Path(package.__file__).parent
    found = sorted(root.rglob("libfaketime.so.1"))
    if not found:
        raise SystemExit(f"no libfaketime.so.1 under {root}: pip install -e '.[dev]'")
    return found[0]


def node_ok() -> bool:
    if shutil.which("node") is None or not (MOBILE / "node_modules").is_dir():
        return False
    check = (
        "const [a,b]=process.versions.node.split('.').map(Number);"
        "process.exit(a>20||(a===20&&b>=19)?0:1)"
    )
    return subprocess.run(["node", "-e", check], check=False).returncode == 0


def faked(target: datetime, library: Path) -> dict[str, str]:
    offset = math.ceil(target.timestamp() - time.time())
    return os.environ | {
        "LD_PRELOAD": str(library),
        "FAKETIME": f"{offset:+d}s",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        # Its "monotonic fix" of pthread_cond_timedwait breaks Python's GIL hand-over: two busy
        # threads then run some 60 times slower, and every `asyncio.to_thread` with them.
        "FAKETIME_FORCE_MONOTONIC_FIX": "0",
        "WATTBOARD_FAKED_NOW": str(int(target.timestamp())),
    }


def pytest_files() -> list[str]:
    """The test files with a test marked `dates`, so each case imports only those."""
    return sorted(
        str(path.relative_to(REPO))
        for path in REPO.joinpath("tests").rglob("test_*.py")
        if "pytest.mark.dates" in path.read_text(encoding="utf-8")
    )


def jest_files() -> list[str]:
    """The app's test files with a test named `@dates` (jest then loads only these)."""
    tests = [
        *MOBILE.joinpath("src").rglob("*.test.ts"),
        *MOBILE.joinpath("src").rglob("*.test.tsx"),
    ]
    return sorted(
        str(path.relative_to(MOBILE))
        for path in tests
        if "node_modules" not in path.parts and "@dates" in path.read_text(encoding="utf-8")
    )


def run_case(
    name: str, target: datetime, library: Path, files: list[str], jest: list[str]
) -> dict[str, object]:
    """Run one case; its output (both streams, in order) is printed in one block at the end."""
    started = time.monotonic()
    env = faked(target, library)
    utc = target.astimezone(ZoneInfo("UTC"))
    lines = [f"== {name}: {target.isoformat()} ({utc:%Y-%m-%d %H:%M} UTC)"]
    # The preload works for a plain program before anything else runs under it.
    shown = subprocess.run(["date", "+%s"], env=env, capture_output=True, text=True, check=True)
    if not -SLACK <= int(shown.stdout) - target.timestamp() < WINDOW:
        # e.g. the package's x86-64 build on another architecture: ld.so says it was ignored
        raise SystemExit(
            f"{name}: the clock did not move with {library} "
            f"(date says {shown.stdout.strip()}) {shown.stderr.strip()}"
        )
    # A temporary directory of its own, so cases running side by side (and the rest of
    # `make test`) never share pytest's numbered directories or clean each other's up.
    with tempfile.TemporaryDirectory(prefix=f"wattboard-dates-{name}-") as scratch:
        pytest = [sys.executable, "-m", "pytest", "-q", "-m", "dates", "-p", "no:cacheprovider"]
        pytest += [f"--basetemp={scratch}/pytest"]
        ran = subprocess.run([*pytest, *files], env=env, cwd=REPO, check=False, **_captured())
        lines.append(ran.stdout)
        code = ran.returncode
    if code == 0 and jest:
        command = ["npx", "jest", "--ci", "--testNamePattern", "@dates", *jest]
        ran = subprocess.run(command, env=env, cwd=MOBILE, check=False, **_captured())
        lines.append(ran.stdout)
        code = ran.returncode
    seconds = round(time.monotonic() - started, 1)
    lines.append(f"== {name}: {'passed' if code == 0 else 'FAILED'} in {seconds} s")
    say("\n".join(line.rstrip("\n") for line in lines))
    return {"case": name, "at": target.isoformat(), "ok": code == 0, "s": seconds}


def _captured() -> dict[str, object]:
    """Both streams of a child into one text, in the order it wrote them."""
    return {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="run only these cases")
    parser.add_argument("--list", action="store_true", help="print the cases, run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="cases run side by side (default 2)")
    args = parser.parse_args()
    chosen = cases(datetime.now(HELSINKI))
    unknown = set(args.only) - set(chosen)
    if unknown:
        parser.error(f"unknown case(s) {sorted(unknown)}; known: {sorted(chosen)}")
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only}
    if args.list:
        for name, target in chosen.items():
            say(f"{name:24} {target.isoformat()}")
        return 0
    library = libfaketime()
    files = pytest_files()
    jest = jest_files() if node_ok() else []
    if not jest:
        say("test-dates: Node >= 20.19 or mobile/node_modules missing: jest is skipped")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        running = [
            pool.submit(run_case, name, target, library, files, jest)
            for name, target in chosen.items()
        ]
        results = [job.result() for job in running]
    failed = [r["case"] for r in results if not r["ok"]]
    total = round(time.monotonic() - started, 1)
    say(json.dumps({"test_dates": {"total_s": total, "failed": failed, "cases": results}}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
