"""`make test-dates` really moves the clock: each case asserts the instant it was run at."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.run_dates import SLACK, WINDOW

HELSINKI = ZoneInfo("Europe/Helsinki")
FAKED_NOW = os.environ.get("WATTBOARD_FAKED_NOW")


@pytest.mark.dates
@pytest.mark.skipif(FAKED_NOW is None, reason="runs in `make test-dates`, which sets the instant")
def test_faked_clock_is_the_instant_of_the_case() -> None:
    assert FAKED_NOW is not None
    expected = int(FAKED_NOW)
    assert -SLACK <= time.time() - expected < WINDOW
    today = datetime.fromtimestamp(expected, HELSINKI).date()
    assert datetime.now(HELSINKI).date() == today
    # Every process sees it, a child of this one too.
    child = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert -SLACK <= float(child.stdout) - expected < WINDOW
    # libfaketime's Debian build made this raise EINVAL; the PyPI one must not. Timed waits
    # (the GIL's too) must last what they say.
    started = time.monotonic()
    time.sleep(0.05)
    assert 0.05 <= time.monotonic() - started < 1.0
    started = time.monotonic()
    assert not threading.Event().wait(0.05)
    assert 0.05 <= time.monotonic() - started < 1.0


def test_faked_clock_is_never_preloaded_without_its_instant() -> None:
    # A preload without the expected instant would let the dates run pass without a check.
    if "libfaketime" in os.environ.get("LD_PRELOAD", ""):
        assert FAKED_NOW is not None
