"""Spot prices and the full prices of each settlement period: GET /prices."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

from wattboard.api.deps import Ctx, EndInstant, Instant
from wattboard.api.schemas import PricePeriodOut, PricesOut
from wattboard.api.timefmt import iso, parse_instant
from wattboard.exceptions import InvalidInputError

router = APIRouter(tags=["prices"])
MAX_SPAN: Final = 31 * 86400


@router.get("/prices", operation_id="getPrices", response_model=PricesOut)
async def prices(ctx: Ctx, start: Instant, end: EndInstant) -> PricesOut:
    """Each stored settlement period starting in `[start, end)` (at most 31 days), oldest first.

    `spot` is the market price excl. VAT; `import_price` / `export_price` the full price per kWh
    with every component and VAT of the tariff valid then (null without a tariff).
    """
    zone = ctx.reader.zone
    first, last = parse_instant(start, "start", zone), parse_instant(end, "end", zone)
    if first >= last:
        raise InvalidInputError("end", "must be after start")
    if last - first > MAX_SPAN:
        raise InvalidInputError("end", "a range of prices may span at most 31 days")
    book = ctx.tariffs
    periods = []
    for point in await ctx.reader.prices(first, last):
        full = book.prices(point.start, point.price) if book else (None, None)
        periods.append(
            PricePeriodOut(
                start=iso(point.start, zone),
                end=iso(point.end, zone),
                start_ts=point.start,
                end_ts=point.end,
                spot=round(point.price, 6),
                import_price=_per_kwh(full[0]),
                export_price=_per_kwh(full[1]),
            )
        )
    return PricesOut(
        currency=book.currency if book else None,
        timezone=zone.key,
        start=iso(first, zone),
        end=iso(last, zone),
        periods=periods,
    )


def _per_kwh(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
