"""What every benchmark reports about the machine it ran on."""

from __future__ import annotations

import json
import os
import platform
import socket
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
    return _status_mib(pid, "VmRSS")


def peak_mib(pid: int) -> float:
    """Return the highest resident set size a process has had, in MiB."""
    return _status_mib(pid, "VmHWM")


def _status_mib(pid: int, key: str) -> float:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} line")


def cpu_seconds(pid: int) -> float:
    """Return utime + stime of a process in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """Return a TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
