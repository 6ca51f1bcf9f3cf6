"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from wattboard.simulator import Emulators

FIXTURES = Path(__file__).parent / "fixtures"
SHELLY = FIXTURES / "shelly"


def load_fixture(relative: str) -> Any:
    return json.loads((SHELLY / relative).read_text(encoding="utf-8"))


@pytest.fixture
async def emulators() -> AsyncIterator[Emulators]:
    """Two emulated meters on free ports with four hours of history, no password."""
    from wattboard.simulator import EmulatorOptions, start_emulators  # noqa: PLC0415 - keeps collection light

    async with start_emulators(EmulatorOptions(port=0, history_days=4 / 24, seed=7)) as sim:
        yield sim


@pytest.fixture
async def protected() -> AsyncIterator[Emulators]:
    """One emulated grid meter with digest auth (password `secret`)."""
    from wattboard.simulator import EmulatorOptions, start_emulators  # noqa: PLC0415 - keeps collection light

    options = EmulatorOptions(port=0, meters=("grid",), history_days=1 / 24, password="secret")
    async with start_emulators(options) as sim:
        yield sim
