"""Money in the energy responses, GET /prices and the CSV: priced as settled, adding up."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.api.conftest import TOKEN
from tests.api.test_dst import _record
from wattboard.api.app import create_app
from wattboard.collector.service import open_store
from wattboard.config import Settings
from wattboard.energy.periods import local_midnight, period
from wattboard.energy.prices import PricePoint
from wattboard.energy.records import VALUE_FIELDS, MinuteRecord, record_from_values
from wattboard.energy.tariff import TariffBook
from wattboard.runtime import home_context
from wattboard.store.asyncstore import AsyncStore

HELSINKI = ZoneInfo("Europe/Helsinki")
FIELDS = VALUE_FIELDS
AMOUNTS = ("import_cost", "export_revenue", "fixed_fees", "net_cost", "solar_savings")
# 2025-10-25 .. 2025-11-02: the 25-hour day 2025-10-26 and a change of month.
FIRST = date(2025, 10, 25)
DAYS = 9
NOW = local_midnight(date(2025, 11, 5), HELSINKI)  # the site's clock, after the data
FEE = 10.0 * 1.255  # a month's fee incl. VAT
TARIFF: dict[str, Any] = {
    "valid_from": "2025-01-01",
    "currency": "EUR",
    "monthly_fees": [{"name": "basic", "price": 10.0, "vat": 25.5}],
    "import": [
        {"name": "energy", "spot": True, "price": 0.005, "vat": 25.5},
        {
            "name": "transfer",
            "price": 0.03,
            "vat": 25.5,
            "windows": [{"days": "mon-sat", "from": "07:00", "to": "22:00", "price": 0.05}],
        },
        {"name": "tax", "price": 0.0225},
    ],
    "export": [{"name": "sale", "spot": True, "price": -0.003}],
}


@dataclass
class Api:
    client: httpx.AsyncClient
    store: AsyncStore
    book: TariffBook


def _day_start(offset: int) -> int:
    return local_midnight(date.fromordinal(FIRST.toordinal() + offset), HELSINKI)


def _prices(start: int, end: int, seed: int = 1) -> list[PricePoint]:
    """Hourly prices until 2025-10-31, then quarter-hourly, some negative."""
    rng = random.Random(seed)
    switch = local_midnight(date(2025, 11, 1), HELSINKI)
    points, ts = [], start
    while ts < end:
        length = 3600 if ts < switch else 900
        points.append(PricePoint(ts, ts + length, round(rng.uniform(-0.02, 0.25), 5)))
        ts += length
    return points


async def _open(tmp_path: Path, netting: str, tariffs: list[dict[str, Any]]) -> Api:
    settings = Settings(
        site={"id": "test", "timezone": "Europe/Helsinki", "netting": netting},
        store={"path": tmp_path / "money.db"},
        api={"host": "127.0.0.1", "port": 0, "token": TOKEN},
        meters=[{"id": r, "role": r, "url": "http://192.0.2.1"} for r in ("grid", "solar")],
        tariffs=tariffs,
    )
    store = open_store(settings)
    await store.open()
    ctx = home_context(settings, store, None)
    ctx.clock = lambda: float(NOW)
    transport = httpx.ASGITransport(app=create_app(ctx))
    client = httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")
    return Api(client, store, settings.tariff_book())


def _records(start: int, end: int) -> list[MinuteRecord]:
    """A grid and a solar meter's records, every third minute (money needs no full coverage)."""
    rng = random.Random(start)
    records = []
    for ts in range(start, end, 180):
        for meter in ("grid", "solar"):
            values = _record(meter, ts, rng)
            records.append(record_from_values(meter, ts, [values[f] for f in FIELDS]))
    return records


async def _filled(tmp_path: Path, netting: str) -> Api:
    opened = await _open(tmp_path, netting, [TARIFF])
    await opened.store.put_prices(_prices(_day_start(0), _day_start(DAYS)))
    await opened.store.upsert(_records(_day_start(0), _day_start(DAYS)))
    return opened


@pytest.fixture(params=["minute", "15min", "hour", "phase"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    """Nine days with prices under each netting mode."""
    opened = await _filled(tmp_path, request.param)
    yield opened
    await opened.client.aclose()
    await opened.store.close()


@pytest.fixture
async def spot(tmp_path: Path) -> AsyncIterator[Api]:
    """Nine days with prices under 15-minute netting, as in Finland."""
    opened = await _filled(tmp_path, "15min")
    yield opened
    await opened.client.aclose()
    await opened.store.close()


async def _get(api: Api, path: str) -> dict[str, Any]:
    response = await api.client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert_adds_up(body: dict[str, Any]) -> None:
    totals = body["totals"]["money"]
    buckets = [b["money"] for b in body["buckets"] if b["money"] is not None]
    for name in AMOUNTS:
        summed = sum(b[name] for b in buckets)
        assert summed == pytest.approx(totals[name], abs=0.0001 * len(buckets) + 1e-9), name
    for money in [totals, *buckets]:
        parts = money["import_cost"] + money["fixed_fees"] - money["export_revenue"]
        assert money["net_cost"] == pytest.approx(parts, abs=1e-9)


async def test_money_days_hours_months_and_years_add_up(api: Api) -> None:
    day = await _get(api, "/energy/day/2025-10-26")
    assert len(day["buckets"]) == 25
    assert day["totals"]["money"]["currency"] == "EUR"
    assert day["totals"]["money"]["priced"] == 1.0
    _assert_adds_up(day)
    october = await _get(api, "/energy/month/2025-10")
    _assert_adds_up(october)
    bar = next(b for b in october["buckets"] if b["key"] == "2025-10-26")
    for name in AMOUNTS:
        assert bar["money"][name] == pytest.approx(day["totals"]["money"][name], abs=0.0001)
    year = await _get(api, "/energy/year/2025")
    _assert_adds_up(year)
    october_bar = next(b for b in year["buckets"] if b["key"] == "2025-10")
    for name in AMOUNTS:
        assert october_bar["money"][name] == pytest.approx(
            october["totals"]["money"][name], abs=0.0001
        )
    years = await _get(api, "/energy/years")
    assert years["totals"]["money"] == year["totals"]["money"]
    week = await _get(api, "/energy/week/2025-W44")
    _assert_adds_up(week)
    ranged = await _get(api, "/energy?start=2025-10-25&end=2025-11-03&bucket=day")
    _assert_adds_up(ranged)
    assert ranged["totals"]["money"]["import_cost"] == pytest.approx(
        years["totals"]["money"]["import_cost"], abs=0.001
    )


async def test_money_fees_from_the_first_record_until_now(spot: Api) -> None:
    api = spot
    october = (await _get(api, "/energy/month/2025-10"))["totals"]["money"]
    assert october["fixed_fees"] == pytest.approx(FEE * 7 / 31, abs=0.0001)  # 25–31 October
    november = (await _get(api, "/energy/month/2025-11"))["totals"]["money"]
    assert november["fixed_fees"] == pytest.approx(FEE * 4 / 30, abs=0.0001)  # until the 5th
    hour = (await _get(api, "/energy/day/2025-10-26"))["buckets"][0]["money"]
    assert hour["fixed_fees"] == pytest.approx(FEE / 31 / 25, abs=0.0001)


async def test_money_is_the_energy_of_each_period_at_its_full_price(api: Api) -> None:
    """Rebuild a day's bill from /energy 15-minute or hourly buckets and /prices."""
    netting = (await _get(api, "/energy/day/2025-11-01"))["netting"]
    unit = "hour" if netting == "hour" else "15m"
    energy = await _get(api, f"/energy?start=2025-11-01&end=2025-11-02&bucket={unit}")
    prices = await _get(api, "/prices?start=2025-11-01&end=2025-11-02")
    assert prices["currency"] == "EUR"
    assert len(prices["periods"]) == 96  # 15-minute prices from November
    by_start = {p["start_ts"]: p for p in prices["periods"]}
    cost = revenue = 0.0
    for bucket in energy["buckets"]:
        quarters = [by_start[q] for q in range(bucket["start_ts"], bucket["end_ts"], 900)]
        # Hourly netting: the hour's price is the mean of its quarters' (spot and windows alike).
        import_price = sum(q["import_price"] for q in quarters) / len(quarters)
        export_price = sum(q["export_price"] for q in quarters) / len(quarters)
        cost += bucket["grid_import"] / 1000 * import_price
        revenue += bucket["grid_export"] / 1000 * export_price
    totals = energy["totals"]["money"]
    assert totals["import_cost"] == pytest.approx(cost, abs=0.001)
    assert totals["export_revenue"] == pytest.approx(revenue, abs=0.001)


async def test_prices_give_spot_and_full_prices_per_period(spot: Api) -> None:
    api = spot
    body = await _get(api, "/prices?start=2025-10-27&end=2025-10-28")
    assert body["timezone"] == "Europe/Helsinki"
    assert body["start"] == "2025-10-27T00:00:00+02:00"
    assert len(body["periods"]) == 24  # hourly in October
    eight = body["periods"][8]
    assert eight["start"] == "2025-10-27T08:00:00+02:00"
    assert eight["end_ts"] - eight["start_ts"] == 3600
    # Monday 08:00: the day transfer price; VAT on energy and transfer, not on the tax.
    spot = eight["spot"]
    assert eight["import_price"] == pytest.approx((spot + 0.005 + 0.05) * 1.255 + 0.0225, abs=1e-6)
    assert eight["export_price"] == pytest.approx(spot - 0.003, abs=1e-6)
    night = body["periods"][23]
    expected = (night["spot"] + 0.005 + 0.03) * 1.255 + 0.0225
    assert night["import_price"] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-10-28&end=2025-10-27", "end"),
        ("start=2025-10-01&end=2025-11-02", "end"),
        ("start=yesterday&end=2025-10-27", "start"),
    ],
)
async def test_prices_bad_range_names_the_field(spot: Api, query: str, field: str) -> None:
    response = await spot.client.get(f"/prices?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_money_changes_when_prices_or_minutes_change(spot: Api) -> None:
    api = spot
    before = (await _get(api, "/energy/month/2025-10"))["totals"]["money"]
    day = period("day", "2025-10-27", HELSINKI)
    # Prices of one day raised by 0.1 per kWh (excl. VAT): its import costs 0.1255 more per kWh.
    raised = [
        PricePoint(p.start, p.end, p.price + 0.1) for p in _prices(_day_start(0), _day_start(DAYS))
    ]
    await api.store.put_prices([p for p in raised if day.start <= p.start < day.end])
    imported = (await _get(api, "/energy/day/2025-10-27"))["totals"]["grid_import"]
    after = (await _get(api, "/energy/month/2025-10"))["totals"]["money"]
    assert after["import_cost"] - before["import_cost"] == pytest.approx(
        imported / 1000 * 0.1 * 1.255, abs=0.001
    )
    year = (await _get(api, "/energy/year/2025"))["totals"]["money"]
    assert year["import_cost"] == pytest.approx(
        after["import_cost"]
        + (await _get(api, "/energy/month/2025-11"))["totals"]["money"]["import_cost"],
        abs=0.0002,
    )
    # New minutes of a day already priced: its money follows.
    response = await api.client.delete(
        f"/readings?meter=grid&start={day.start}&end={day.end}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 200
    emptied = (await _get(api, "/energy/month/2025-10"))["totals"]["money"]
    assert emptied["import_cost"] < after["import_cost"]


async def test_money_without_prices_is_unpriced_not_free(tmp_path: Path) -> None:
    api = await _open(tmp_path, "15min", [TARIFF])
    try:
        start = _day_start(0)
        await api.store.upsert(_records(start, start + 86400))
        # Prices for the first 12 hours only.
        await api.store.put_prices(_prices(start, start + 12 * 3600))
        body = await _get(api, "/energy/day/2025-10-25")
        priced = [b["money"]["priced"] for b in body["buckets"]]
        assert priced[:12] == [1.0] * 12
        assert priced[12:] == [0.0] * 12
        assert all(b["money"]["import_cost"] == 0.0 for b in body["buckets"][12:])
        assert 0.3 < body["totals"]["money"]["priced"] < 0.7
        month = await _get(api, "/energy/month/2025-10")
        assert month["totals"]["money"]["priced"] == body["totals"]["money"]["priced"]
        empty = next(b for b in month["buckets"] if b["key"] == "2025-10-01")
        assert empty["money"]["priced"] is None  # before the first record: no energy
    finally:
        await api.client.aclose()
        await api.store.close()


async def test_money_is_null_without_a_tariff(tmp_path: Path) -> None:
    api = await _open(tmp_path, "minute", [])
    try:
        start = _day_start(0)
        await api.store.upsert(_records(start, start + 86400))
        await api.store.put_prices(_prices(start, start + 86400))
        for path in ("/energy/day/2025-10-25", "/energy/month/2025-10", "/energy/years"):
            body = await _get(api, path)
            assert body["totals"]["money"] is None
            assert all(b["money"] is None for b in body["buckets"])
        prices = await _get(api, "/prices?start=2025-10-25&end=2025-10-26")
        assert prices["currency"] is None
        assert len(prices["periods"]) == 24
        assert prices["periods"][0]["import_price"] is None
    finally:
        await api.client.aclose()
        await api.store.close()


async def test_export_csv_has_the_money_columns(spot: Api) -> None:
    api = spot
    response = await api.client.get("/export.csv?start=2025-10-26&end=2025-10-27&bucket=hour")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 25
    body = await _get(api, "/energy?start=2025-10-26&end=2025-10-27&bucket=hour")
    for row, bucket in zip(rows, body["buckets"], strict=True):
        assert row["currency"] == "EUR"
        for name in (*AMOUNTS, "priced"):
            assert float(row[name]) == bucket["money"][name]
