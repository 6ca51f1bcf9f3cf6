"""Minute records to compact integer rows and back (units in `schema`)."""

from __future__ import annotations

from typing import Final

from wattboard.energy.records import VALUE_FIELDS, MinuteRecord, record_from_values

ENERGY_SCALE: Final = 10_000  # 0.1 mWh: the device's four decimals of Wh, exactly
POWER_SCALE: Final = 10  # dW
VOLT_SCALE: Final = 10  # dV
AMP_SCALE: Final = 1000  # mA
# Each value's scale, by its per-phase field name.
PHASE_SCALES: Final = {
    "import_wh": ENERGY_SCALE,
    "export_wh": ENERGY_SCALE,
    "max_w": POWER_SCALE,
    "min_w": POWER_SCALE,
    "avg_v": VOLT_SCALE,
    "avg_a": AMP_SCALE,
}
SCALES: Final = tuple(PHASE_SCALES[name[2:]] for name in VALUE_FIELDS)

Row = tuple[int, ...]


def encode(record: MinuteRecord) -> tuple[int, ...]:
    """Return the 18 integer columns of a record, in `VALUE_FIELDS` (= `MINUTE_COLUMNS`) order."""
    return tuple(
        round(getattr(record, name) * scale)
        for name, scale in zip(VALUE_FIELDS, SCALES, strict=True)
    )


def decode(meter: str, ts: int, columns: Row) -> MinuteRecord:
    """Rebuild a record from its 18 integer columns."""
    values = [value / scale for value, scale in zip(columns, SCALES, strict=True)]
    return record_from_values(meter, ts, values)
