"""The minute record: one meter, one minute `[ts, ts+60)`, per-phase energy and statistics."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

if TYPE_CHECKING:
    from collections.abc import Iterable

Phase = Literal["a", "b", "c"]
PHASES: Final[tuple[Phase, Phase, Phase]] = ("a", "b", "c")
# What a meter measures: the grid connection, or a solar inverter's output.
Role = Literal["grid", "solar"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
MINUTE: Final = 60  # seconds of one record


@dataclass(frozen=True, slots=True)
class MinuteRecord:
    """A device minute record as stored and served (the API's field names).

    `p_import_wh` / `p_export_wh` are the device's `p_total_act_energy` /
    `p_total_act_ret_energy` for the minute; `p_max_w` / `p_min_w` its
    `max/min_act_power`; `p_avg_v` / `p_avg_a` its `avg_voltage` / `avg_current`.
    """

    meter: str
    ts: int
    a_import_wh: float
    a_export_wh: float
    a_max_w: float
    a_min_w: float
    a_avg_v: float
    a_avg_a: float
    b_import_wh: float
    b_export_wh: float
    b_max_w: float
    b_min_w: float
    b_avg_v: float
    b_avg_a: float
    c_import_wh: float
    c_export_wh: float
    c_max_w: float
    c_min_w: float
    c_avg_v: float
    c_avg_a: float

    @property
    def import_wh(self) -> float:
        return self.a_import_wh + self.b_import_wh + self.c_import_wh

    @property
    def export_wh(self) -> float:
        return self.a_export_wh + self.b_export_wh + self.c_export_wh

    @property
    def net_wh(self) -> float:
        """Energy into the house over all phases (import − export)."""
        return self.import_wh - self.export_wh


RECORD_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(MinuteRecord))
# The 18 values of a record (its fields after `meter` and `ts`), phase by phase.
VALUE_FIELDS: Final[tuple[str, ...]] = RECORD_FIELDS[2:]
PHASE_FIELDS: Final[tuple[str, ...]] = (
    "import_wh",
    "export_wh",
    "max_w",
    "min_w",
    "avg_v",
    "avg_a",
)


def record_from_values(meter: str, ts: int, values: Iterable[float]) -> MinuteRecord:
    """Return the record of `meter` and minute `ts` whose values come in `VALUE_FIELDS` order."""
    # Any: mypy checks **kwargs against every field's type.
    named: dict[str, Any] = dict(zip(VALUE_FIELDS, values, strict=True))
    return MinuteRecord(meter=meter, ts=ts, **named)


def invert_phases(record: MinuteRecord, phases: Iterable[Phase]) -> MinuteRecord:
    """Return the record as if the clamps of `phases` had been mounted the right way round."""
    # A set, because inverting a phase twice would silently undo the fix.
    wanted = frozenset(phases)
    if not wanted:
        return record
    unknown = wanted.difference(PHASES)
    if unknown:
        raise ValueError(f"unknown phases {sorted(unknown)}; expected some of {PHASES}")
    changes: dict[str, Any] = {}  # Any: mypy checks **kwargs against every field's type
    for p in wanted:
        changes[f"{p}_import_wh"] = getattr(record, f"{p}_export_wh")
        changes[f"{p}_export_wh"] = getattr(record, f"{p}_import_wh")
        # Negating swaps the extremes: the most imported becomes the most exported.
        changes[f"{p}_max_w"] = -getattr(record, f"{p}_min_w")
        changes[f"{p}_min_w"] = -getattr(record, f"{p}_max_w")
    return replace(record, **changes)
