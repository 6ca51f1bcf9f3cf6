"""Minute records to compact integer rows and back (units in `schema`)."""

from __future__ import annotations

from typing import Final

from wattboard.energy.records import MinuteRecord

ENERGY_SCALE: Final = 10_000  # 0.1 mWh: the device's four decimals of Wh, exactly
POWER_SCALE: Final = 10  # dW
VOLT_SCALE: Final = 10  # dV
AMP_SCALE: Final = 1000  # mA
SCALES: Final = (ENERGY_SCALE, ENERGY_SCALE, POWER_SCALE, POWER_SCALE, VOLT_SCALE, AMP_SCALE) * 3

Row = tuple[int, ...]


def encode(record: MinuteRecord) -> tuple[int, ...]:
    """Return the 18 integer columns of a record, phase by phase."""
    r = record
    return (
        round(r.a_import_wh * ENERGY_SCALE),
        round(r.a_export_wh * ENERGY_SCALE),
        round(r.a_max_w * POWER_SCALE),
        round(r.a_min_w * POWER_SCALE),
        round(r.a_avg_v * VOLT_SCALE),
        round(r.a_avg_a * AMP_SCALE),
        round(r.b_import_wh * ENERGY_SCALE),
        round(r.b_export_wh * ENERGY_SCALE),
        round(r.b_max_w * POWER_SCALE),
        round(r.b_min_w * POWER_SCALE),
        round(r.b_avg_v * VOLT_SCALE),
        round(r.b_avg_a * AMP_SCALE),
        round(r.c_import_wh * ENERGY_SCALE),
        round(r.c_export_wh * ENERGY_SCALE),
        round(r.c_max_w * POWER_SCALE),
        round(r.c_min_w * POWER_SCALE),
        round(r.c_avg_v * VOLT_SCALE),
        round(r.c_avg_a * AMP_SCALE),
    )


def decode(meter: str, ts: int, columns: Row) -> MinuteRecord:
    """Rebuild a record from its 18 integer columns."""
    values = [value / scale for value, scale in zip(columns, SCALES, strict=True)]
    return MinuteRecord(meter, ts, *values)
