"""The doctor's wiring rules (`wattboard.setup.wiring`) on a day of stored minutes; pure.

The doctor judges live samples taken at one moment; a day of minutes holds both the hours a
solar clamp shows itself (production) and those a grid clamp does (night, when every phase
imports). So the minutes are split: the solar meters are judged on the minutes with
production, the grid meter on those without. Each minute's average power per phase is its
energy × 60 (Wh per minute to W), with the configured inversions already applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from wattboard.alerts.rules import ClampSuspect
from wattboard.energy.records import MinuteRecord, Role
from wattboard.setup.wiring import MIN_PRODUCTION_W, Powers, Sample, Suspect, judge

# Fewer minutes than this in a half (day or night) leave that half unjudged.
MIN_MINUTES: Final = 30


def powers(record: MinuteRecord) -> Powers:
    """Return a minute's average power per phase in W (+ import, − export)."""
    return (
        (record.a_import_wh - record.a_export_wh) * 60.0,
        (record.b_import_wh - record.b_export_wh) * 60.0,
        (record.c_import_wh - record.c_export_wh) * 60.0,
    )


def clamp_suspects(
    roles: Mapping[str, Role], minutes: Mapping[str, Sequence[MinuteRecord]]
) -> tuple[ClampSuspect, ...] | None:
    """Return the reversed clamps the rules find, or None when there is too little to judge."""
    by_ts: dict[int, dict[str, Powers]] = {}
    for meter, records in minutes.items():
        for record in records:
            by_ts.setdefault(record.ts, {})[meter] = powers(record)
    solar = [m for m, role in roles.items() if role == "solar"]
    # Every meter's minute is needed to compare them; a minute missing one is left out.
    samples = [Sample(p) for _, p in sorted(by_ts.items()) if all(meter in p for meter in roles)]
    # Magnitudes: a solar clamp turned round reads production as a draw, still production.
    day: list[Sample] = []
    night: list[Sample] = []
    for sample in samples:
        produced = sum(abs(w) for meter in solar for w in sample.powers[meter])
        (day if produced >= MIN_PRODUCTION_W else night).append(sample)
    found: list[ClampSuspect] = []
    judged = False
    if solar and len(day) >= MIN_MINUTES:
        judged = True
        verdict = judge(roles, day)
        found += [_suspect(s) for s in verdict.suspects if roles[s.meter] == "solar"]
    if len(night) >= MIN_MINUTES:
        judged = True
        verdict = judge(roles, night)
        found += [_suspect(s) for s in verdict.suspects if roles[s.meter] == "grid"]
    return tuple(found) if judged else None


def _suspect(suspect: Suspect) -> ClampSuspect:
    return ClampSuspect(suspect.meter, suspect.phase, suspect.reason)
