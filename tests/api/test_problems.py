"""Problem documents in sentences: bad dates, bodies that are not JSON arrays, `time` vs `ts`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import TOKEN, site_settings
from wattboard.api.app import create_app
from wattboard.collector.service import open_store
from wattboard.runtime import home_context

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TS = 1_795_644_000  # 2026-11-26 00:00 in Helsinki
RECORD = {
    "meter": "grid",
    "ts": TS,
    **{f"{p}_{k}": v for p in "abc" for k, v in (
        ("import_wh", 1.25), ("export_wh", 0.0), ("max_w", 80.0), ("min_w", 70.0),
        ("avg_v", 230.0), ("avg_a", 0.33),
    )},
}  # fmt: skip


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The home API over an empty SQLite store, without meters to poll."""
    settings = site_settings(None, tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    app = create_app(home_context(settings, store, None))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
        ) as client:
            yield client
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/energy/day/yesterday", "date: expected a date like 2025-05-16, got 'yesterday'"),
        ("/energy/week/2026-48", "iso_week: expected an ISO week like 2025-W20, got '2026-48'"),
        ("/energy/month/november", "month: expected a month like 2025-05, got 'november'"),
        ("/power/day/26.11.2026", "date: expected a date like 2025-05-16, got '26.11.2026'"),
        (
            "/energy?start=today&end=2026-11-27",
            (
                "start: expected epoch seconds, a time like 2025-05-16T12:00:00+03:00 or a "
                "date, got 'today'"
            ),
        ),
    ],
)
async def test_problems_bad_dates_are_sentences(
    client: httpx.AsyncClient, path: str, detail: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert "^" not in response.text  # no regular expression


async def test_problems_a_body_that_is_not_json_says_an_array_is_expected(
    client: httpx.AsyncClient,
) -> None:
    plain = await client.post(
        "/readings", content=b"grid,1795644000", headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert plain.status_code == 422
    assert plain.json()["detail"] == (
        "body: a JSON array of records is expected (Content-Type: application/json)"
    )
    assert plain.json()["field"] == "body"
    broken = await client.post(
        "/readings", content=b"[{", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("body: not valid JSON")
    an_object = await client.post("/readings", json=RECORD, headers=AUTH)
    assert an_object.json()["detail"] == (
        "body: a JSON array of records is expected (Content-Type: application/json)"
    )


async def test_problems_time_that_disagrees_with_ts_names_the_field(
    client: httpx.AsyncClient,
) -> None:
    wrong = {**RECORD, "time": "2026-11-26T00:01:00+02:00"}
    response = await client.post("/readings", json=[wrong], headers=AUTH)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "0.time"
    assert body["detail"] == (
        "0.time: 2026-11-26T00:01:00+02:00 is not the instant of ts 1795644000 "
        "(2026-11-26T00:00:00+02:00); correct one of them or leave time out"
    )
    local = await client.post(
        "/readings", json=[{**RECORD, "time": "2026-11-26T00:00"}], headers=AUTH
    )
    assert local.json()["detail"].startswith("0.time: '2026-11-26T00:00' needs its UTC offset")
    same_in_utc = {**RECORD, "time": "2026-11-25T22:00:00Z"}
    stored = await client.post("/readings", json=[same_in_utc], headers=AUTH)
    assert stored.json() == {"stored": 1, "deleted": 0}
