"""Health, meters, Prometheus metrics and the CSV export."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from wattboard import __version__
from wattboard.api.context import ApiContext
from wattboard.api.deps import Ctx, EndInstant, Instant
from wattboard.api.live import LivePower, MeterFacts
from wattboard.api.routes.energy import RangeUnit, range_body
from wattboard.api.schemas import (
    HealthMeterOut,
    HealthOut,
    ImplausibleOut,
    MeterOut,
    ReplicationOut,
    StoreOut,
)
from wattboard.api.timefmt import iso
from wattboard.store.base import MeterInfo

health_router = APIRouter(tags=["system"])
# Below this a negative home consumption is rounding between two meters, not a fault.
INCONSISTENT_W: Final = 1.0
router = APIRouter(tags=["system"])
# Column name → field of a bucket; energies carry their unit in the name.
CSV_COLUMNS: Final = {
    "start": "start",
    "end": "end",
    "grid_import_wh": "grid_import",
    "grid_export_wh": "grid_export",
    "solar_wh": "solar",
    "consumption_wh": "consumption",
    "self_consumption_wh": "self_consumption",
    "self_sufficiency": "self_sufficiency",
    "self_consumption_ratio": "self_consumption_ratio",
    "coverage": "coverage",
}
# Money columns, from each bucket's `money` (empty without a tariff), amounts in `currency`.
MONEY_COLUMNS: Final = (
    "currency",
    "import_cost",
    "export_revenue",
    "fixed_fees",
    "net_cost",
    "solar_savings",
    "priced",
)


def _online(live: LivePower | None, meter_id: str) -> bool | None:
    if live is None or meter_id not in live.meters:
        return None  # the cloud API cannot see the meters
    meter = live.meters[meter_id]
    return meter.reading is not None and not meter.stale


@health_router.get("/health", operation_id="getHealth", response_model=HealthOut)
async def health(ctx: Ctx) -> HealthOut:
    """Whether the server, its store and its meters are well."""
    meters = await ctx.reader.meters()
    view = ctx.view
    live = view.power()
    backfilling = view.backfilling()
    implausible = await view.implausible()
    out = [
        HealthMeterOut(
            id=m.id,
            online=_online(live, m.id),
            backfilling=m.id in backfilling,
            last_record=None if m.last_record is None else iso(m.last_record, ctx.reader.zone),
            last_record_ts=m.last_record,
            implausible=[
                ImplausibleOut(start=iso(start, ctx.reader.zone), start_ts=start, reason=reason)
                for meter, start, _, reason in implausible
                if meter == m.id
            ],
        )
        for m in meters
    ]
    failing = view.replication_failing()
    store_problem = view.store_problem()
    reasons = [f"meter {m.id} is offline" for m in out if m.online is False]
    reasons += [f"the store cannot write: {store_problem}"] if store_problem else []
    reasons += _replication_reasons(ctx, failing)
    reasons += await asyncio.to_thread(_disk_reasons, ctx)
    reasons += _live_reasons(live)
    return HealthOut(
        status="degraded" if reasons else "ok",
        reasons=reasons,
        version=__version__,
        site=ctx.site_id,
        store=StoreOut(backend=ctx.backend, problem=store_problem),
        meters=out,
        replication=ReplicationOut(
            lag_s=view.replication_lag(), failing_s=None if failing is None else round(failing, 1)
        ),
    )


def _replication_reasons(ctx: ApiContext, failing: float | None) -> list[str]:
    if failing is None or failing <= ctx.replication_grace:
        return []  # a short outage is retried with backoff and catches up by itself
    return [f"replication to MongoDB has been failing for {failing / 60:.0f} min"]


def _disk_reasons(ctx: ApiContext) -> list[str]:
    if ctx.store_path is None:
        return []
    directory = next((p for p in (ctx.store_path, *ctx.store_path.parents) if p.exists()), None)
    if directory is None:
        return []
    free = shutil.disk_usage(directory).free
    if free >= ctx.disk_low:
        return []
    return [f"the disk of the store is nearly full: {free / 2**20:.0f} MiB free"]


def _live_reasons(live: LivePower | None) -> list[str]:
    if live is None:
        return []
    deficit = live.flow().deficit_w
    if deficit < INCONSISTENT_W:
        return []
    return [
        (
            f"live power is inconsistent: grid + solar is {-deficit:.1f} W, below zero (shown "
            "as a home consumption of 0 W); a meter reading is stale or a clamp reversed: run "
            "`wattboard doctor`"
        )
    ]


@router.get("/meters", operation_id="listMeters", response_model=list[MeterOut])
async def meters(ctx: Ctx) -> list[MeterOut]:
    """The meters: role, model, profile, phases inverted in software, state, newest record."""
    facts = ctx.view.facts()
    live = ctx.view.power()
    return [_meter_out(ctx, m, facts.get(m.id), live) for m in await ctx.reader.meters()]


def _meter_out(
    ctx: ApiContext, m: MeterInfo, facts: MeterFacts | None, live: LivePower | None
) -> MeterOut:
    return MeterOut(
        id=m.id,
        role=m.role,
        model=None if facts is None else facts.model,
        profile=None if facts is None else facts.profile,
        invert_phases=list(m.inverted),
        online=_online(live, m.id),
        last_record=None if m.last_record is None else iso(m.last_record, ctx.reader.zone),
        last_record_ts=m.last_record,
    )


@router.get(
    "/metrics",
    operation_id="getMetrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(request: Request, ctx: Ctx) -> Response:
    """Prometheus metrics: polls, failures, records ingested, record age, request latency."""
    ages = {m.id: m.last_record for m in await ctx.reader.meters()}
    request.app.state.metrics.refresh(ctx, ages, ctx.clock())
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


@router.get(
    "/export.csv",
    operation_id="exportCsv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per bucket"}},
)
async def export_csv(
    ctx: Ctx,
    start: Instant,
    end: EndInstant,
    bucket: Annotated[RangeUnit, Query(description="Bucket size")] = "hour",
) -> Response:
    """The energy series of a range as CSV, one row per bucket.

    Energies in Wh (columns ending `_wh`) of each bucket `[start, end)`; self_sufficiency,
    self_consumption_ratio and coverage are ratios 0..1, empty when undefined. The money
    columns (currency, import_cost, export_revenue, fixed_fees, net_cost, solar_savings,
    priced) are as in the energy responses' `money`, empty when no tariff is configured.
    """
    body = json.loads(await range_body(ctx, start, end, bucket))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *MONEY_COLUMNS])
    for values in body["buckets"]:  # rounded as in the JSON bodies
        money = values["money"] or {}
        writer.writerow(
            [values[name] for name in CSV_COLUMNS.values()]
            + [money.get(name) for name in MONEY_COLUMNS]
        )
    name = f"wattboard-{ctx.site_id}-{bucket}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
