"""The parts `run` and `serve` start: what the process loads, and the prices HA is sent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.store.test_sqlite import T0
from wattboard.api.app import openapi_document
from wattboard.config import Settings
from wattboard.energy.prices import PricePoint
from wattboard.runtime import current_prices
from wattboard.store.asyncstore import open_store

# Builds the API's schema as `run` and `serve` do (pydantic.v1 skipped), in a fresh process.
CHILD = """
import json, sys
if sys.argv[1] == "loaded":
    import pydantic.v1
from wattboard.runtime import skip_pydantic_v1
skip_pydantic_v1()
from wattboard.api.app import openapi_document
schema = openapi_document()
print(json.dumps({"v1": sys.modules["pydantic.v1"] is not None, "schema": schema}))
"""


def _child(state: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, state],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_skip_pydantic_v1_keeps_the_openapi_schema() -> None:
    answer = _child("fresh")
    assert answer["v1"] is False
    assert answer["schema"] == openapi_document()


def test_skip_pydantic_v1_leaves_a_loaded_v1_alone() -> None:
    assert _child("loaded")["v1"] is True


TARIFF: dict[str, Any] = {
    "valid_from": "2025-01-01",
    "currency": "EUR",
    "import": [
        {"name": "energy", "spot": True, "price": 0.005, "vat": 25.5},
        {"name": "transfer", "price": 0.03, "vat": 25.5},
    ],
    "export": [{"name": "sale", "spot": True, "price": -0.003}],
}
# T0 is 03:00 in Helsinki: an hourly price before it, quarters from it, then no price at all.
POINTS = [
    PricePoint(T0 - 3600, T0, 0.08),
    PricePoint(T0, T0 + 900, 0.10),
    PricePoint(T0 + 900, T0 + 1800, -0.02),
]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # (spot + 0.005 + 0.03) * 1.255 on import; spot - 0.003 on export (no VAT).
        (T0 - 1, (0.115 * 1.255, 0.077)),
        (T0, (0.135 * 1.255, 0.097)),
        (T0 + 899, (0.135 * 1.255, 0.097)),
        (T0 + 900 + 450, (0.015 * 1.255, -0.023)),
        # No spot price: the spot components leave both prices unknown.
        (T0 + 1800, (None, None)),
    ],
)
async def test_current_prices_are_the_full_prices_of_the_period_now(
    tmp_path: Path, at: int, expected: tuple[float | None, float | None]
) -> None:
    settings = Settings(site={"timezone": "Europe/Helsinki"}, store={"path": tmp_path / "w.db"})
    store = open_store(settings)
    await store.open()
    try:
        await store.put_prices(POINTS)
        book = Settings(site={"timezone": "Europe/Helsinki"}, tariffs=[TARIFF]).tariff_book()
        found = await current_prices(book, store, clock=lambda: at + 0.5)()
    finally:
        await store.close()
    assert found == pytest.approx(expected)


async def test_current_prices_of_fixed_components_need_no_spot_price(tmp_path: Path) -> None:
    fixed = {
        "valid_from": "2025-01-01",
        "currency": "EUR",
        "import": [
            {"name": "energy", "price": 0.10, "vat": 24},
            {"name": "transfer", "price": 0.05, "vat": 24},
        ],
        "export": [{"name": "sale", "price": 0.04}],
    }
    settings = Settings(site={"timezone": "Europe/Helsinki"}, store={"path": tmp_path / "w.db"})
    store = open_store(settings)
    await store.open()
    try:
        book = Settings(site={"timezone": "Europe/Helsinki"}, tariffs=[fixed]).tariff_book()
        found = await current_prices(book, store, clock=lambda: T0)()
    finally:
        await store.close()
    assert found == pytest.approx((0.15 * 1.24, 0.04))
