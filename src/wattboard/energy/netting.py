"""Flows of a bucket from its quarters under the site's netting mode.

See docs/architecture.md, "Energy semantics".

`phase` and `minute` settle every minute, so their flows are plain sums. `15min` and `hour`
settle Σ net over settlement periods aligned to local time: a quarter is its own period, an
hour is the hourly bucket of `periods` (so on Asia/Kolkata an hour starts at :30 UTC). A
bucket bills each settlement period that lies wholly inside it as one period and shows the
quarters of periods its edges cut through minute-netted. Hence a 15-minute bucket under `hour`
netting shows minute-netted values, while an hour, a day or a month equals the sum of its
periods, so day totals match the bill and buckets add up to their period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, get_args

from wattboard.energy.flows import NO_FLOWS, Flows, Level, settle, with_expected
from wattboard.energy.periods import hour_key, hour_span
from wattboard.energy.sums import QUARTER, total

if TYPE_CHECKING:
    from collections.abc import Mapping
    from zoneinfo import ZoneInfo

    from wattboard.energy.sums import MinuteSums

Netting = Literal["phase", "minute", "15min", "hour"]
NETTING_MODES: Final[tuple[Netting, ...]] = get_args(Netting)


def bucket_flows(
    quarters: Mapping[int, MinuteSums],
    start: int,
    end: int,
    *,
    netting: Netting,
    zone: ZoneInfo,
    expected: int = 0,
) -> Flows:
    """Return the flows of `[start, end)` from quarter sums keyed by UTC quarter start.

    Quarters starting outside the bucket are ignored; `expected` meter-minutes give the
    coverage (see `expected_meter_minutes`).
    """
    inside = sorted(q for q in quarters if start <= q < end)
    match netting:
        case "phase" | "minute":
            return settle(total(quarters[q] for q in inside), netting, expected)
        case _:
            flows = _settle_periods(quarters, inside, start, end, netting, zone)
            return with_expected(flows, expected)


def settlement_span(q: int, netting: Literal["15min", "hour"], zone: ZoneInfo) -> tuple[int, int]:
    """Return the UTC `[start, end)` of the settlement period holding quarter `q`."""
    if netting == "15min":
        return q, q + QUARTER
    return hour_span(q, zone)


def _settle_periods(
    quarters: Mapping[int, MinuteSums],
    inside: list[int],
    start: int,
    end: int,
    netting: Literal["15min", "hour"],
    zone: ZoneInfo,
) -> Flows:
    groups: dict[object, list[int]] = {}
    for q in inside:
        key = q if netting == "15min" else hour_key(q, zone)
        groups.setdefault(key, []).append(q)
    flows = NO_FLOWS
    for members in groups.values():
        first, last = settlement_span(members[0], netting, zone)
        level: Level = "period" if start <= first and last <= end else "minute"
        flows += settle(total(quarters[q] for q in members), level)
    return flows
