"""The web build: hashed assets are cached for good, pages revalidate, odd paths get a 404."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import serving_empty
from wattboard.api import static


async def test_static_hashed_assets_are_immutable_and_pages_revalidate(tmp_path: Path) -> None:
    bundle = tmp_path / "_expo" / "static" / "js" / "web"
    bundle.mkdir(parents=True)
    (bundle / "entry-0123456789abcdef0123456789abcdef.js").write_text("1", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "icon.8e2b7f0c1d3a5e6f7a8b9c0d1e2f3a4b.png").write_bytes(b"png")
    (tmp_path / "index.html").write_text("<p>now</p>", encoding="utf-8")
    (tmp_path / "favicon.ico").write_bytes(b"ico")
    app = FastAPI()
    app.include_router(static.router(tmp_path))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        script = await client.get("/_expo/static/js/web/entry-0123456789abcdef0123456789abcdef.js")
        icon = await client.get("/assets/icon.8e2b7f0c1d3a5e6f7a8b9c0d1e2f3a4b.png")
        page = await client.get("/")
        favicon = await client.get("/favicon.ico")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert icon.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (page.text, page.headers["cache-control"]) == ("<p>now</p>", "no-cache")
    assert favicon.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/index.html%00.txt", "/%00", "/history%00"])
async def test_static_answers_a_nul_byte_with_404(tmp_path: Path, path: str) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<p>now</p>", encoding="utf-8")
    async with (
        serving_empty(tmp_path, web_dir=web) as (host, port),
        httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=10) as client,
    ):
        answer = await client.get(path)
        index = await client.get("/index.html")
    assert answer.status_code == 404
    assert index.text == "<p>now</p>"
