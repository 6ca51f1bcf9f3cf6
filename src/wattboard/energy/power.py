"""Power curves of a day from minute records: average and highest W per bucket (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wattboard.energy.records import MinuteRecord

WH_PER_MINUTE_TO_W: Final = 60.0


@dataclass(frozen=True, slots=True)
class MinutePower:
    """Site power of one minute in W: averages from energy, peaks from the device's statistics.

    `grid_max_w` is the sum of the phases' highest power (the phases need not peak together,
    so it bounds the true peak from above); `home_max_w` is the minute's average, the best the
    records tell about the house alone.
    """

    ts: int
    grid_avg_w: float
    grid_max_w: float
    solar_avg_w: float
    solar_max_w: float
    home_avg_w: float
    meters: int


@dataclass(frozen=True, slots=True)
class PowerBucket:
    start: int
    end: int
    grid_avg_w: float | None
    grid_max_w: float | None
    solar_avg_w: float | None
    solar_max_w: float | None
    home_avg_w: float | None
    home_max_w: float | None
    coverage: float | None


def minute_power(grid: MinuteRecord | None, solars: Sequence[MinuteRecord], ts: int) -> MinutePower:
    """Combine one minute's grid record (None when missing) and solar records."""
    grid_avg = grid.net_wh * WH_PER_MINUTE_TO_W if grid else 0.0
    grid_max = (grid.a_max_w + grid.b_max_w + grid.c_max_w) if grid else 0.0
    solar_avg = sum(max(0.0, -r.net_wh) for r in solars) * WH_PER_MINUTE_TO_W
    # Production flows out through the clamps: the most negative power is the peak.
    solar_max = sum(max(0.0, -(r.a_min_w + r.b_min_w + r.c_min_w)) for r in solars)
    present = (grid is not None) + len(solars)
    return MinutePower(ts, grid_avg, grid_max, solar_avg, solar_max, grid_avg + solar_avg, present)


def site_power(grid: Sequence[MinuteRecord], solar: Sequence[MinuteRecord]) -> list[MinutePower]:
    """Return the site's power for every minute that has any record, in time order."""
    grid_by_ts = {r.ts: r for r in grid}
    solar_by_ts: dict[int, list[MinuteRecord]] = {}
    for record in solar:
        solar_by_ts.setdefault(record.ts, []).append(record)
    minutes = sorted(grid_by_ts.keys() | solar_by_ts.keys())
    return [minute_power(grid_by_ts.get(ts), solar_by_ts.get(ts, ()), ts) for ts in minutes]


def power_buckets(
    minutes: Sequence[MinutePower], spans: Sequence[tuple[int, int]], meters: int, now: int
) -> list[PowerBucket]:
    """Average and peak per `[start, end)` span; a span without any record has None values."""
    result = []
    index = 0
    for start, end in spans:
        inside = []
        while index < len(minutes) and minutes[index].ts < end:
            if minutes[index].ts >= start:
                inside.append(minutes[index])
            index += 1
        result.append(_bucket((start, end), inside, meters, now))
    return result


def _bucket(
    span: tuple[int, int], inside: Sequence[MinutePower], meters: int, now: int
) -> PowerBucket:
    start, end = span
    expected = meters * (max(0, min(end, now) - start) // 60)
    coverage = min(1.0, sum(m.meters for m in inside) / expected) if expected else None
    if not inside:
        return PowerBucket(start, end, None, None, None, None, None, None, coverage)
    count = len(inside)
    return PowerBucket(
        start,
        end,
        sum(m.grid_avg_w for m in inside) / count,
        max(m.grid_max_w for m in inside),
        sum(m.solar_avg_w for m in inside) / count,
        max(m.solar_max_w for m in inside),
        sum(m.home_avg_w for m in inside) / count,
        max(m.home_avg_w for m in inside),
        coverage,
    )
