"""Health, meters, Prometheus metrics and the CSV export."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from wattboard import __version__
from wattboard.api.context import ApiContext
from wattboard.api.deps import Ctx, EndInstant, Instant
from wattboard.api.routes.energy import RangeUnit, energy_range
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
router = APIRouter(tags=["system"])
CSV_FIELDS = (
    "start",
    "end",
    "grid_import",
    "grid_export",
    "solar",
    "consumption",
    "self_consumption",
    "self_sufficiency",
    "self_consumption_ratio",
    "coverage",
)


def _online(ctx: ApiContext, meter_id: str) -> bool | None:
    if ctx.live is None or meter_id not in ctx.live.meters:
        return None  # the cloud API cannot see the meters
    live = ctx.live.meters[meter_id]
    return live.reading is not None and not live.stale


@health_router.get("/health", operation_id="getHealth", response_model=HealthOut)
async def health(ctx: Ctx) -> HealthOut:
    """Whether the server, its store and its meters are well."""
    meters = await ctx.reader.meters()
    backfilling = ctx.backfilling()
    implausible = await ctx.implausible()
    out = [
        HealthMeterOut(
            id=m.id,
            online=_online(ctx, m.id),
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
    store_problem = ctx.store_problem()
    degraded = any(m.online is False for m in out) or store_problem is not None
    return HealthOut(
        status="degraded" if degraded else "ok",
        version=__version__,
        site=ctx.site_id,
        store=StoreOut(backend=ctx.backend, problem=store_problem),
        meters=out,
        replication=ReplicationOut(lag_s=ctx.replication_lag()),
    )


@router.get("/meters", operation_id="listMeters", response_model=list[MeterOut])
async def meters(ctx: Ctx) -> list[MeterOut]:
    """The meters: role, model, profile, phases inverted in software, state, newest record."""
    devices = ctx.devices()
    return [_meter_out(ctx, m, devices) for m in await ctx.reader.meters()]


def _meter_out(ctx: ApiContext, m: MeterInfo, devices: Mapping[str, object]) -> MeterOut:
    facts = devices.get(m.id)
    return MeterOut(
        id=m.id,
        role=m.role,
        model=getattr(facts, "model", None),
        profile=getattr(facts, "profile", None),
        invert_phases=list(m.inverted),
        online=_online(ctx, m.id),
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
    request.app.state.metrics.refresh(ctx, ages, time.time())
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
    """The energy series of a range as CSV (Wh), one row per bucket."""
    report = await energy_range(ctx, start=start, end=end, bucket=bucket)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for b in report.buckets:
        writer.writerow([getattr(b, name) for name in CSV_FIELDS])
    name = f"wattboard-{ctx.site_id}-{bucket}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
