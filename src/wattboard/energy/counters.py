"""Lifetime energy counters: what Home Assistant and Prometheus are given (pure; no I/O).

A counter is the site's energy of one flow since its first record, in the site's netting mode,
so it adds up to the same figures as `/energy/years`. It is made of the stored day rollups of
closed days plus the open day's quarters. Under `15min` and `hour` netting a settlement period
still running is left out until it ends: its net may yet turn from import to export, and a
counter must not count energy it would later have to take back.

A published counter never goes down (`ratchet`): a correction that lowers stored energy holds
the counter where it was until stored energy passes that value again, and a backfill shows as
a later increase. Never a reset, which Home Assistant would read as a new meter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from wattboard.energy.netting import bucket_flows, settlement_span

if TYPE_CHECKING:
    from collections.abc import Mapping
    from zoneinfo import ZoneInfo

    from wattboard.energy.flows import Flows
    from wattboard.energy.netting import Netting
    from wattboard.energy.sums import MinuteSums

# The counted flows, named as the API's energy fields.
COUNTER_FLOWS: Final[tuple[str, ...]] = (
    "grid_import",
    "grid_export",
    "solar",
    "consumption",
    "self_consumption",
)
# Far past any stored quarter: the open day's quarters run to "the end of data".
_OPEN_END: Final = 253_370_764_800


def closed_quarters(
    quarters: Mapping[int, MinuteSums], netting: Netting, zone: ZoneInfo, until: int
) -> dict[int, MinuteSums]:
    """Return the quarters whose settlement period ended by `until` (all, netting per minute)."""
    if netting == "phase" or netting == "minute":  # noqa: PLR1714 - narrows the Literal for mypy
        return dict(quarters)
    return {q: s for q, s in quarters.items() if settlement_span(q, netting, zone)[1] <= until}


def lifetime_counters(
    closed_days: Flows,
    open_quarters: Mapping[int, MinuteSums],
    open_start: int,
    *,
    netting: Netting,
    zone: ZoneInfo,
    until: int,
) -> dict[str, float]:
    """Return each counted flow in Wh: the closed days' sum plus the open day's ended periods.

    `closed_days` sums the day rollups before `open_start` (the local midnight that opens the
    day still being recorded); `open_quarters` are the quarter rollups from `open_start` on.
    """
    ended = closed_quarters(open_quarters, netting, zone, until)
    today = bucket_flows(ended, open_start, _OPEN_END, netting=netting, zone=zone)
    flows = closed_days + today
    return {name: max(0.0, float(getattr(flows, name))) for name in COUNTER_FLOWS}


def ratchet(marks: Mapping[str, float], computed: Mapping[str, float]) -> dict[str, float]:
    """Return the counters to publish: each the higher of its published mark and `computed`."""
    return {name: max(marks.get(name, 0.0), computed.get(name, 0.0)) for name in COUNTER_FLOWS}
