"""Energy flows of a bucket: what the API shows, additive over whole settlement periods.

Wh fields and counts add; the ratios and the coverage are derived from the sums on demand, so a
week made of seven days is never an average of seven percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import add, attrgetter
from typing import TYPE_CHECKING, Any, Final, Literal

from wattboard.energy.records import MINUTE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wattboard.energy.sums import MinuteSums

# How the grid of a group of quarters is settled: per phase and minute, per minute, or as one
# settlement period whose Σ net is billed.
Level = Literal["phase", "minute", "period"]


@dataclass(frozen=True, slots=True)
class Flows:
    """Energy of a bucket in Wh, with the meter-minutes behind it.

    `consumption = grid_import − grid_export + solar + clamped_wh`: minutes whose consumption
    came out negative (a data issue, e.g. a missing solar record) count as 0 and are counted in
    `clamped_minutes`. `present` / `expected` are meter-minutes with a record / that should
    have one; `expected` comes from the caller (see `expected_meter_minutes`).
    """

    grid_import: float = 0.0
    grid_export: float = 0.0
    solar: float = 0.0
    consumption: float = 0.0
    self_consumption: float = 0.0
    present: int = 0
    expected: int = 0
    clamped_minutes: int = 0
    clamped_wh: float = 0.0

    @property
    def self_sufficiency(self) -> float | None:
        """Share of consumption covered by own solar; None when nothing was consumed."""
        return _ratio(self.self_consumption, self.consumption)

    @property
    def self_consumption_ratio(self) -> float | None:
        """Share of solar used in the house; None when nothing was produced."""
        return _ratio(self.self_consumption, self.solar)

    @property
    def coverage(self) -> float | None:
        """Share of expected meter-minutes present (at most 1); None when none were expected."""
        if self.expected <= 0:
            return None
        return min(1.0, self.present / self.expected)

    def __add__(self, other: Flows) -> Flows:
        return Flows(
            grid_import=self.grid_import + other.grid_import,
            grid_export=self.grid_export + other.grid_export,
            solar=self.solar + other.solar,
            consumption=self.consumption + other.consumption,
            self_consumption=self.self_consumption + other.self_consumption,
            present=self.present + other.present,
            expected=self.expected + other.expected,
            clamped_minutes=self.clamped_minutes + other.clamped_minutes,
            clamped_wh=self.clamped_wh + other.clamped_wh,
        )


FLOW_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(Flows))
# What a stored day keeps: every field but `expected`, which readers set for their bucket.
STORED_FLOW_FIELDS: Final[tuple[str, ...]] = tuple(f for f in FLOW_FIELDS if f != "expected")
NO_FLOWS: Final = Flows()
# Every field's value as a tuple, in `FLOW_FIELDS` order (one C call).
flow_values: Final = attrgetter(*FLOW_FIELDS)
_NO_VALUES: Final[tuple[Any, ...]] = flow_values(NO_FLOWS)


def combine(flows: Iterable[Flows], *, expected: int | None = None) -> Flows:
    """Add up flows of disjoint buckets, each made of whole settlement periods.

    `expected` replaces the sum of theirs: the meter-minutes the whole bucket expects.
    """
    # Field by field on tuples, from zero and in order as `NO_FLOWS + a + b`, so the floats
    # come out the same; one Flows at the end instead of one per item (a view's totals).
    values = _NO_VALUES
    for item in flows:
        values = tuple(map(add, values, flow_values(item)))
    return flows_of(values, expected)


def flows_of(values: tuple[Any, ...], expected: int | None = None) -> Flows:
    """Return the flows of values in `FLOW_FIELDS` order, `expected` replaced unless None."""
    row = dict(zip(FLOW_FIELDS, values, strict=True))
    if expected is not None:
        row["expected"] = expected
    return Flows(**row)


def with_expected(flows: Flows, expected: int) -> Flows:
    """Return `flows` expecting `expected` meter-minutes (a cheaper `dataclasses.replace`)."""
    return flows_of(flow_values(flows), expected)


def expected_meter_minutes(
    start: int, end: int, meters: int, now: int | None = None, first: int | None = None
) -> int:
    """Return the meter-minutes `meters` meters should have recorded in `[start, min(end, now))`.

    `first` is the site's first record: nothing was installed to record before it, so minutes
    before it are not missing and are not expected (a new site is not "4 % complete" all year).
    """
    stop = end if now is None else min(end, now)
    if first is not None:
        start = max(start, first)
    # The minute in progress has no record yet, so only whole minutes are expected.
    return meters * (max(0, stop - start) // MINUTE)


def settle(sums: MinuteSums, level: Level, expected: int = 0) -> Flows:
    """Return the flows of minutes summed in `sums`, settled at `level`, expecting `expected`."""
    if level == "phase":
        grid_import, grid_export = sums.phase_import, sums.phase_export
        self_consumption = sums.self_consumption_phase
    elif level == "minute":
        grid_import, grid_export = sums.minute_import, sums.minute_export
        self_consumption = sums.self_consumption_minute
    else:
        grid_import, grid_export = max(0.0, sums.net), max(0.0, -sums.net)
        self_consumption = min(max(sums.solar - grid_export, 0.0), sums.solar)
    return Flows(
        grid_import=grid_import,
        grid_export=grid_export,
        solar=sums.solar,
        consumption=sums.consumption,
        self_consumption=self_consumption,
        present=sums.present,
        expected=expected,
        clamped_minutes=sums.clamped_minutes,
        clamped_wh=sums.clamped_wh,
    )


def _ratio(part: float, whole: float) -> float | None:
    if whole <= 0.0:
        return None
    # Sums of floats may overshoot a share of exactly 1 by a rounding error.
    return min(1.0, part / whole)
