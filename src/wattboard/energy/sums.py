"""Site minutes and their additive sums: the one summary rollups keep.

See docs/architecture.md, "Energy semantics".

A site minute combines the grid meter's record and the solar meters' records of one minute.
Everything that is not linear across meters (the per-minute netting, solar's `max(0, −net)`,
the clamps) is decided here, once per minute; what remains is plain addition. So the sums of
a quarter `[q, q+900)` carry all that flows of any bucket under any netting mode need: Σ net
for settlement periods, the phase and minute-netted totals for the other modes, and both
flavours of minute-level self-consumption.

This is the hot path of ingestion: plain floats, slots, no time zones. Quarters are aligned to
UTC multiples of 900 s, which are local quarters too because every offset in use since 1995 is
a multiple of 15 minutes (Africa/Monrovia until 1972 and Pacific/Kiritimati until 1995 had odd
offsets; their old local quarters are not UTC quarters).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import add, attrgetter
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from wattboard.energy.records import MinuteRecord

QUARTER: Final = 900
# A minute whose consumption is negative by less than this is float noise, not a data issue.
CLAMP_TOLERANCE_WH: Final = 1e-6


@dataclass(frozen=True, slots=True)
class MinuteSums:
    """Additive sums over site minutes (Wh, counts); one minute is the base case.

    `net`, `phase_import`, `phase_export` are the grid meter's; `minute_import` /
    `minute_export` its per-minute netted `max(±net, 0)`. `solar` is Σ of each solar meter's
    `max(0, −net)`. `consumption` is Σ per-minute `max(0, net + solar)`; a minute below zero is
    a data issue counted in `clamped_minutes` with the Wh clamped away in `clamped_wh`.
    `self_consumption_phase` / `self_consumption_minute` are Σ per-minute
    `clamp(solar − export, 0, solar)` with the phase export or the minute-netted export.
    `present` counts meter-minutes that had a record.
    """

    net: float = 0.0
    phase_import: float = 0.0
    phase_export: float = 0.0
    minute_import: float = 0.0
    minute_export: float = 0.0
    solar: float = 0.0
    consumption: float = 0.0
    self_consumption_phase: float = 0.0
    self_consumption_minute: float = 0.0
    present: int = 0
    clamped_minutes: int = 0
    clamped_wh: float = 0.0

    def __add__(self, other: MinuteSums) -> MinuteSums:
        return MinuteSums(
            net=self.net + other.net,
            phase_import=self.phase_import + other.phase_import,
            phase_export=self.phase_export + other.phase_export,
            minute_import=self.minute_import + other.minute_import,
            minute_export=self.minute_export + other.minute_export,
            solar=self.solar + other.solar,
            consumption=self.consumption + other.consumption,
            self_consumption_phase=self.self_consumption_phase + other.self_consumption_phase,
            self_consumption_minute=self.self_consumption_minute + other.self_consumption_minute,
            present=self.present + other.present,
            clamped_minutes=self.clamped_minutes + other.clamped_minutes,
            clamped_wh=self.clamped_wh + other.clamped_wh,
        )


SUM_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(MinuteSums))
NO_SUMS: Final = MinuteSums()
# Every field's value as a tuple, in `SUM_FIELDS` order (one C call).
sum_values: Final = attrgetter(*SUM_FIELDS)
# The slots' setters: a row the store wrote is trusted, and building it through the frozen
# dataclass's keyword __init__ cost twice as much, for every quarter of every hourly view.
_SETTERS: Final = tuple(getattr(MinuteSums, name).__set__ for name in SUM_FIELDS)


def sums_from_row(values: Sequence[float]) -> MinuteSums:
    """Return the sums of a stored row whose columns are named and ordered as `SUM_FIELDS`.

    Also for sums this module added up itself: trusted values, in field order.
    """
    if len(values) != len(SUM_FIELDS):
        raise ValueError(f"a row of sums has {len(SUM_FIELDS)} values, got {len(values)}")
    sums = object.__new__(MinuteSums)
    for setter, value in zip(_SETTERS, values, strict=True):
        setter(sums, value)
    return sums


def quarter_start(ts: int) -> int:
    """Return the start of the UTC-aligned quarter holding epoch second `ts`."""
    return ts - ts % QUARTER


def site_minute(grid: MinuteRecord | None, solars: Iterable[MinuteRecord] = ()) -> MinuteSums:
    """Combine one minute's grid record (None when missing) and solar records."""
    totals = None if grid is None else (grid.import_wh, grid.export_wh)
    return site_minute_totals(totals, [(r.import_wh, r.export_wh) for r in solars])


def site_minute_totals(
    grid: tuple[float, float] | None, solars: Sequence[tuple[float, float]] = ()
) -> MinuteSums:
    """Combine one minute's (Σ phase import, Σ phase export) Wh of the grid and each solar meter."""
    phase_import, phase_export = (0.0, 0.0) if grid is None else grid
    solar = 0.0
    for imported, exported in solars:
        # An inverter's own night draw is house consumption, not negative production.
        solar += max(0.0, exported - imported)
    net = phase_import - phase_export
    minute_export = max(0.0, -net)
    raw = net + solar
    clamped = raw < -CLAMP_TOLERANCE_WH
    return MinuteSums(
        net=net,
        phase_import=phase_import,
        phase_export=phase_export,
        minute_import=max(0.0, net),
        minute_export=minute_export,
        solar=solar,
        consumption=max(0.0, raw),
        self_consumption_phase=_clamp(solar - phase_export, solar),
        self_consumption_minute=_clamp(solar - minute_export, solar),
        present=(grid is not None) + len(solars),
        clamped_minutes=int(clamped),
        clamped_wh=-raw if clamped else 0.0,
    )


def total(sums: Iterable[MinuteSums]) -> MinuteSums:
    """Add up sums (of minutes, quarters or any disjoint sets of minutes)."""
    # Starting from the first item rather than from zero saves one addition per call, and
    # adding field by field on tuples builds one MinuteSums instead of one per item: these sums
    # are most of the work of an hourly view. The order of the additions is the same as
    # `a + b + c`, so the floats come out the same.
    items = iter(sums)
    first = next(items, None)
    if first is None:
        return NO_SUMS
    values: tuple[float, ...] | None = None
    for item in items:
        values = tuple(map(add, values or sum_values(first), sum_values(item)))
    return first if values is None else sums_from_row(values)


def site_minutes(
    grid: Iterable[MinuteRecord], solar: Iterable[MinuteRecord]
) -> Iterator[tuple[int, MinuteSums]]:
    """Yield `(ts, site minute)` in time order for every minute that has any record."""
    grid_by_ts = {record.ts: record for record in grid}
    solar_by_ts: dict[int, list[MinuteRecord]] = {}
    for record in solar:
        solar_by_ts.setdefault(record.ts, []).append(record)
    for ts in sorted(grid_by_ts.keys() | solar_by_ts.keys()):
        yield ts, site_minute(grid_by_ts.get(ts), solar_by_ts.get(ts, ()))


def quarter_sums(minutes: Iterable[tuple[int, MinuteSums]]) -> dict[int, MinuteSums]:
    """Sum `(ts, site minute)` pairs into quarters keyed by UTC quarter start."""
    quarters: dict[int, MinuteSums] = {}
    for ts, minute in minutes:
        q = ts - ts % QUARTER
        quarters[q] = quarters.get(q, NO_SUMS) + minute
    return quarters


def _clamp(value: float, upper: float) -> float:
    return min(max(value, 0.0), upper)
