"""Instants on the wire: any year outside 1970..9998 is a 422 naming the field, never a 500."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.conftest import serving_empty
from wattboard.api.timefmt import parse_instant
from wattboard.exceptions import InvalidInputError

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-01T00:00:00+05:00", "9999-12-31"])
def test_parse_instant_refuses_years_out_of_range(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_instant(text, "start", HELSINKI)
    assert caught.value.field == "start"
    assert "between 1970 and 9998" in str(caught.value)


def test_parse_instant_reads_a_local_date() -> None:
    assert parse_instant("2026-01-01", "end", HELSINKI) == 1_767_218_400  # 22:00 UTC the eve


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/energy?start=0001-01-01&end=2026-01-01&bucket=day",
        "/api/v1/export.csv?start=0001-01-01&end=2026-01-01&bucket=day",
        "/api/v1/readings?meter=grid&start=0001-01-01&end=2026-01-01",
    ],
)
async def test_api_answers_year_one_with_422_and_keeps_the_connection(
    tmp_path: Path, path: str
) -> None:
    async with (
        serving_empty(tmp_path) as (host, port),
        httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=10) as client,
    ):
        bad = await client.get(path)
        after = await client.get("/api/v1/health")  # the same keep-alive connection
    assert bad.status_code == 422
    assert bad.json()["field"] == "start"
    assert after.status_code == 200
