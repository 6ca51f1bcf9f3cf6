"""Energy endpoints against data ingested from emulated meters, checked against the meters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tests.api.conftest import PINNED_NOW, Site
from wattboard.energy.periods import period, period_buckets
from wattboard.energy.records import MinuteRecord
from wattboard.simulator.minutes import KEYS

HELSINKI = ZoneInfo("Europe/Helsinki")
FLOWS = ("grid_import", "grid_export", "solar", "consumption", "self_consumption")


def _yesterday(site: Site) -> str:
    now = site.sim.meters["grid"].device.now()
    return datetime.fromtimestamp(now - 86400, HELSINKI).date().isoformat()


def _hours(day: str) -> int:
    """The hourly buckets of a local day: 23 or 25 on the days the clocks change."""
    return len(period_buckets(period("day", day, HELSINKI), HELSINKI))


def _meter_energy(site: Site, role: str, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-minute import and export Wh summed over phases, straight from the meter's memory."""
    _, values = site.sim.meters[role].device.memory.select(start, end - 60)
    imp = values[:, [KEYS.index(f"{p}_total_act_energy") for p in "abc"]].sum(axis=1)
    exp = values[:, [KEYS.index(f"{p}_total_act_ret_energy") for p in "abc"]].sum(axis=1)
    return imp, exp


async def test_energy_day_matches_the_meters(site: Site) -> None:
    await _day_matches_the_meters(site)


@pytest.mark.dates
async def test_energy_on_the_host_clock(live_site: Site) -> None:
    # Yesterday by the host's clock: a DST day, the last of a month or of a year on some dates;
    # on 1 January the history spans two years, so "all years" is more than yesterday's year.
    await _day_matches_the_meters(live_site)
    await _views_add_up(live_site)


async def _day_matches_the_meters(site: Site) -> None:
    day = _yesterday(site)
    body = (await site.client.get(f"/energy/day/{day}")).json()
    assert len(body["buckets"]) == _hours(day)
    grid_imp, grid_exp = _meter_energy(site, "grid", body["start_ts"], body["end_ts"])
    sol_imp, sol_exp = _meter_energy(site, "solar", body["start_ts"], body["end_ts"])
    net = grid_imp - grid_exp
    totals = body["totals"]
    # minute netting: import = Σ max(net, 0) per minute, export = Σ max(−net, 0)
    assert totals["grid_import"] == pytest.approx(np.maximum(net, 0).sum(), abs=0.01)
    assert totals["grid_export"] == pytest.approx(np.maximum(-net, 0).sum(), abs=0.01)
    assert totals["solar"] == pytest.approx(np.maximum(sol_exp - sol_imp, 0).sum(), abs=0.01)
    assert totals["coverage"] == 1.0  # 2 meters × every minute of the day, all present
    for field in FLOWS:
        assert sum(b[field] for b in body["buckets"]) == pytest.approx(totals[field], abs=0.01)


async def test_energy_views_add_up(site: Site) -> None:
    await _views_add_up(site)


async def _views_add_up(site: Site) -> None:
    day = _yesterday(site)
    month = day[:7]
    days = (await site.client.get(f"/energy/month/{month}")).json()
    one = next(b for b in days["buckets"] if b["key"] == day)
    hours = (await site.client.get(f"/energy/day/{day}")).json()
    year = (await site.client.get(f"/energy/year/{day[:4]}")).json()
    years = (await site.client.get("/energy/years")).json()
    for field in FLOWS:
        assert one[field] == pytest.approx(hours["totals"][field], abs=0.01)  # day = Σ hours
        # year = Σ months, all years = Σ years, and the year's own bar among them = the year
        assert year["totals"][field] == pytest.approx(
            sum(b[field] for b in year["buckets"]), abs=0.01
        )
        assert years["totals"][field] == pytest.approx(
            sum(b[field] for b in years["buckets"]), abs=0.01
        )
        bar = next(b for b in years["buckets"] if b["key"] == day[:4])
        assert bar[field] == pytest.approx(year["totals"][field], abs=0.01)
    assert len(year["buckets"]) == 12
    memory = site.sim.meters["grid"].device.memory
    assert memory.first_ts is not None
    assert memory.last_ts is not None
    span = {datetime.fromtimestamp(t, HELSINKI).year for t in (memory.first_ts, memory.last_ts)}
    assert [b["key"] for b in years["buckets"]] == [str(y) for y in range(min(span), max(span) + 1)]


async def test_energy_month_coverage_counts_from_the_first_record(site: Site) -> None:
    # Two days of history up to 17 June 2026 10:00: the site's first record is on 15 June.
    firsts = [m.device.memory.first_ts for m in site.sim.meters.values()]
    assert None not in firsts
    first = min(t for t in firsts if t is not None)
    assert datetime.fromtimestamp(first, HELSINKI).date().isoformat() == "2026-06-15"
    month = datetime.fromtimestamp(PINNED_NOW, HELSINKI).date().isoformat()[:7]
    body = (await site.client.get(f"/energy/month/{month}")).json()
    assert body["first_ts"] == first
    before = [b for b in body["buckets"] if b["end_ts"] <= first]
    assert [b["key"] for b in before] == [f"2026-06-{d:02d}" for d in range(1, 15)]
    assert {b["coverage"] for b in before} == {None}  # before this installation, not missing
    days = {b["key"]: b for b in body["buckets"]}
    assert days["2026-06-15"]["coverage"] == 1.0  # from the first record, not from midnight
    assert days["2026-06-16"]["coverage"] == 1.0  # 2 meters × 1440 minutes
    # Counted from 1 June it would be about 2 days of 16.4, 12 %; the minute in progress at
    # most is missing of 2 × 2 days.
    assert body["totals"]["coverage"] == pytest.approx(1.0, abs=0.001)


async def test_energy_first_record_moves_when_an_older_minute_arrives(site: Site) -> None:
    month = datetime.fromtimestamp(PINNED_NOW, HELSINKI).date().isoformat()[:7]
    first = (await site.client.get(f"/energy/month/{month}")).json()["first_ts"]
    again = (await site.client.get(f"/energy/day/{_yesterday(site)}")).json()["first_ts"]
    older = first - 3 * 86400 + 7 * 900  # a quarter past a local hour, three days before
    phase = {"import_wh": 1.0, "export_wh": 0.0, "max_w": 60.0, "min_w": 60.0}
    phases = {f"{p}_{k}": v for p in "abc" for k, v in (*phase.items(), ("avg_v", 230.0))}
    record = MinuteRecord(meter="grid", ts=older, **phases, **{f"{p}_avg_a": 0.26 for p in "abc"})
    await site.store.upsert([record])
    moved = (await site.client.get(f"/energy/month/{month}")).json()["first_ts"]
    assert again == first
    assert moved == older


async def test_energy_week_has_seven_days(site: Site) -> None:
    day = datetime.fromisoformat(_yesterday(site))
    iso = day.isocalendar()
    body = (await site.client.get(f"/energy/week/{iso.year}-W{iso.week:02d}")).json()
    assert len(body["buckets"]) == 7
    assert (
        body["buckets"][0]["key"] == day.date().fromisocalendar(iso.year, iso.week, 1).isoformat()
    )


async def test_energy_range_in_quarters(site: Site) -> None:
    day = _yesterday(site)
    hours = (await site.client.get(f"/energy/day/{day}")).json()
    start, end = hours["start_ts"] + 12 * 3600, hours["start_ts"] + 14 * 3600
    body = (
        await site.client.get("/energy", params={"start": start, "end": end, "bucket": "15m"})
    ).json()
    assert len(body["buckets"]) == 8  # two hours of quarters
    noon = [b for b in hours["buckets"] if start <= b["start_ts"] < end]
    for field in FLOWS:
        assert body["totals"][field] == pytest.approx(sum(b[field] for b in noon), abs=0.01)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/energy/day/2025-02-30", "date"),
        ("/energy/day/yesterday", "date"),
        ("/energy/week/2025-W54", "iso_week"),
        ("/energy/month/2025-13", "month"),
        ("/energy/year/19", "year"),
        ("/energy?start=2025-05-02&end=2025-05-01&bucket=day", "end"),
        ("/energy?start=2025-05-01T00:07:00%2B03:00&end=2025-05-02&bucket=15m", "start"),
        ("/energy?start=2020-01-01&end=2025-01-01&bucket=15m", "end"),
        ("/energy?start=2025-05-01&end=2025-05-02&bucket=week", "bucket"),
        ("/energy?start=soon&end=2025-05-02", "start"),
    ],
)
async def test_energy_bad_input_is_a_problem_naming_the_field(
    site: Site, path: str, field: str
) -> None:
    response = await site.client.get(path)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == field
    assert body["status"] == 422
    assert body["title"]
    assert body["detail"]
