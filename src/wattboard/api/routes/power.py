"""Live power and power curves: /power/now, /power/stream (Server-Sent Events), /power/day."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from wattboard.api.context import ApiContext
from wattboard.api.deps import Ctx
from wattboard.api.live import LivePower
from wattboard.api.problems import ApiProblem
from wattboard.api.routes.energy import DateKey
from wattboard.api.schemas import (
    MeterPowerOut,
    PeakOut,
    PhaseOut,
    PowerBucketOut,
    PowerDayOut,
    PowerNowOut,
)
from wattboard.api.timefmt import iso
from wattboard.energy.periods import period
from wattboard.energy.power import power_buckets, site_power
from wattboard.energy.records import MinuteRecord

router = APIRouter(prefix="/power", tags=["power"])
HEARTBEAT: Final = 15.0
COALESCE: Final = 0.05  # both meters answer within a tick: send one event, not two
STEPS: Final = {"1m": 60, "5m": 300, "15m": 900}
Resolution = Literal["1m", "5m", "15m"]


def _live(ctx: ApiContext) -> LivePower:
    live = ctx.view.power()
    if live is None:
        raise ApiProblem(
            503,
            "No live data",
            "live power exists only on the server at home that reads the meters",
        )
    return live


@router.get("/now", operation_id="getPowerNow", response_model=PowerNowOut)
async def power_now(ctx: Ctx) -> PowerNowOut:
    """Live power of the site and of every meter (W; grid + import / − export)."""
    return snapshot(ctx, _live(ctx))


def snapshot(ctx: ApiContext, live: LivePower) -> PowerNowOut:
    flow = live.flow()
    peak = live.max_1m()
    # The powers combine every meter's latest reading: their age is that of the oldest one.
    oldest = live.oldest_reading()
    return PowerNowOut(
        ts=round(flow.ts, 3),
        time=iso(round(flow.ts, 3), ctx.reader.zone),
        grid_w=round(flow.grid_w, 1),
        solar_w=round(flow.solar_w, 1),
        home_w=round(flow.home_w, 1),
        stale=live.stale,
        age_s=None if oldest is None else round(max(0.0, time.time() - oldest), 3),
        max_1m=None
        if peak is None
        else PeakOut(grid_w=peak.grid_w, solar_w=peak.solar_w, home_w=peak.home_w),
        meters=[_meter(meter_id, live) for meter_id in sorted(live.meters)],
    )


def _meter(meter_id: str, live: LivePower) -> MeterPowerOut:
    meter = live.meters[meter_id]
    reading = meter.reading
    phases = (
        [
            PhaseOut(phase=p, w=r.w, v=round(r.v, 1), a=round(r.a, 3))
            for p, r in sorted(reading.phases.items())
        ]
        if reading
        else []
    )
    return MeterPowerOut(
        id=meter_id,
        role=meter.role,
        ts=round(reading.ts, 3) if reading else None,
        online=reading is not None and not meter.stale,
        stale=meter.stale,
        total_w=round(reading.total_w, 1) if reading else None,
        phases=phases,
    )


@router.get(
    "/stream",
    operation_id="streamPower",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "event `power` per tick"}
    },
)
async def power_stream(ctx: Ctx, request: Request) -> StreamingResponse:
    """Server-Sent Events: `power` with the body of /power/now at each live tick."""
    live = _live(ctx)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _events(ctx, live, request), media_type="text/event-stream", headers=headers
    )


async def _events(ctx: ApiContext, live: LivePower, request: Request) -> AsyncIterator[str]:
    changed = asyncio.Event()
    unsubscribe = live.subscribe(changed.set)
    try:
        yield "retry: 2000\n\n"
        yield _event(ctx, live)
        while not live.closed and not await request.is_disconnected():
            try:
                await asyncio.wait_for(changed.wait(), timeout=HEARTBEAT)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            if live.closed:
                break  # shutting down: the client reconnects to the next server
            await asyncio.sleep(COALESCE)
            changed.clear()
            yield _event(ctx, live)
    finally:
        unsubscribe()


def _event(ctx: ApiContext, live: LivePower) -> str:
    body = snapshot(ctx, live)
    payload = json.dumps(body.model_dump(mode="json"), separators=(",", ":"))
    return f"event: power\nid: {int(body.ts * 1000)}\ndata: {payload}\n\n"


@router.get("/day/{date}", operation_id="getPowerDay", response_model=PowerDayOut)
async def power_day(
    date: DateKey, ctx: Ctx, resolution: Annotated[Resolution, Query()] = "5m"
) -> PowerDayOut:
    """Average and highest power per bucket of a local day, from the minute records."""
    zone = ctx.reader.zone
    span = period("day", date, zone, "date")
    meters = await ctx.reader.meters()
    limit = (span.end - span.start) // 60 + 1
    grid: list[MinuteRecord] = []
    solar: list[MinuteRecord] = []
    for meter in meters:
        records = await ctx.reader.readings(meter.id, span.start, span.end, limit=limit)
        (grid if meter.role == "grid" else solar).extend(records)
    step = STEPS[resolution]
    spans = [(t, min(t + step, span.end)) for t in range(span.start, span.end, step)]
    expected = await ctx.reader.expected_meters()
    curve = power_buckets(site_power(grid, solar), spans, expected, int(ctx.clock()))
    return PowerDayOut(
        date=span.key,
        timezone=zone.key,
        resolution=resolution,
        buckets=[
            PowerBucketOut(
                start=iso(b.start, zone),
                end=iso(b.end, zone),
                start_ts=b.start,
                end_ts=b.end,
                grid_avg_w=_w(b.grid_avg_w),
                grid_max_w=_w(b.grid_max_w),
                solar_avg_w=_w(b.solar_avg_w),
                solar_max_w=_w(b.solar_max_w),
                home_avg_w=_w(b.home_avg_w),
                home_max_w=_w(b.home_max_w),
                coverage=None if b.coverage is None else round(b.coverage, 4),
            )
            for b in curve
        ],
    )


def _w(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
