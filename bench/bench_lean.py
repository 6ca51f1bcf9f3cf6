"""A runtime install as a Pi gets it: its size, `wattboard --help`, and `serve` over ten years.

Builds the wheel of this checkout (`pip wheel --no-deps --no-build-isolation`), installs it
without extras into a fresh virtual environment, and measures:

1. the size of that environment's site-packages (every file's apparent size, as `du -b`
   counts), with and without pip itself (which a venv brings, not Wattboard);
2. `wattboard --help` wall time in that environment, the median of 10 runs after one warm-up
   (the page cache holds the files, as on a Pi that ran it once);
3. `wattboard serve` of that environment over the ten-year file of bench_api_energy (built and
   cached on the first run), after every calendar view was requested: its RSS (VmRSS) at the
   end, and the peak (VmHWM).

`--keep DIR` keeps the environment in DIR (reused when it exists) so bench_run_steady can run
`wattboard run` in it: `bench_run_steady.py --python DIR/bin/python`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx

from _common import free_port, peak_mib, report, rss_mib

ROOT: Final = Path(__file__).resolve().parent.parent
HELP_RUNS: Final = 10
VIEW_REQUESTS: Final = 40  # per view, before RSS is read
MB: Final = 1e6
TARGETS: Final = {"site_packages_mb": 60.0, "help_median_s": 0.3, "serve_rss_mb": 60.0}
ENV: Final = {**os.environ, "PYTHONUNBUFFERED": "1"}
ENV.pop("VIRTUAL_ENV", None)


def _run(*command: str | Path) -> None:
    # Our own interpreter and pip on our own checkout: no untrusted input reaches the command.
    subprocess.run([str(c) for c in command], check=True, env=ENV, stdout=subprocess.DEVNULL)  # noqa: S603


def _environment(directory: Path) -> Path:
    """Install the wheel without extras into a venv at `directory`; return its python."""
    python = directory / "bin" / "python"
    if python.exists():
        return python
    with tempfile.TemporaryDirectory(prefix="wattboard-wheel-") as wheels:
        _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
             "-w", wheels, ROOT)  # fmt: skip
        wheel = next(Path(wheels).glob("wattboard-*.whl"))
        _run(sys.executable, "-m", "venv", directory)
        _run(python, "-m", "pip", "install", "-q", wheel)
    return python


def _site_packages(python: Path) -> dict[str, Any]:
    found = next((python.parent.parent / "lib").glob("python*/site-packages"))
    sizes: dict[str, int] = {}
    for path in found.rglob("*"):
        if path.is_file() and not path.is_symlink():
            top = path.relative_to(found).parts[0]
            name = re.sub(r"-[^-]+\.dist-info$", "", top).lower().replace("_", "-")
            sizes[name] = sizes.get(name, 0) + path.stat().st_size
    venv_own = ("pip", "setuptools", "pkg-resources", "_distutils_hack", "distutils-precedence.pth")
    total = sum(sizes.values())
    own = sum(sizes.get(name, 0) for name in venv_own)
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:12]
    return {
        "site_packages_mb_with_pip": round(total / MB, 1),
        "site_packages_mb": round((total - own) / MB, 1),
        "site_packages_largest_mb": {name: round(size / MB, 1) for name, size in largest},
    }


def _help_times(python: Path) -> dict[str, Any]:
    command = [str(python.parent / "wattboard"), "--help"]
    times, cpu = [], []
    for run in range(HELP_RUNS + 1):
        used = _children_cpu()
        started = time.perf_counter()
        subprocess.run(command, check=True, env=ENV, stdout=subprocess.DEVNULL)  # noqa: S603
        if run:  # the first run warms the page cache and writes the bytecode
            times.append(time.perf_counter() - started)
            cpu.append(_children_cpu() - used)
    # On a shared machine the wall time waits for other processes; CPU time does not.
    return {
        "help_median_s": round(statistics.median(times), 3),
        "help_min_s": round(min(times), 3),
        "help_max_s": round(max(times), 3),
        "help_cpu_median_s": round(statistics.median(cpu), 3),
        "load_average_1min": os.getloadavg()[0],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _config(directory: Path, db: Path, port: int) -> Path:
    # The site the ten-year file was built for: no rebuild, and the meters are never polled.
    path = directory / "wattboard.toml"
    meters = "".join(
        f'\n[[meters]]\nid = "{role}"\nrole = "{role}"\nurl = "http://127.0.0.1:9"\n'
        for role in ("grid", "solar")
    )
    path.write_text(
        f'[site]\nid = "bench"\ntimezone = "Europe/Helsinki"\nnetting = "minute"\n'
        f'[store]\npath = "{db.as_posix()}"\n[api]\nhost = "127.0.0.1"\nport = {port}\n{meters}',
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def _serving(python: Path, config: Path) -> Iterator[subprocess.Popen[str]]:
    command = [str(python.parent / "wattboard"), "serve", "--config", str(config)]
    # Our own installed command: no untrusted input reaches it.
    process = subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV
    )
    timer = threading.Timer(120.0, process.kill)  # a hung start ends the wait by ending it
    timer.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Wattboard at" in line:
                break
        else:
            raise RuntimeError(f"wattboard serve exited with {process.wait()}")
        timer.cancel()
        yield process
    finally:
        timer.cancel()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _paths(rng: random.Random) -> list[str]:
    paths = ["/energy/years", "/health", "/meters"]
    for _ in range(VIEW_REQUESTS):
        year = rng.randint(2015, 2024)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        paths += [
            f"/energy/day/{year}-{month:02d}-{day:02d}",
            f"/energy/week/{year}-W{rng.randint(1, 52):02d}",
            f"/energy/month/{year}-{month:02d}",
            f"/energy/year/{year}",
            "/energy/years",
        ]
    return paths


def _serve_rss(python: Path) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_api_energy import _dataset  # noqa: PLC0415 - needs numpy only for a fresh build

    db, _, _ = _dataset(fresh=False)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="wattboard-serve-") as tmp:
        config = _config(Path(tmp), db, port)
        with (
            _serving(python, config) as process,
            httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as client,
        ):
            idle = rss_mib(process.pid)
            for path in _paths(random.Random(1)):
                client.get(path).raise_for_status()
            rss = rss_mib(process.pid)
            peak = peak_mib(process.pid)
    return {
        "serve_rss_mb_idle": round(idle * 1024 * 1024 / MB, 1),
        "serve_rss_mb": round(rss * 1024 * 1024 / MB, 1),
        "serve_rss_mb_peak": round(peak * 1024 * 1024 / MB, 1),
        "serve_requests": len(_paths(random.Random(1))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the environment here")
    parser.add_argument("--no-serve", action="store_true", help="skip the ten-year serve")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.keep is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "venv"
        else:
            directory = args.keep.resolve()
        python = _environment(directory)
        results: dict[str, Any] = {"environment": str(directory) if args.keep else "temporary"}
        results |= _site_packages(python)
        results |= _help_times(python)
        if not args.no_serve:
            results |= _serve_rss(python)
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    results["targets_met"] = {
        name: results[name] <= bound for name, bound in TARGETS.items() if name in results
    }
    report("lean", results, TARGETS)


if __name__ == "__main__":
    main()
