"""/docs and /redoc work without internet: every asset comes from this server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.docs import ASSETS

ATTRIBUTE = re.compile(r"""(?:src|href|spec-url)=["']([^"']+)["']""")
URL_IN_SCRIPT = re.compile(r"""url: *["']([^"']+)["']""")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ApiContext("test", reader=None, read_only=True))  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wattboard.local"
    ) as client:
        yield client


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/"])
async def test_docs_pages_load_nothing_from_another_host(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    links = ATTRIBUTE.findall(response.text) + URL_IN_SCRIPT.findall(response.text)
    assert links, "the page refers to its assets"
    for link in links:
        assert link.startswith("/"), link  # this server only
        assert not link.startswith("//"), link
        if not link.startswith("/api/"):  # the API itself needs a store; assets do not
            assert (await client.get(link)).status_code == 200, link
    if page != "/":
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "http" not in policy  # no other origin allowed


async def test_docs_swagger_ui_is_the_packaged_one(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    assert '"validatorUrl": null' in page  # no badge fetched from validator.swagger.io
    script = await client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.content == (ASSETS / "swagger-ui-bundle.js").read_bytes()
    assert b"SwaggerUIBundle" in script.content
    assert len(script.content) > 500_000
    schema = await client.get("/openapi.json")
    assert schema.json()["info"]["title"] == "Wattboard"
    assert (await client.get("/docs/oauth2-redirect")).status_code == 200
