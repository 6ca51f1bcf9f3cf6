"""Energy reports of calendar periods and ranges, assembled from rollups (pure; no I/O).

A report has buckets and totals; the totals are the sum of the buckets (Wh added, ratios and
coverage recomputed from the sums), so a period always equals the sum of what it shows.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wattboard.energy.flows import Flows, combine, expected_meter_minutes, with_expected
from wattboard.energy.netting import bucket_flows

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from zoneinfo import ZoneInfo

    from wattboard.energy.netting import Netting
    from wattboard.energy.periods import Bucket
    from wattboard.energy.sums import MinuteSums


@dataclass(frozen=True, slots=True)
class Report:
    """Buckets with their flows, and the totals over them."""

    buckets: list[tuple[Bucket, Flows]]
    totals: Flows


@dataclass(frozen=True, slots=True)
class Site:
    """What a report needs to know about the site: zone, netting, meters, now, first record."""

    zone: ZoneInfo
    netting: Netting
    meters: int
    now: int
    # The site's first record (epoch s): coverage counts from it. None: no record yet, so every
    # minute up to now is expected (a site whose meters never delivered shows 0 %, not 100 %).
    first: int | None = None


def from_quarters(
    buckets: Sequence[Bucket], quarters: Mapping[int, MinuteSums], site: Site
) -> Report:
    """Report buckets of quarter-hours or hours (or any union of quarters)."""
    # One sort, then a slice per bucket: scanning every quarter for each bucket made a day's
    # 24 hours the slowest calendar view.
    keys = sorted(quarters)
    flows = [
        bucket_flows(
            {q: quarters[q] for q in keys[bisect_left(keys, b.start) : bisect_left(keys, b.end)]},
            b.start,
            b.end,
            netting=site.netting,
            zone=site.zone,
            expected=_expected(b, site),
        )
        for b in buckets
    ]
    return _report(buckets, flows)


def from_days(buckets: Sequence[Bucket], days: Iterable[tuple[int, Flows]], site: Site) -> Report:
    """Report buckets of whole local days (days, weeks, months, years) from `(day start, flows)`."""
    ordered = sorted(days, key=lambda day: day[0])
    starts = [start for start, _ in ordered]
    # A slice per bucket, as in from_quarters: a scan of every day per bucket made a month
    # of days quadratic.
    flows = [
        combine(
            (f for _, f in ordered[bisect_left(starts, b.start) : bisect_left(starts, b.end)]),
            expected=_expected(b, site),
        )
        for b in buckets
    ]
    return _report(buckets, flows)


def from_sums(buckets: Sequence[Bucket], sums: Sequence[Flows], site: Site) -> Report:
    """Report buckets whose flows the store already summed (months and years of day rows)."""
    return _report(
        buckets,
        [with_expected(f, _expected(b, site)) for b, f in zip(buckets, sums, strict=True)],
    )


def _expected(bucket: Bucket, site: Site) -> int:
    return expected_meter_minutes(bucket.start, bucket.end, site.meters, site.now, site.first)


def _report(buckets: Sequence[Bucket], flows: Sequence[Flows]) -> Report:
    return Report(list(zip(buckets, flows, strict=True)), combine(flows))
