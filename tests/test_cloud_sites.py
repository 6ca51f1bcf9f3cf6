"""One cloud API for two homes sharing a database: `?site=` picks the home, each its own token."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.mongo_server import emulated_records, fill_async, running_server, sqlite_store, until
from wattboard.config import Settings
from wattboard.exceptions import ConfigError
from wattboard.replica.replicator import Replicator
from wattboard.runtime import _site_tokens, run_cloud
from wattboard.store.asyncstore import AsyncStore
from wattboard.store.mongo import MongoReplica

HOME, CABIN = "home-token-0123456789", "cabin-token-9876543210"
SHED = "shed-token-5555555555"  # a site with a token whose Pi never replicated


def _cloud(uri: str, **api: object) -> Settings:
    return Settings(
        site={"id": "home", "timezone": "Europe/Helsinki"},
        store={"backend": "mongodb"},
        api={"host": "127.0.0.1", "port": 0, **api},
        mongo={"uri": uri, "database": "shared"},
    )


async def _replicate(tmp_path: Path, uri: str, site: str, seed: int) -> float:
    store = AsyncStore(lambda: sqlite_store(tmp_path / f"{site}.db"))
    await store.open()
    try:
        await fill_async(store, emulated_records(0.5, seed=seed))
        replica = MongoReplica.connect(uri, "shared")
        try:
            await Replicator(store, replica, site).sync_once()
        finally:
            await replica.close()
        totals = await store.day_sums([(0, 2**37)])
        return round(totals[0].grid_import, 4)
    finally:
        await store.close()


async def test_cloud_serves_each_site_with_its_own_token(tmp_path: Path) -> None:
    with running_server(tmp_path / "mongo") as server:
        imports = {
            "home": await _replicate(tmp_path, server.uri, "home", 1),
            "cabin": await _replicate(tmp_path, server.uri, "cabin", 2),
        }
        assert imports["home"] != imports["cabin"]
        urls: list[str] = []
        stop = asyncio.Event()
        settings = _cloud(server.uri, token=HOME, site_tokens={"cabin": CABIN, "shed": SHED})
        task = asyncio.create_task(run_cloud(settings, stop, urls.append))
        try:
            await until(lambda: bool(urls))
            async with httpx.AsyncClient(base_url=urls[0] + "/api/v1", timeout=10) as client:

                async def years(site: str | None, token: str) -> httpx.Response:
                    params = {"site": site} if site else {}
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    return await client.get("/energy/years", params=params, headers=headers)

                home = (await years(None, HOME)).json()
                cabin = (await years("cabin", CABIN)).json()
                assert home["totals"]["grid_import"] == pytest.approx(imports["home"], abs=0.01)
                assert cabin["totals"]["grid_import"] == pytest.approx(imports["cabin"], abs=0.01)
                assert (await years("cabin", HOME)).status_code == 401  # home's token, cabin's data
                assert (await years("home", CABIN)).status_code == 401
                # Site ids cannot be probed: an unknown site, a site without data and a wrong
                # token all get the same 401; only the site's own token learns more.
                unknown, wrong = await years("attic", HOME), await years("cabin", HOME)
                empty = await years("shed", "")
                assert unknown.status_code == wrong.status_code == empty.status_code == 401
                assert unknown.json() == wrong.json() == empty.json()
                missing = await years("shed", SHED)
                assert (missing.status_code, missing.json()["field"]) == (404, "site")
        finally:
            stop.set()
            await task


@pytest.mark.parametrize(
    ("api", "message"),
    [
        ({}, "needs a token for site 'home'"),
        ({"token": "t", "site_tokens": {"cabin": ""}}, "cabin"),
    ],
)
def test_cloud_refuses_sites_without_tokens(api: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _site_tokens(_cloud("mongodb://127.0.0.1:1", **api))


async def test_cloud_lists_the_sites_a_token_reads_and_serves_the_app_without_one(
    tmp_path: Path,
) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<title>Now · Wattboard</title>", encoding="utf-8")
    (web / "history.html").write_text("<title>History · Wattboard</title>", encoding="utf-8")
    other = "shared-token-5555555555"
    tokens = {"cabin": CABIN, "annex": other, "garage": other}
    with running_server(tmp_path / "mongo") as server:
        urls: list[str] = []
        stop = asyncio.Event()
        settings = _cloud(server.uri, token=HOME, site_tokens=tokens, web_dir=web)
        task = asyncio.create_task(run_cloud(settings, stop, urls.append))
        try:
            await until(lambda: bool(urls))
            async with httpx.AsyncClient(base_url=urls[0], timeout=10) as client:

                async def sites(token: str | None) -> httpx.Response:
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    return await client.get("/api/v1/sites", headers=headers)

                assert (await sites(HOME)).json() == [{"id": "home", "default": True}]
                assert (await sites(CABIN)).json() == [{"id": "cabin", "default": False}]
                assert [s["id"] for s in (await sites(other)).json()] == ["annex", "garage"]
                assert (await sites("wrong")).status_code == 401
                assert (await sites(None)).status_code == 401
                # The app's files need no token; the data behind them does.
                page = await client.get("/history")
                assert (page.status_code, page.text) == (200, "<title>History · Wattboard</title>")
                assert "Now" in (await client.get("/")).text
                assert (await client.get("/api/v1/meters")).status_code == 401
        finally:
            stop.set()
            await task
