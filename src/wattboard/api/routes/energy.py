"""Energy of calendar periods and ranges: /energy/day|week|month|year|years and /energy."""

from __future__ import annotations

import asyncio
import functools
import json
import math
from bisect import bisect_left
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Final, Literal

from fastapi import APIRouter, Path, Query, Response

from wattboard.api.context import ApiContext
from wattboard.api.deps import Ctx, EndInstant, Instant
from wattboard.api.schemas import EnergyOut
from wattboard.api.timefmt import iso, parse_instant
from wattboard.energy.flows import Flows
from wattboard.energy.money import NO_MONEY, Money, Pricer, combine_money, energy_money
from wattboard.energy.periods import (
    HOUR,
    Bucket,
    PeriodKind,
    buckets,
    period,
    period_buckets,
)
from wattboard.energy.report import Report, Site, from_days, from_quarters, from_sums
from wattboard.exceptions import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from zoneinfo import ZoneInfo

    from wattboard.energy.prices import PricePoint
    from wattboard.energy.sums import MinuteSums
    from wattboard.energy.tariff import TariffBook

router = APIRouter(prefix="/energy", tags=["energy"])
RangeUnit = Literal["15m", "hour", "day", "month"]
DateKey = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", examples=["2025-05-16"])]
WeekKey = Annotated[str, Path(pattern=r"^[0-9]{4}-W[0-9]{2}$", examples=["2025-W20"])]
MonthKey = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2025-05"])]
YearKey = Annotated[str, Path(pattern=r"^[0-9]{4}$", examples=["2025"])]
OutKind = Literal["day", "week", "month", "year", "years", "range"]
# The longest range each bucket size may cover, in seconds (about 3000 buckets at most).
MAX_RANGE: Final[dict[str, int]] = {
    "15m": 31 * 86400,
    "hour": 366 * 86400,
    "day": 3660 * 86400,
    "month": 100 * 366 * 86400,
}
_FIRST_DAY_S: Final = 25 * 3600  # the longest local day


# The calendar views answer with a body they write themselves (see `_body`): FastAPI would
# build the models, validate them against `response_model` and serialise them again, which
# cost more than reading and adding up the data. `response_model` still gives the schema, and
# tests/api/test_energy_body.py checks every body against the models.
@router.get("/day/{date}", operation_id="getEnergyDay", response_model=EnergyOut)
async def energy_day(date: DateKey, ctx: Ctx) -> Response:
    """Hourly energy of a local day (23, 24 or 25 buckets)."""
    return _json(await _period(ctx, "day", date, "date"))


@router.get("/week/{iso_week}", operation_id="getEnergyWeek", response_model=EnergyOut)
async def energy_week(iso_week: WeekKey, ctx: Ctx) -> Response:
    """Daily energy of an ISO week (Monday first), e.g. 2025-W20."""
    return _json(await _period(ctx, "week", iso_week, "iso_week"))


@router.get("/month/{month}", operation_id="getEnergyMonth", response_model=EnergyOut)
async def energy_month(month: MonthKey, ctx: Ctx) -> Response:
    """Daily energy of a month, e.g. 2025-05."""
    return _json(await _period(ctx, "month", month, "month"))


@router.get("/year/{year}", operation_id="getEnergyYear", response_model=EnergyOut)
async def energy_year(year: YearKey, ctx: Ctx) -> Response:
    """Monthly energy of a year (12 buckets)."""
    return _json(await _period(ctx, "year", year, "year"))


@router.get("/years", operation_id="getEnergyYears", response_model=EnergyOut)
async def energy_years(ctx: Ctx) -> Response:
    """Yearly energy, one bucket per year with data."""
    zone = ctx.reader.zone
    # The years come from the store's span; the sums of the years the last answer had are
    # asked in the same turn of the store's thread, and used only if the span still has
    # those years (the store keeps its day sums until the data changes).
    guess = ctx.energy_years
    if guess is None:
        span = await ctx.reader.span()
        guessed, guessed_money = None, None
    else:
        years = _years(*guess, zone)
        whole = Bucket("year", "all", years[0].start, years[-1].end, "", "")
        span, guessed, guessed_money = await asyncio.gather(
            ctx.reader.span(),
            ctx.reader.day_sums([(b.start, b.end) for b in years]),
            _day_money(ctx, years, whole),
        )
    site = await _site(ctx, span)
    if span is None:
        now = int(ctx.clock())
        empty = Bucket("year", "all", now, now, "", "")
        return _json(_body(ctx, "years", "all", empty, Report([], Flows()), site, []))
    first, last = (datetime.fromtimestamp(ts, zone).year for ts in span)
    ctx.energy_years = (first, last)
    years = _years(first, last, zone)
    whole = Bucket("year", "all", years[0].start, years[-1].end, "", "")
    if guessed is not None and guess == (first, last):
        report = from_sums(years, guessed, site)
        money = _with_fees(ctx.tariffs, years, guessed_money, site)
    else:
        report = await _from_days(ctx, years, whole, site)
        money = await _money_of_days(ctx, years, whole, site)
    return _json(_body(ctx, "years", "all", whole, report, site, money))


@router.get("", operation_id="getEnergyRange", response_model=EnergyOut)
async def energy_range(
    ctx: Ctx,
    start: Instant,
    end: EndInstant,
    bucket: Annotated[RangeUnit, Query(description="Bucket size")] = "hour",
) -> Response:
    """Energy of any range in buckets of 15 minutes, hours, local days or months."""
    return _json(await range_body(ctx, start, end, bucket))


async def range_body(ctx: ApiContext, start: str, end: str, bucket: RangeUnit) -> str:
    """Return the body of GET /energy (also the rows of the CSV export)."""
    zone = ctx.reader.zone
    first, last = parse_instant(start, "start", zone), parse_instant(end, "end", zone)
    _check_range(first, last, bucket, ctx)
    whole = Bucket("day", "range", first, last, iso(first, zone), iso(last, zone))
    cut = buckets(first, last, bucket, zone)
    site = await _site(ctx)
    if bucket in ("15m", "hour"):
        quarters = await ctx.reader.quarter_sums(first, last)
        report = from_quarters(cut, quarters, site)
        money = await _money_of_quarters(ctx, cut, whole, quarters, site)
    else:
        report = await _from_days(ctx, cut, whole, site)
        money = await _money_of_days(ctx, cut, whole, site)
    key = f"{whole.local_start}/{whole.local_end}"
    return _body(ctx, "range", key, whole, report, site, money)


def _check_range(first: int, last: int, bucket: str, ctx: ApiContext) -> None:
    if first >= last:
        raise InvalidInputError("end", "must be after start")
    if bucket in ("15m", "hour") and (first % 900 or last % 900):
        raise InvalidInputError("start", "start and end must fall on a quarter hour")
    if bucket in ("day", "month"):
        for name, ts in (("start", first), ("end", last)):
            day = datetime.fromtimestamp(ts, ctx.reader.zone).date().isoformat()
            if period("day", day, ctx.reader.zone).start != ts:
                raise InvalidInputError(name, f"must be a local midnight for bucket={bucket}")
    if last - first > MAX_RANGE[bucket]:
        days = MAX_RANGE[bucket] // 86400
        raise InvalidInputError("end", f"a range of {bucket} buckets may span at most {days} days")


async def _period(ctx: ApiContext, kind: PeriodKind, key: str, field: str) -> str:
    span, children, tails = _cut(kind, key, ctx.reader.zone, field)
    book = ctx.tariffs
    # Each view asks for all it reads together, so the store's thread answers in one turn.
    if kind == "day":
        site, quarters, prices = await asyncio.gather(
            _site(ctx), ctx.reader.quarter_sums(span.start, span.end), _prices(ctx, span)
        )
        report = from_quarters(children, quarters, site)
        money = None
        if book is not None and prices is not None:
            money = _quarter_money(book, children, quarters, prices, site)
    else:
        site, report_of, energy = await asyncio.gather(
            _site(ctx), _days(ctx, children, span), _day_money(ctx, children, span)
        )
        report = report_of(site)
        money = _with_fees(book, children, energy, site)
    return _body(ctx, kind, span.key, span, report, site, money, tails)


@functools.lru_cache(maxsize=1024)
def _cut(
    kind: PeriodKind, key: str, zone: ZoneInfo, field: str
) -> tuple[Bucket, list[Bucket], list[str]]:
    """Return a period, its buckets and their JSON tails (see `_bucket_tail`).

    Cutting a day's hours took longer than reading them. Pure calendar work, so kept: the app
    asks for the same periods again and again. The lists are never changed by their readers.
    """
    span = period(kind, key, zone, field)
    children = period_buckets(span, zone)
    return span, children, [_bucket_tail(b) for b in children]


@functools.lru_cache(maxsize=64)
def _years(first: int, last: int, zone: ZoneInfo) -> list[Bucket]:
    return [period("year", str(y), zone) for y in range(first, last + 1)]


async def _days(ctx: ApiContext, cut: list[Bucket], whole: Bucket) -> Callable[[Site], Report]:
    """Read the flows of days, weeks or months; return how to report them for a site."""
    if cut and cut[0].unit == "day":  # a week or a month of days: the rows themselves
        days = await ctx.reader.day_rows(whole.start, whole.end)
        return functools.partial(from_days, cut, [(d.start, d.flows) for d in days])
    # Months and years: let the store add up hundreds of days instead of shipping them here.
    sums = await ctx.reader.day_sums([(b.start, b.end) for b in cut])
    return functools.partial(from_sums, cut, sums)


async def _from_days(ctx: ApiContext, cut: list[Bucket], whole: Bucket, site: Site) -> Report:
    return (await _days(ctx, cut, whole))(site)


async def _prices(ctx: ApiContext, whole: Bucket) -> list[PricePoint] | None:
    """Return the prices of quarters in `whole`, or None without a tariff."""
    if not ctx.tariffs:
        return None
    # An hourly price point starts up to an hour before a quarter it covers.
    return await ctx.reader.prices(whole.start - HOUR, whole.end)


def _quarter_money(
    book: TariffBook,
    cut: list[Bucket],
    quarters: Mapping[int, MinuteSums],
    prices: list[PricePoint],
    site: Site,
) -> list[Money]:
    pricer = Pricer(prices, book)
    keys = sorted(quarters)
    money = []
    for b in cut:
        inside = {
            q: quarters[q] for q in keys[bisect_left(keys, b.start) : bisect_left(keys, b.end)]
        }
        energy = energy_money(inside, b.start, b.end, netting=site.netting, pricer=pricer)
        money.append(energy + _fees(book, b, site))
    return money


async def _money_of_quarters(
    ctx: ApiContext,
    cut: list[Bucket],
    whole: Bucket,
    quarters: Mapping[int, MinuteSums],
    site: Site,
) -> list[Money] | None:
    prices = await _prices(ctx, whole)
    if ctx.tariffs is None or prices is None:
        return None
    return _quarter_money(ctx.tariffs, cut, quarters, prices, site)


async def _day_money(ctx: ApiContext, cut: list[Bucket], whole: Bucket) -> list[Money] | None:
    """Return the energy money of each bucket of whole days (fees apart); None: no tariff."""
    book = ctx.tariffs
    if not book:
        return None
    if cut and cut[0].unit == "day":
        days = await ctx.reader.money_days(whole.start, whole.end, book)
        return [combine_money(m for day, m in days if b.start <= day < b.end) for b in cut]
    return await ctx.reader.money_sums([(b.start, b.end) for b in cut], book)


def _with_fees(
    book: TariffBook | None, cut: list[Bucket], energy: list[Money] | None, site: Site
) -> list[Money] | None:
    if book is None or energy is None:
        return None
    return [m + _fees(book, b, site) for b, m in zip(cut, energy, strict=True)]


async def _money_of_days(
    ctx: ApiContext, cut: list[Bucket], whole: Bucket, site: Site
) -> list[Money] | None:
    return _with_fees(ctx.tariffs, cut, await _day_money(ctx, cut, whole), site)


def _fees(book: TariffBook, bucket: Bucket, site: Site) -> Money:
    """The monthly fees of a bucket: from the site's first record until now, pro rata."""
    if site.first is None:
        return NO_MONEY
    start, end = max(bucket.start, site.first), min(bucket.end, site.now)
    return Money(fixed_fees=book.fees(start, end)) if start < end else NO_MONEY


async def _site(ctx: ApiContext, span: tuple[int, int] | None = None) -> Site:
    meters = await ctx.reader.expected_meters()
    # Coverage counts from the first record: before it, nothing was installed to record.
    span = span or await ctx.reader.span()
    first = await _first_record(ctx, span[0]) if span else None
    return Site(ctx.reader.zone, ctx.reader.netting, meters, int(ctx.clock()), first)


async def _first_record(ctx: ApiContext, first: int) -> int:
    """Return the first quarter-hour with a record, from the store's first minute or day."""
    # Every view asks, and reading a day of quarters cost as much as the view's own data: the
    # answer is kept per first minute, which moves only when an older minute arrives.
    known = ctx.first_records.get(first)
    if known is not None:
        return known
    # The store's span starts at the first day row, a local midnight; the quarters of that day
    # tell when recording began in it, so a site installed at 10:00 has no 10 missing hours.
    quarters = await ctx.reader.quarter_sums(first, first + _FIRST_DAY_S)
    present = [q for q, sums in quarters.items() if sums.present > 0]
    found = max(first, min(present)) if present else first
    ctx.first_records.clear()  # one entry: the store has one first minute at a time
    ctx.first_records[first] = found
    return found


def _body(
    ctx: ApiContext,
    kind: OutKind,
    key: str,
    span: Bucket,
    report: Report,
    site: Site,
    money: list[Money] | None,
    tails: list[str] | None = None,
) -> str:
    """Return the JSON body of an energy response, as `EnergyOut` would send it.

    `tails`: each bucket's `_bucket_tail`, when the caller kept them.

    Fields in the models' order; energies rounded to 0.0001 then 0.001 Wh as the models did
    (their values, then their serialiser), ratios and amounts to 0.0001. Written as text
    bucket by bucket: a dict per bucket for the JSON encoder cost as much again.
    """
    zone = ctx.reader.zone
    currency = ctx.tariffs.currency if ctx.tariffs else None
    tails = tails or [_bucket_tail(b) for b, _ in report.buckets]
    if money is not None and currency is not None:
        totals = _flows_json(report.totals, _money_json(combine_money(money), currency)) + "}"
        buckets = [
            _flows_json(f, _money_json(m, currency)) + tail
            for (_, f), m, tail in zip(report.buckets, money, tails, strict=True)
        ]
    else:
        totals = _flows_json(report.totals, "null") + "}"
        buckets = [
            _flows_json(f, "null") + tail
            for (_, f), tail in zip(report.buckets, tails, strict=True)
        ]
    head = _encode(
        {
            "period": kind,
            "key": key,
            "timezone": zone.key,
            "netting": ctx.reader.netting,
            "start": iso(span.start, zone),
            "end": iso(span.end, zone),
            "start_ts": span.start,
            "end_ts": span.end,
            "first_ts": site.first,
            "unit": "Wh",
        }
    )
    return f'{head[:-1]},"totals":{totals},"buckets":[{",".join(buckets)}]}}'


# As FastAPI writes JSON: compact, UTF-8 (the head holds no float).
_encode: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _json(body: str) -> Response:
    return Response(body.encode(), media_type="application/json")


# The fields of FlowsOut, still open for `money` and a bucket's own fields.
_FLOWS_JSON: Final = (
    '{"grid_import":%r,"grid_export":%r,"solar":%r,"consumption":%r,"self_consumption":%r,'
    '"self_sufficiency":%s,"self_consumption_ratio":%s,"coverage":%s,"money":%s'
)


def _flows_json(f: Flows, money: str) -> str:
    """Return `{"grid_import":…,"money":…` of a bucket: the fields of FlowsOut, still open."""
    # Energies twice, as the models did: the value to 0.0001 Wh, then the WattHours
    # serialiser to 0.001 Wh. A float's repr is what JSON encoders write for it. Written
    # with one format rather than a call per field: this runs for every bucket of a view.
    energies = (
        round(round(f.grid_import, 4), 3),
        round(round(f.grid_export, 4), 3),
        round(round(f.solar, 4), 3),
        round(round(f.consumption, 4), 3),
        round(round(f.self_consumption, 4), 3),
    )
    ratios = (f.self_sufficiency, f.self_consumption_ratio, f.coverage)
    if not all(map(math.isfinite, energies)):  # no sum of finite Wh is; the models wrote null
        return _FLOWS_JSON.replace("%r", "%s") % (
            *map(_num, energies),
            *map(_ratio_json, ratios),
            money,
        )
    return _FLOWS_JSON % (*energies, *map(_ratio_json, ratios), money)


def _money_json(money: Money, currency: str) -> str:
    """Round each amount to 0.0001; net_cost from the rounded parts, so the body adds up."""
    import_cost = round(money.import_cost, 4)
    export_revenue = round(money.export_revenue, 4)
    fixed_fees = round(money.fixed_fees, 4)
    return (
        f'{{"currency":{_encode(currency)},"import_cost":{_num(import_cost)}'
        f',"export_revenue":{_num(export_revenue)},"fixed_fees":{_num(fixed_fees)}'
        f',"net_cost":{_num(round(import_cost + fixed_fees - export_revenue, 4))}'
        f',"solar_savings":{_num(round(money.solar_savings, 4))}'
        f',"priced":{_ratio_json(money.priced)}}}'
    )


def _ratio_json(value: float | None) -> str:
    return "null" if value is None else _num(round(value, 4))


def _num(value: float) -> str:
    """Return a float as JSON: its repr, as encoders write it; NaN and infinity as null.

    null as the models' serialiser wrote them (JSON has neither).
    """
    return repr(value) if value - value == 0.0 else "null"


def _bucket_tail(bucket: Bucket) -> str:
    """Return `,"key":…,"end_ts":…}`: the rest of a BucketOut, the same for every answer."""
    # The bucket's local times were formatted when the period was cut.
    return _encode(
        {
            "key": bucket.key,
            "start": bucket.local_start,
            "end": bucket.local_end,
            "start_ts": bucket.start,
            "end_ts": bucket.end,
        }
    ).replace("{", ",", 1)
