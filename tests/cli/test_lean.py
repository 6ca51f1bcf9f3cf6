"""`wattboard run` loads what it needs: the emulator's numpy/aiohttp and mDNS stay out."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from wattboard.cli import _register
from wattboard import runtime  # what `run` and `serve` use
_register()
print(",".join(m for m in ("numpy", "aiohttp", "zeroconf", "pymongo") if m in sys.modules))
"""


def test_cli_registration_keeps_heavy_modules_out() -> None:
    # Each of these costs 3–11 MiB of RSS on a Pi that `run` never uses (bench_run_steady).
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
