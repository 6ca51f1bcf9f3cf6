"""`wattboard simulate` as a user runs it: a real process, real ports, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest


def _wait_for_urls(process: subprocess.Popen[str], count: int, timeout: float = 30.0) -> list[str]:
    urls: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while len(urls) < count and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        urls += re.findall(r"meter: (http://127\.0\.0\.1:\d+)", line)
    return urls


@pytest.mark.slow
def test_simulate_serves_meters_until_interrupted() -> None:
    command = [
        sys.executable,
        "-m",
        "wattboard",
        "simulate",
        "--port",
        "0",
        "--history-days",
        "0.05",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as process:
        urls = _wait_for_urls(process, 2)
        assert len(urls) == 2
        with urllib.request.urlopen(urls[1] + "/rpc/EMData.GetRecords?id=0", timeout=5) as response:  # noqa: S310 - loopback
            blocks = json.load(response)["data_blocks"]
        assert blocks[0]["records"] == 72  # 0.05 days × 1440 minutes
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


def test_simulate_rejects_unknown_meter_role() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wattboard", "simulate", "--meters", "grid,wind"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "grid and/or solar" in result.stderr
