"""Fixtures of the client package's tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shelly.payloads import PAGE_TS, load


@pytest.fixture
def pages() -> list[Any]:
    """The four consecutive real `EMData.GetData` pages, oldest first."""
    return [load(f"getdata_pages/{ts}.json") for ts in PAGE_TS]
