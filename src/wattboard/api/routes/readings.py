"""Minute records: paged reads, idempotent upserts, corrections and deletions (rollups follow)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import Annotated

from fastapi import APIRouter, Body, Query

from wattboard.api.context import ApiContext
from wattboard.api.deps import Ctx, EndInstant, Instant, MeterId, WriteAccess
from wattboard.api.problems import ApiProblem
from wattboard.api.schemas import ReadingIn, ReadingOut, ReadingsPage, ReadingValues, WriteResult
from wattboard.api.timefmt import iso, parse_instant
from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import InvalidInputError
from wattboard.store.base import EnergyWriter

read_router = APIRouter(prefix="/readings", tags=["readings"])
write_router = APIRouter(prefix="/readings", tags=["readings"], dependencies=[WriteAccess])


@read_router.get("", operation_id="listReadings", response_model=ReadingsPage)
async def list_readings(
    ctx: Ctx,
    meter: MeterId,
    start: Instant,
    end: EndInstant,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> ReadingsPage:
    """Minute records of one meter, oldest first, a page at a time."""
    zone = ctx.reader.zone
    first, last = parse_instant(start, "start", zone), parse_instant(end, "end", zone)
    if first >= last:
        raise InvalidInputError("end", "must be after start")
    after = _decode_cursor(cursor, meter) if cursor else None
    records = await ctx.reader.readings(meter, first, last, limit=limit + 1, after=after)
    page, more = records[:limit], len(records) > limit
    return ReadingsPage(
        items=[reading_out(r, ctx) for r in page],
        next_cursor=_encode_cursor(meter, page[-1].ts) if more else None,
    )


def reading_out(record: MinuteRecord, ctx: ApiContext) -> ReadingOut:
    values = dataclasses.asdict(record)
    return ReadingOut(time=iso(record.ts, ctx.reader.zone), **values)


def _encode_cursor(meter: str, ts: int) -> str:
    return base64.urlsafe_b64encode(f"{meter}\n{ts}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, meter: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        owner, ts = text.split("\n")
        after = int(ts)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        owner, after = "", 0
    if owner != meter:
        problem = "not a cursor of this meter's listing; start over without it"
        raise InvalidInputError("cursor", problem)
    return after


def _writer(ctx: ApiContext) -> EnergyWriter:
    if ctx.writer is None:
        raise ApiProblem(405, "Read-only", "this server does not accept writes")
    return ctx.writer


@write_router.post("", operation_id="upsertReadings", response_model=WriteResult)
async def upsert_readings(ctx: Ctx, records: Annotated[list[ReadingIn], Body()]) -> WriteResult:
    """Insert or replace minute records (idempotent by meter and ts); rollups follow."""
    if len(records) > ctx.max_batch:
        raise InvalidInputError(
            "body", f"at most {ctx.max_batch} records per request, got {len(records)}"
        )
    stored = await _writer(ctx).upsert([_record(r.meter, r.ts, r) for r in records])
    return WriteResult(stored=stored)


@write_router.put("/{meter}/{ts}", operation_id="putReading", response_model=WriteResult)
async def put_reading(
    meter: str, ts: int, ctx: Ctx, values: Annotated[ReadingValues, Body()]
) -> WriteResult:
    """Correct one minute record."""
    if ts % 60:
        raise InvalidInputError("ts", "must be the start of a minute (a multiple of 60)")
    stored = await _writer(ctx).upsert([_record(meter, ts, values)])
    return WriteResult(stored=stored)


@write_router.delete("", operation_id="deleteReadings", response_model=WriteResult)
async def delete_readings(ctx: Ctx, meter: MeterId, start: Instant, end: EndInstant) -> WriteResult:
    """Remove a meter's records in `[start, end)`; rollups follow."""
    zone = ctx.reader.zone
    first, last = parse_instant(start, "start", zone), parse_instant(end, "end", zone)
    if first >= last:
        raise InvalidInputError("end", "must be after start")
    return WriteResult(deleted=await _writer(ctx).delete(meter, first, last))


def _record(meter: str, ts: int, values: ReadingValues) -> MinuteRecord:
    fields = values.model_dump(exclude={"meter", "ts", "time"})
    return MinuteRecord(meter=meter, ts=ts, **fields)
