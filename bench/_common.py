"""What every benchmark reports about the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def report(name: str, results: dict[str, Any], targets: dict[str, Any]) -> None:
    """Print the one JSON object a benchmark emits."""
    payload = {"bench": name, "machine": machine(), "results": results, "targets": targets}
    json.dump(payload, sys.stdout, indent=2)
    sys.stdout.write("\n")


def rss_mib(pid: int) -> float:
    """Return the resident set size of a process in MiB, read from /proc."""
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")
