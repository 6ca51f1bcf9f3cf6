"""Health, meters, metrics, CSV export, the web build at /, and the read-only lock."""

from __future__ import annotations

import csv
import io
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import TOKEN, Site, site_settings
from wattboard.api import static
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.collector.service import open_store
from wattboard.collector.view import HomeView
from wattboard.runtime import home_context


async def test_health_lists_meters_and_their_newest_minute(site: Site) -> None:
    body = (await site.client.get("/health")).json()
    assert body["status"] == "ok"
    assert body["store"] == {"backend": "sqlite", "problem": None}
    assert all(m["implausible"] == [] for m in body["meters"])
    newest = {m["id"]: m["last_record_ts"] for m in body["meters"]}
    last = site.sim.meters["grid"].device.memory.last_ts
    assert last is not None
    assert newest["grid"] in (last, last - 60)  # a new minute may have been saved since
    assert all(m["online"] for m in body["meters"])


async def test_meters_tell_model_profile_and_inversion(site: Site) -> None:
    meters = {m["id"]: m for m in (await site.client.get("/meters")).json()}
    assert meters["grid"]["model"] == "SPEM-003CEBEU"
    assert meters["grid"]["profile"] == "triphase"
    assert meters["solar"]["role"] == "solar"
    assert meters["grid"]["invert_phases"] == []
    assert meters["grid"]["online"] is True


async def test_metrics_count_polls_and_records(site: Site) -> None:
    await site.client.get("/health")
    text = (await site.client.get("/metrics")).text
    lines = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and line[0] != "#"
    }
    stored = await site.store.count("grid")
    assert lines['wattboard_records_ingested_total{meter="grid"}'] == stored
    assert lines['wattboard_polls_total{meter="grid"}'] >= 1
    assert lines['wattboard_poll_failures_total{meter="grid"}'] == 0
    assert 0 <= lines['wattboard_last_record_age_seconds{meter="grid"}'] < 180
    assert any(k.startswith("wattboard_request_duration_seconds_count") for k in lines)


async def test_export_csv_rows_equal_the_energy_buckets(site: Site) -> None:
    body = (await site.client.get("/health")).json()
    end = max(m["last_record_ts"] for m in body["meters"]) // 3600 * 3600
    params = {"start": end - 6 * 3600, "end": end, "bucket": "hour"}
    energy = (await site.client.get("/energy", params=params)).json()
    response = await site.client.get("/export.csv", params=params)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == (
        "start,end,grid_import_wh,grid_export_wh,solar_wh,consumption_wh,self_consumption_wh,"
        "self_sufficiency,self_consumption_ratio,coverage,"
        "currency,import_cost,export_revenue,fixed_fees,net_cost,solar_savings,priced"
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 6
    assert {r["currency"] for r in rows} == {""}  # no tariff: the money columns stay empty
    for column in ("grid_import", "solar", "consumption"):
        got = [float(r[f"{column}_wh"]) for r in rows]
        assert got == [b[column] for b in energy["buckets"]]


async def test_static_says_how_to_build_the_app_when_missing() -> None:
    bare = FastAPI()
    bare.include_router(static.router(None))  # no build anywhere, none looked for again
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bare), base_url="http://t"
    ) as client:
        page = await client.get("/")
    assert page.status_code == 200
    assert "expo export --platform web" in page.text


async def test_static_serves_clean_urls_and_its_404_page(site: Site, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>now</p>", encoding="utf-8")
    (tmp_path / "history.html").write_text("<p>history</p>", encoding="utf-8")
    (tmp_path / "+not-found.html").write_text("<p>lost</p>", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("no", encoding="utf-8")
    ctx = home_context(site.settings, site.store, None)
    ctx.web_dir = tmp_path
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(ctx)), base_url="http://t"
    ) as client:
        assert (await client.get("/")).text == "<p>now</p>"
        assert (await client.get("/history")).text == "<p>history</p>"
        missing = await client.get("/nowhere")
        assert (missing.status_code, missing.text) == (404, "<p>lost</p>")
        escape = await client.get("/..%2Fsecret.txt")
        assert escape.status_code == 404


async def test_read_only_api_wants_the_token_and_has_no_writes(site: Site) -> None:
    reader = site.store
    ctx = ApiContext("test", reader, token=TOKEN, read_only=True)
    app = create_app(ctx)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
    ) as client:
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/energy/years")).status_code == 401
        authorized = await client.get("/energy/years", headers={"Authorization": f"Bearer {TOKEN}"})
        assert authorized.status_code == 200
        post = await client.post("/readings", json=[], headers={"Authorization": f"Bearer {TOKEN}"})
        assert post.status_code == 405  # no write endpoint exists
    assert "/api/v1/readings/{meter}/{ts}" not in app.openapi()["paths"]


@pytest.mark.parametrize("path", ["/nope", "/energy/decade/2020"])
async def test_unknown_paths_are_problem_404(site: Site, path: str) -> None:
    response = await site.client.get(path)
    assert response.status_code == 404
    assert response.json()["status"] == 404


async def test_cors_allows_only_the_configured_origins(site: Site) -> None:
    ctx = home_context(site.settings, site.store, None)
    ctx.cors_origins = ["http://phone.example"]
    transport = httpx.ASGITransport(app=create_app(ctx))
    async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
        for origin, allowed in (("http://phone.example", True), ("http://evil.example", False)):
            preflight = await client.options(
                "/readings",
                headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            )
            assert (preflight.headers.get("access-control-allow-origin") == origin) is allowed


@dataclass
class FailingFor:
    """A replicator whose writes to MongoDB have been failing for `seconds`."""

    seconds: float

    def lag_seconds(self) -> float | None:
        return None

    def failing_seconds(self) -> float | None:
        return self.seconds


def _live_with_a_stale_solar_meter() -> LiveState:
    """A fresh export next to a solar reading 20 s old: grid + solar = −37.4 W."""
    now = time.time()
    live = LiveState()
    live.meters["grid"] = MeterLive("grid", 1.0)
    live.meters["solar"] = MeterLive("solar", 1.0)
    live.update("solar", MeterReading(now - 20, {"a": PhaseReading(-1462.6, 230.0, 6.4)}))
    live.meters["solar"].last_success = time.monotonic() - 20  # three polls missed since
    live.update("grid", MeterReading(now, {"a": PhaseReading(-1500.0, 230.0, 6.5)}))
    return live


async def _get(ctx: ApiContext, path: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(ctx)), base_url="http://t/api/v1"
    ) as client:
        return await client.get(path)


async def test_health_degraded_names_every_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's disk holds 300 MiB free, below the 1 GiB default: a fixed number, because the
    # real free space moves while other processes write to the same disk.
    asked: list[Path] = []

    def disk_usage(path: Path) -> shutil._ntuple_diskusage:
        asked.append(Path(path))
        return shutil._ntuple_diskusage(2**40, 2**40 - 300 * 2**20, 300 * 2**20)

    settings = site_settings(None, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    try:
        ctx = home_context(settings, store, None)
        live = _live_with_a_stale_solar_meter()
        ctx.view = HomeView(store, replicator=FailingFor(1800.0), live=live)
        assert ctx.disk_low == 2**30
        monkeypatch.setattr(shutil, "disk_usage", disk_usage)
        response = await _get(ctx, "/health")
    finally:
        await store.close()
    assert asked == [settings.store.resolved_path()]  # the store's disk, not the process's
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["reasons"][:3] == [
        "meter solar is offline",
        "replication to MongoDB has been failing for 30 min",
        "the disk of the store is nearly full: 300 MiB free",
    ]
    assert body["reasons"][3].startswith(
        "live power is inconsistent: grid + solar is -37.4 W, below zero"
    )
    assert body["replication"]["failing_s"] == 1800.0
    assert {m["id"]: m["online"] for m in body["meters"]} == {"grid": True, "solar": False}


async def test_health_ok_while_every_reason_is_below_its_threshold(tmp_path: Path) -> None:
    settings = site_settings(None, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    try:
        ctx = home_context(settings, store, None)
        # Retried with backoff: not yet degraded.
        ctx.view = HomeView(store, replicator=FailingFor(120.0))
        ctx.disk_low = 0
        body = (await _get(ctx, "/health")).json()
        ctx.view = HomeView(store, live=_live_with_a_stale_solar_meter())
        power = (await _get(ctx, "/power/now")).json()
    finally:
        await store.close()
    assert (body["status"], body["reasons"]) == ("ok", [])
    assert body["replication"] == {"lag_s": None, "failing_s": 120.0}
    assert power["home_w"] == 0.0  # clamped, never −37.4
    assert power["stale"] is True
    assert 20.0 <= power["age_s"] < 30.0  # the age of the oldest reading shown
