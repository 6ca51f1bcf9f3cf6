"""The web build at /: odd paths get a 404, never a 500."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.conftest import serving_empty


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
