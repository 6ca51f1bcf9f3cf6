"""GET /sites: the one open site at home; on a read-only API only with its token."""

from __future__ import annotations

import httpx

from tests.api.conftest import TOKEN, Site
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext


async def test_sites_at_home_lists_the_one_site_without_a_token(site: Site) -> None:
    body = (await site.client.get("/sites")).json()
    assert body == [{"id": site.settings.site.id, "default": True}]


async def test_sites_read_only_wants_the_site_token(site: Site) -> None:
    reader = site.store
    ctx = ApiContext("home", reader, token=TOKEN, read_only=True, default_site="home")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(ctx)), base_url="http://t/api/v1"
    ) as client:
        assert (await client.get("/sites")).status_code == 401
        bad = await client.get("/sites", headers={"Authorization": "Bearer nope"})
        assert (bad.status_code, bad.json()["title"]) == (401, "Unauthorized")
        good = await client.get("/sites", headers={"Authorization": f"Bearer {TOKEN}"})
        assert good.json() == [{"id": "home", "default": True}]
