"""Physical plausibility of a minute record: bounds from the Shelly Pro 3EM's rating.

A finite but absurd value (a corrupted record, 1e300 Wh) would otherwise be stored and summed
into every rollup, or overflow the store's integer columns. The bounds are far above anything
the meter can measure, so a real minute never trips them:

- current: the largest current transformer Shelly lists for its EM meters is 2000 A (the
  Pro 3EM itself ships with 120 A or 400 A clamps), so at most 2000 A per phase;
- voltage: rated 230/240 V phase to neutral (400/415 V between phases); at most 500 V,
  over twice the phase voltage and above any line-to-line voltage it can see;
- power: 500 V x 2000 A = 1 MW per phase, either sign (negative: export);
- energy: one minute of 1 MW, 1,000,000 W x 1/60 h = 16,667 Wh per phase and direction.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from wattboard.energy.records import RECORD_FIELDS, MinuteRecord

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_AMPS: Final = 2000.0
MAX_VOLTS: Final = 500.0
MAX_WATTS: Final = MAX_VOLTS * MAX_AMPS
MAX_WH_PER_MINUTE: Final = math.ceil(MAX_WATTS / 60)  # 16,667 Wh
# (lowest, highest) per field suffix of MinuteRecord; a small negative energy or current is
# not a reading either: the device's counters only grow and its currents are RMS values.
BOUNDS: Final[dict[str, tuple[float, float]]] = {
    "import_wh": (0.0, MAX_WH_PER_MINUTE),
    "export_wh": (0.0, MAX_WH_PER_MINUTE),
    "max_w": (-MAX_WATTS, MAX_WATTS),
    "min_w": (-MAX_WATTS, MAX_WATTS),
    "avg_v": (0.0, MAX_VOLTS),
    "avg_a": (0.0, MAX_AMPS),
}
REASON: Final = "implausible value from the meter"


def implausible_field(record: MinuteRecord) -> tuple[str, float] | None:
    """Return the first field of `record` outside the meter's bounds and its value, or None."""
    for name in RECORD_FIELDS[2:]:
        bounds = BOUNDS[name[2:]]
        value: float = getattr(record, name)
        # `not (lo <= v <= hi)` also catches NaN, which compares false with everything.
        if not bounds[0] <= value <= bounds[1]:
            return name, value
    return None


def bounds_text(field: str) -> str:
    """Describe the accepted range of a record field, for error messages."""
    low, high = BOUNDS[field[2:]]
    return f"between {low:g} and {high:g}"


def gap_reason(field: str, value: float) -> str:
    """Return the gap reason stored for a minute dropped for this value."""
    return f"{REASON}: {field} = {value:g}"


def split_implausible(
    records: Sequence[MinuteRecord],
) -> tuple[list[MinuteRecord], list[tuple[MinuteRecord, str]]]:
    """Split off the records with a value no Pro 3EM can measure, each with its gap reason."""
    kept: list[MinuteRecord] = []
    dropped: list[tuple[MinuteRecord, str]] = []
    for record in records:
        bad = implausible_field(record)
        if bad is None:
            kept.append(record)
        else:
            dropped.append((record, gap_reason(*bad)))
    return kept, dropped
