"""Readings CRUD: round trips that move the rollups, and bad input that changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.conftest import TOKEN, Site, serving_empty

HELSINKI = ZoneInfo("Europe/Helsinki")

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _day_of(site: Site, ts: int) -> dict[str, Any]:
    body = (
        await site.client.get(
            "/energy", params={"start": ts - ts % 900, "end": ts - ts % 900 + 900, "bucket": "15m"}
        )
    ).json()
    return body["totals"]


async def _one(site: Site, meter: str) -> dict[str, Any]:
    last = site.sim.meters[meter].device.memory.last_ts
    assert last is not None
    ts = last - 3600
    page = (
        await site.client.get("/readings", params={"meter": meter, "start": ts, "end": ts + 60})
    ).json()
    (record,) = page["items"]
    return record


async def test_readings_page_through_with_cursor(site: Site) -> None:
    last = site.sim.meters["grid"].device.memory.last_ts
    assert last is not None
    params: dict[str, Any] = {"meter": "grid", "start": last - 3600, "end": last + 60, "limit": 25}
    seen: list[int] = []
    for _ in range(10):
        page = (await site.client.get("/readings", params=params)).json()
        seen += [r["ts"] for r in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == list(range(last - 3600, last + 60, 60))  # 61 minutes in pages of 25
    # Local time with the offset of that instant: +02:00 in winter, +03:00 in summer.
    offset = datetime.fromtimestamp(last, HELSINKI).isoformat()[-6:]
    assert page["items"][-1]["time"].endswith(offset)


async def test_readings_put_moves_the_rollups(site: Site) -> None:
    record = await _one(site, "grid")
    before = await _day_of(site, record["ts"])
    values = {k: v for k, v in record.items() if k not in ("meter", "ts", "time")}
    values["a_import_wh"] = record["a_import_wh"] + 100.0
    values["a_export_wh"] = record["a_export_wh"]
    response = await site.client.put(f"/readings/grid/{record['ts']}", json=values, headers=AUTH)
    assert response.json() == {"stored": 1, "deleted": 0}
    after = await _day_of(site, record["ts"])
    # 100 Wh more imported on phase A in that minute: the quarter's net (import − export) and
    # its consumption (net + solar) both grow by exactly 100 Wh.
    net_before = before["grid_import"] - before["grid_export"]
    net_after = after["grid_import"] - after["grid_export"]
    assert net_after - net_before == pytest.approx(100.0, abs=1e-3)
    assert after["consumption"] - before["consumption"] == pytest.approx(100.0, abs=1e-3)


async def test_readings_delete_and_post_round_trip(site: Site) -> None:
    record = await _one(site, "solar")
    ts = record["ts"]
    before = await _day_of(site, ts)
    deleted = await site.client.delete(
        "/readings", params={"meter": "solar", "start": ts, "end": ts + 60}, headers=AUTH
    )
    assert deleted.json()["deleted"] == 1
    gap = await _day_of(site, ts)
    assert gap["coverage"] == round(29 / 30, 4)  # one of 2 × 15 meter-minutes missing
    posted = await site.client.post(
        "/readings", json=[{k: v for k, v in record.items() if k != "time"}], headers=AUTH
    )
    assert posted.json()["stored"] == 1
    assert await _day_of(site, ts) == before  # back exactly as it was


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ts": 61}, "1.ts"),
        ({"a_import_wh": -1.0}, "1.a_import_wh"),
        ({"b_avg_v": "high"}, "1.b_avg_v"),
        ({"meter": ""}, "1.meter"),
        ({"surprise": 1}, "1.surprise"),
    ],
)
async def test_readings_bad_body_names_the_field_and_stores_nothing(
    site: Site, change: dict[str, Any], field: str
) -> None:
    record = await _one(site, "grid")
    good = {k: v for k, v in record.items() if k != "time"}
    count = await site.store.count()
    response = await site.client.post("/readings", json=[good, {**good, **change}], headers=AUTH)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert await site.store.count() == count


async def test_readings_unknown_meter_is_422_and_changes_nothing(site: Site) -> None:
    record = await _one(site, "grid")
    count = await site.store.count()
    body = [{**{k: v for k, v in record.items() if k != "time"}, "meter": "wind"}]
    response = await site.client.post("/readings", json=body, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["field"] == "meter"
    assert await site.store.count() == count


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"Authorization": "Basic x"}, 401)],
)
async def test_readings_writes_need_the_token(
    site: Site, headers: dict[str, str], status: int
) -> None:
    response = await site.client.delete(
        "/readings", params={"meter": "grid", "start": 0, "end": 60}, headers=headers
    )
    assert response.status_code == status
    assert response.headers["www-authenticate"] == "Bearer"


async def test_readings_get_then_post_unchanged_round_trip(site: Site) -> None:
    last = site.sim.meters["grid"].device.memory.last_ts
    assert last is not None
    start = last - 3600
    params = {"meter": "grid", "start": start, "end": start + 180}
    page = (await site.client.get("/readings", params=params)).json()
    assert [r["ts"] for r in page["items"]] == [start, start + 60, start + 120]
    before = await _day_of(site, start)
    posted = await site.client.post("/readings", json=page["items"], headers=AUTH)
    assert posted.status_code == 200, posted.text
    assert posted.json() == {"stored": 3, "deleted": 0}
    assert (await site.client.get("/readings", params=params)).json() == page
    assert await _day_of(site, start) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("a_import_wh", 1e300), ("b_avg_v", 612.0), ("c_avg_a", 2500.0), ("a_max_w", 2e6)],
)
async def test_readings_post_refuses_values_no_meter_can_measure(
    tmp_path: Path, field: str, value: float
) -> None:
    record: dict[str, Any] = {"meter": "grid", "ts": 1_747_353_600}
    for phase in "abc":
        record |= {f"{phase}_import_wh": 1.5, f"{phase}_export_wh": 0.0, f"{phase}_max_w": 120.0}
        record |= {f"{phase}_min_w": 60.0, f"{phase}_avg_v": 231.0, f"{phase}_avg_a": 0.4}
    record[field] = value
    async with (
        serving_empty(tmp_path) as (host, port),
        httpx.AsyncClient(base_url=f"http://{host}:{port}/api/v1", timeout=10) as client,
    ):
        answer = await client.post("/readings", json=[record], headers=AUTH)
        listed = await client.get(
            "/readings", params={"meter": "grid", "start": 0, "end": 2_000_000_000}
        )
    assert answer.status_code == 422
    assert answer.json()["field"] == f"0.{field}"  # the first record's field
    assert listed.json()["items"] == []
