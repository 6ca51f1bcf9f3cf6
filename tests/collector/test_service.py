"""The collector in `run`: an absurd meter value or a full disk never stops it or the API."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.collector.conftest import settings_for
from tests.mongo_server import until
from wattboard.api.app import create_app
from wattboard.api.server import bind, bound_url, serve
from wattboard.collector.service import Collector, _tls, open_store
from wattboard.config import MeterSettings, Settings
from wattboard.runtime import home_context
from wattboard.simulator import EmulatorOptions, Emulators, apply_fault, start_emulators
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.sqlite import SqliteStore


@dataclass
class Home:
    settings: Settings
    store: AsyncStore
    collector: Collector
    task: asyncio.Task[None]
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def _home(sim: Emulators, db: Path, *, page_limit: bool = False) -> AsyncIterator[Home]:
    """Collector and API as `run` starts them, on a real server, ingesting every 0.2 s."""
    settings = settings_for(sim, db)
    store = open_store(settings)
    await store.open()
    if page_limit:
        # The file may not grow past its size now: every write of minutes fails with
        # "database or disk is full", exactly as on a full SD card.
        await store._call(_limit_pages, None)
    collector = Collector(settings, store, ingest_interval=0.2)
    sock = bind("127.0.0.1", 0)
    stop = asyncio.Event()
    app = create_app(home_context(settings, store, collector))
    server = asyncio.create_task(serve(app, sock, stop))
    task = asyncio.create_task(collector.run(stop))
    try:
        async with httpx.AsyncClient(base_url=bound_url(sock) + "/api/v1", timeout=10) as client:
            yield Home(settings, store, collector, task, client)
    finally:
        stop.set()
        await asyncio.gather(server, task, return_exceptions=True)
        sock.close()
        await store.close()


def _limit_pages(store: SqliteStore, pages: int | None) -> None:
    db = store._db
    limit = db.execute("PRAGMA page_count").fetchone()[0] if pages is None else pages
    db.execute(f"PRAGMA max_page_count = {int(limit)}")


async def _count(store: AsyncStore, meter: str) -> int:
    return await store.count(meter)


async def test_collector_run_stores_an_implausible_minute_as_a_gap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "wattboard")
    async with start_emulators(EmulatorOptions(port=0, history_days=0.05, seed=41)) as sim:
        grid = sim.meters["grid"]
        bad = int(grid.device.memory.timestamps[30])
        await apply_fault(grid.server, {"kind": "huge_value", "ts": bad})
        async with _home(sim, tmp_path / "w.db") as home:
            held = len(grid.device.memory)
            await until(lambda: home.collector.ingested["grid"] >= held - 1)
            await asyncio.sleep(1.0)  # several more ingest cycles
            assert not home.task.done()  # `run` is still up
            stored = await home.store.minute_timestamps("grid", 0, bad + 3600)
            # Every other minute is stored; the bad one is a gap that names the value.
            assert bad not in stored
            assert (
                stored
                == [int(ts) for ts in grid.device.memory.timestamps if ts != bad][: len(stored)]
            )
            reason = "implausible value from the meter: a_import_wh = 1e+300"
            assert (bad, bad + 60, reason) in await home.store.gaps("grid")
            health = (await home.client.get("/health")).json()
            shown = {m["id"]: m["implausible"] for m in health["meters"]}
            assert [(i["start_ts"], i["reason"]) for i in shown["grid"]] == [(bad, reason)]
            assert shown["solar"] == []
    warnings = [r for r in caplog.records if "implausible value" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not at every cycle
    assert warnings[0].levelno == logging.WARNING


async def test_collector_run_survives_a_full_disk_and_catches_up(tmp_path: Path) -> None:
    async with (
        start_emulators(EmulatorOptions(port=0, history_days=0.05, seed=42)) as sim,
        _home(sim, tmp_path / "w.db", page_limit=True) as home,
    ):
        await until(lambda: home.collector.store_problem is not None)
        await asyncio.sleep(0.6)  # retries keep failing, and nothing gives up
        assert not home.task.done()
        health = await home.client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "degraded"
        assert body["store"]["problem"].startswith("disk full: ")
        assert "database or disk is full" in body["store"]["problem"]
        now = await home.client.get("/power/now")  # live power goes on
        assert now.status_code == 200
        assert {m["id"] for m in now.json()["meters"]} == {"grid", "solar"}
        assert await _count(home.store, "grid") == 0
        await home.store._call(_limit_pages, 1_000_000)  # space returns
        for role, meter in sim.meters.items():
            held = meter.device.memory.timestamps.tolist()
            await until(functools.partial(_has, home.store, role, len(held)), seconds=30)
            stored = await home.store.minute_timestamps(role, 0, 2**40)
            assert stored[: len(held)] == held  # no minute lost
        await until(lambda: home.collector.store_problem is None)
        body = (await home.client.get("/health")).json()
        assert body["store"]["problem"] is None
        assert await home.store.integrity() == "ok"


async def _has(store: AsyncStore, meter: str, count: int) -> bool:
    return await _count(store, meter) >= count


async def test_collector_restart_does_not_fetch_an_implausible_newest_minute_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "wattboard")
    async with start_emulators(EmulatorOptions(port=0, history_days=0.01, seed=43)) as sim:
        grid = sim.meters["grid"]
        bad = grid.device.memory.last_ts
        await apply_fault(grid.server, {"kind": "huge_value", "key": "b_avg_voltage"})
        settings = settings_for(sim, tmp_path / "w.db")
        store = open_store(settings)
        await store.open()
        try:
            for _ in range(2):  # a start, then a restart on the same store
                collector = Collector(settings, store)
                await collector.start()
                await collector.ingest_once()
                await collector.aclose()
                assert collector._ingest[0].watermark is not None
                assert collector._ingest[0].watermark >= bad
        finally:
            await store.close()
    warnings = [r for r in caplog.records if "implausible value" in r.getMessage()]
    assert len(warnings) == 1  # the restart did not fetch, nor log, that minute again
    assert "implausible value from the meter: b_avg_v = 1e+300" in warnings[0].getMessage()


def _meters(*urls: str) -> list[MeterSettings]:
    roles = ("grid", "solar")
    return [MeterSettings(id=f"m{i}", role=roles[i], url=url) for i, url in enumerate(urls)]


def test_tls_trusts_nothing_when_every_meter_is_plain_http() -> None:
    context = _tls(_meters("http://192.168.1.20", "http://192.168.1.21"))
    # No CA loaded (the memory saved), and still verifying: a TLS link could never be opened.
    assert isinstance(context, ssl.SSLContext)
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_tls_verifies_with_the_usual_certificates_when_a_meter_is_https() -> None:
    assert _tls(_meters("http://192.168.1.20", "https://meter.example")) is True
