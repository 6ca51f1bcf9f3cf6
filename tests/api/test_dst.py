"""DST days through the API: records POSTed for Helsinki's 23- and 25-hour days add up exactly."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import TOKEN, site_settings
from wattboard.api.app import create_app
from wattboard.collector.service import open_store
from wattboard.runtime import home_context

FLOWS = ("grid_import", "grid_export", "solar", "consumption", "self_consumption")
# Local days around the changes: 2025-03-30 has 23 hours, 2025-10-26 has 25 (Europe/Helsinki).
DAYS_UTC = {
    "2025-03-29": 1743199200,  # 00:00+02:00
    "2025-03-30": 1743285600,  # 00:00+02:00, clocks go forward at 03:00
    "2025-10-26": 1761426000,  # 00:00+03:00, clocks go back at 04:00
    "2025-10-27": 1761516000,  # 00:00+02:00
}
HOURS = {"2025-03-29": 24, "2025-03-30": 23, "2025-10-26": 25, "2025-10-27": 24}


@dataclass
class Api:
    client: httpx.AsyncClient


def _record(meter: str, ts: int, rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"meter": meter, "ts": ts}
    for phase in "abc":
        flow = rng.uniform(-6.0, 9.0) if meter == "grid" else -rng.uniform(0.0, 8.0)
        body |= {
            f"{phase}_import_wh": round(max(flow, 0.0), 4),
            f"{phase}_export_wh": round(max(-flow, 0.0), 4),
            f"{phase}_max_w": round(flow * 60 + 50, 1),
            f"{phase}_min_w": round(flow * 60 - 50, 1),
            f"{phase}_avg_v": 230.0,
            f"{phase}_avg_a": round(abs(flow) * 60 / 230, 3),
        }
    return body


async def _post_day(client: httpx.AsyncClient, start: int, hours: int) -> None:
    rng = random.Random(start)
    records = [
        _record(m, start + 60 * i, rng) for i in range(hours * 60) for m in ("grid", "solar")
    ]
    for chunk in range(0, len(records), 5000):
        response = await client.post(
            "/readings",
            json=records[chunk : chunk + 5000],
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 200, response.text


@pytest.fixture(params=["minute", "hour", "15min", "phase"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    settings = site_settings(None, tmp_path / "dst.db", netting=request.param)
    store = open_store(settings)
    await store.open()
    app = create_app(home_context(settings, store, None))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        await asyncio.gather(
            *(_post_day(client, start, HOURS[day]) for day, start in DAYS_UTC.items())
        )
        yield Api(client)
    await store.close()


async def test_dst_days_have_23_and_25_hours_that_add_up(api: Api) -> None:
    for day, hours in HOURS.items():
        body = (await api.client.get(f"/energy/day/{day}")).json()
        assert len(body["buckets"]) == hours
        assert body["totals"]["coverage"] == 1.0
        for field in FLOWS:
            total = sum(b[field] for b in body["buckets"])
            assert total == pytest.approx(body["totals"][field], abs=0.01)  # day = Σ hours
    repeated = [
        b["key"] for b in (await api.client.get("/energy/day/2025-10-26")).json()["buckets"]
    ][3:5]
    assert repeated == ["2025-10-26T03:00:00+03:00", "2025-10-26T03:00:00+02:00"]  # 03:00 twice


async def test_dst_month_and_year_add_up(api: Api) -> None:
    days = {d: (await api.client.get(f"/energy/day/{d}")).json()["totals"] for d in HOURS}
    march = (await api.client.get("/energy/month/2025-03")).json()
    october = (await api.client.get("/energy/month/2025-10")).json()
    year = (await api.client.get("/energy/year/2025")).json()
    for field in FLOWS:
        # month = Σ days, year = Σ months, each to 0.01 Wh
        assert march["totals"][field] == pytest.approx(
            days["2025-03-29"][field] + days["2025-03-30"][field], abs=0.01
        )
        assert october["totals"][field] == pytest.approx(
            days["2025-10-26"][field] + days["2025-10-27"][field], abs=0.01
        )
        months = sum(b[field] for b in year["buckets"])
        assert year["totals"][field] == pytest.approx(months, abs=0.01)
        assert months == pytest.approx(march["totals"][field] + october["totals"][field], abs=0.01)
    assert len(march["buckets"]) == 31
