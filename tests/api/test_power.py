"""Live power, the SSE stream and the power curve of a day."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.conftest import Site
from wattboard.api.app import create_app
from wattboard.energy.periods import buckets, period
from wattboard.runtime import home_context

HELSINKI = ZoneInfo("Europe/Helsinki")


# Live power is stamped by the host's clock when polled, so the live tests take the site on the
# host's clock: the emulated physics of that second is what the poll read.
async def test_power_now_agrees_with_the_meters(live_site: Site) -> None:
    site = live_site
    await asyncio.sleep(0.5)  # a couple of polls
    body = (await site.client.get("/power/now")).json()
    assert body["stale"] is False
    assert body["home_w"] == pytest.approx(body["grid_w"] + body["solar_w"], abs=0.11)
    grid = next(m for m in body["meters"] if m["id"] == "grid")
    device = site.sim.meters["grid"].device
    totals = [
        round(float(device.samples(t, 1).act_w[0].sum()), 1)
        for t in (int(grid["ts"]) - 1, int(grid["ts"]))
    ]
    assert [p["phase"] for p in grid["phases"]] == ["a", "b", "c"]
    assert min(abs(grid["total_w"] - t) for t in totals) <= 0.2  # the sample of that second
    assert body["age_s"] < 1.0


async def _events(url: str, count: int, seconds: float) -> list[tuple[float, dict[str, Any]]]:
    found: list[tuple[float, dict[str, Any]]] = []
    started = time.monotonic()
    async with (
        httpx.AsyncClient(timeout=seconds + 5) as client,
        client.stream("GET", url) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "power":
                found.append((time.monotonic() - started, json.loads(line[6:])))
                if len(found) >= count:
                    break
    return found


async def test_power_stream_sends_events_and_follows_changes(live_site: Site) -> None:
    site = live_site
    events = await asyncio.wait_for(_events(site.url + "/api/v1/power/stream", 3, 10), timeout=15)
    assert events[0][0] < 2.0  # the first event arrives at once
    assert {"grid_w", "solar_w", "home_w", "meters"} <= set(events[0][1])
    # Then a clamp of the emulated grid meter flips: the next events carry phase A reversed.
    device = site.sim.meters["grid"].device
    device.faults.reversed_ct.add("a")
    later = await asyncio.wait_for(_events(site.url + "/api/v1/power/stream", 4, 10), timeout=15)
    grid = next(m for m in later[-1][1]["meters"] if m["id"] == "grid")
    second = int(grid["ts"])
    # The poll read the sample of its second, or of the one before when it crossed a boundary.
    physical = [
        round(float(device.physics.grid(t, 1).act_w[0][0]), 1) for t in (second, second - 1)
    ]
    assert round(-grid["phases"][0]["w"], 1) in physical  # the sign flipped


async def test_power_day_curve_matches_energy(site: Site) -> None:
    now = site.sim.meters["grid"].device.now()
    day = datetime.fromtimestamp(now - 86400, HELSINKI).date().isoformat()
    curve = (await site.client.get(f"/power/day/{day}", params={"resolution": "15m"})).json()
    energy = (
        await site.client.get("/energy", params={"start": day, "end": _next(day), "bucket": "15m"})
    ).json()
    assert len(curve["buckets"]) == len(buckets(*_span(day), "15m", HELSINKI))
    for point, bucket in zip(curve["buckets"], energy["buckets"], strict=True):
        # Average W over a quarter = net Wh × 4 (minute netting of the grid, then averaged).
        net = bucket["grid_import"] - bucket["grid_export"]
        assert point["grid_avg_w"] == pytest.approx(net * 4, abs=0.5)
        assert point["solar_avg_w"] == pytest.approx(bucket["solar"] * 4, abs=0.5)
        assert point["grid_max_w"] >= point["grid_avg_w"] - 0.1


def _span(day: str) -> tuple[int, int]:
    whole = period("day", day, HELSINKI)
    return whole.start, whole.end


def _next(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


async def test_power_now_without_meters_says_live_is_at_home(site: Site) -> None:
    app = create_app(home_context(site.settings, site.store, None))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        response = await client.get("/api/v1/power/now")
    assert response.status_code == 503
    assert "at home" in response.json()["detail"]
