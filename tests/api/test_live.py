"""The view of a server that reads no meters: the cloud API (and `serve` at home)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.live import LiveView, NoLiveData

TOKEN = "t" * 32


@dataclass
class Behind:
    seconds: float

    def replication_lag(self) -> float | None:
        return self.seconds


async def test_no_live_data_has_nothing_but_the_replicas_lag() -> None:
    view: LiveView = NoLiveData(Behind(42.0))
    assert view.power() is None
    assert (view.facts(), view.stats(), view.backfilling()) == ({}, {}, frozenset())
    assert (view.replication_lag(), view.replication_failing(), view.store_problem()) == (
        42.0,
        None,
        None,
    )
    assert list(await view.implausible()) == []
    assert NoLiveData().replication_lag() is None


async def test_no_live_data_answers_power_now_with_503_and_stream_too() -> None:
    ctx = ApiContext("cloud", None, token=TOKEN, read_only=True)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=create_app(ctx))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t/api/v1", headers=headers
    ) as client:
        now = await client.get("/power/now")
        stream = await client.get("/power/stream")
    assert (now.status_code, now.json()["title"]) == (503, "No live data")
    assert (stream.status_code, stream.json()["title"]) == (503, "No live data")
