"""Is a clamp mounted the wrong way round? Plausibility rules on sampled live power; pure.

Sign convention (docs/shelly-wire.md, "Live power: EM.GetStatus"): + is power flowing through the
clamp towards the house (import), − the other way (export). A solar meter sits on the inverter's
feed with its clamps towards the house, so production reads negative on it. Samples carry the
configured `invert_phases` already.

Rules; a phase is suspect when its rule holds in at least `MAJORITY` of the samples, so that a
cloud edge or a kettle switching between two reads does not decide:

Solar meter
  S1 draws power: the phase reads above +`STANDBY_MAX_W`. An inverter draws a few watts for
     itself at night (4–9 W over three phases in the emulator, similar on real ones); a steady
     draw beyond that is production seen backwards.
  S2 opposite the others: the phase reads above +`ACTIVE_W` while both other phases read below
     −`ACTIVE_W`. A three-phase inverter feeds every phase the same way.
Grid meter, judged after the solar suspects are corrected
  G1 exports more than the panels make: a grid phase exports E W while all solar meters together
     produce P W, and E > P + max(`ACTIVE_W`, 10 % of P). Whatever leaves the house must have
     been produced behind the grid meter; the house's load only lowers the export. A reversed
     grid clamp reads that phase's load minus its share of production, negated. At night P ≈ 0,
     so every reversed phase carrying more than 20 W of load is caught; by day only when the
     phase's load is well above what the panels make, so a daytime check says it was partial.

Not judged (a note instead of a proposal): a solar meter producing under `MIN_PRODUCTION_W`
(night, snow, heavy cloud), since a reversed clamp there reads a few watts either way; a site
without a solar meter, where an exporting grid phase cannot be told from a reversed clamp.
Out of scope: a hybrid inverter charging its battery from the grid draws power legitimately on
its feed; S1 flags it, and the note of the proposal says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from wattboard.energy.records import PHASES, Phase, Role

Powers = tuple[float, float, float]

ACTIVE_W: Final = 20.0
STANDBY_MAX_W: Final = 50.0
MIN_PRODUCTION_W: Final = 60.0
MAJORITY: Final = 0.6
GRID_MARGIN: Final = 0.1


@dataclass(frozen=True, slots=True)
class Sample:
    """Signed active power (W) per phase a, b, c of each meter that answered at one instant."""

    powers: Mapping[str, Powers]


@dataclass(frozen=True, slots=True)
class Suspect:
    """A phase whose clamp looks reversed, why, and in what share of the samples."""

    meter: str
    phase: Phase
    reason: str
    share: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """The suspects, the notes on what could not be judged, and each meter's median power."""

    suspects: tuple[Suspect, ...]
    notes: tuple[str, ...]
    medians: Mapping[str, Powers]

    def flips(self, meter: str) -> set[Phase]:
        """Return the phases of `meter` whose readings look reversed."""
        return {s.phase for s in self.suspects if s.meter == meter}

    def proposed_inversion(self, meter: str, configured: Iterable[Phase] = ()) -> list[Phase]:
        """Return the `invert_phases` that would fix `meter`, given the configured ones."""
        return sorted(set(configured) ^ self.flips(meter))


def judge(roles: Mapping[str, Role], samples: Sequence[Sample]) -> Verdict:
    """Apply the rules of this module to samples of the meters in `roles`."""
    suspects: list[Suspect] = []
    notes: list[str] = []
    solar_ids = [meter for meter, role in roles.items() if role == "solar"]
    for meter in solar_ids:
        found, note = _judge_solar(meter, _series(samples, meter))
        suspects += found
        notes += note
    corrected = [_corrected(sample, suspects) for sample in samples]
    for meter in (meter for meter, role in roles.items() if role == "grid"):
        found, note = _judge_grid(meter, solar_ids, corrected)
        suspects += found
        notes += note
    medians = {meter: _medians(series) for meter in roles if (series := _series(samples, meter))}
    return Verdict(tuple(suspects), tuple(notes), medians)


# -- solar ---------------------------------------------------------------------------------------


def _judge_solar(meter: str, series: list[Powers]) -> tuple[list[Suspect], list[str]]:
    if not series:
        return [], [f"solar meter {meter}: no readings, so its clamps were not checked"]
    medians = _medians(series)
    suspects = []
    for i, phase in enumerate(PHASES):
        share = sum(_draws(p, i) or _opposite(p, i) for p in series) / len(series)
        if share >= MAJORITY:
            suspects.append(Suspect(meter, phase, _solar_reason(medians, i), share))
    notes = []
    production = _production(medians)
    if not suspects and production < MIN_PRODUCTION_W:
        notes.append(
            f"solar meter {meter}: the panels produce {production:.0f} W now (night or heavy "
            "cloud), too little to check its clamps; check again in daylight with "
            "`wattboard doctor`"
        )
    if len(suspects) == len(PHASES) and _unequal(medians):
        notes.append(
            f"solar meter {meter}: all three phases draw power, and unequally "
            f"({_watts(medians)}); if this is really the grid meter, swap the two meters' "
            "URLs instead of inverting clamps"
        )
    if suspects:
        notes.append(
            f"solar meter {meter}: a hybrid inverter charging a battery from the grid draws "
            "power legitimately; ignore the proposal if that is the case"
        )
    return suspects, notes


def _draws(p: Powers, i: int) -> bool:
    return p[i] > STANDBY_MAX_W


def _opposite(p: Powers, i: int) -> bool:
    others = [p[j] for j in range(3) if j != i]
    return p[i] > ACTIVE_W and all(w < -ACTIVE_W for w in others)


def _solar_reason(medians: Powers, i: int) -> str:
    phase = PHASES[i]
    others = [(PHASES[j], medians[j]) for j in range(3) if j != i]
    if all(w < -ACTIVE_W for _, w in others):
        exports = " and ".join(f"{name} {-w:.0f} W" for name, w in others)
        return (
            f"phase {phase} imports {medians[i]:.0f} W while phases {exports} export; "
            "an inverter feeds every phase the same way"
        )
    return (
        f"phase {phase} draws {medians[i]:.0f} W; an inverter uses only a few watts itself, "
        "so this clamp sees its production backwards"
    )


def _unequal(medians: Powers) -> bool:
    return max(medians) > 1.3 * min(medians)


# -- grid ----------------------------------------------------------------------------------------


def _judge_grid(
    meter: str, solar_ids: list[str], samples: list[Sample]
) -> tuple[list[Suspect], list[str]]:
    if not solar_ids:
        note = (
            f"grid meter {meter}: no solar meter to compare with, so an exporting phase "
            "cannot be told from a reversed clamp"
        )
        return [], [note]
    pairs = [
        (s.powers[meter], sum(_production(s.powers[m]) for m in solar_ids))
        for s in samples
        if meter in s.powers and all(m in s.powers for m in solar_ids)
    ]
    if not pairs:
        return [], [f"grid meter {meter}: no readings together with the solar meters"]
    suspects = []
    production = statistics.median(made for _, made in pairs)
    medians = _medians([grid for grid, _ in pairs])
    for i, phase in enumerate(PHASES):
        share = sum(_exports_too_much(grid[i], made) for grid, made in pairs) / len(pairs)
        if share >= MAJORITY:
            reason = (
                f"phase {phase} exports {-medians[i]:.0f} W while the panels produce "
                f"{production:.0f} W; no more can leave the house than is produced in it"
            )
            suspects.append(Suspect(meter, phase, reason, share))
    notes = []
    if not suspects and production >= MIN_PRODUCTION_W:
        notes.append(
            f"grid meter {meter}: checked against {production:.0f} W of production; a reversed "
            "grid clamp shows for sure only at night, when every phase imports: run "
            "`wattboard doctor` after dark to confirm"
        )
    return suspects, notes


def _exports_too_much(grid_w: float, produced_w: float) -> bool:
    return -grid_w > produced_w + max(ACTIVE_W, GRID_MARGIN * produced_w)


# -- helpers -------------------------------------------------------------------------------------


def _series(samples: Sequence[Sample], meter: str) -> list[Powers]:
    return [s.powers[meter] for s in samples if meter in s.powers]


def _medians(series: list[Powers]) -> Powers:
    a, b, c = (statistics.median(p[i] for p in series) for i in range(3))
    return (a, b, c)


def _production(powers: Powers) -> float:
    """Return what a solar meter's phases feed out (W), ignoring phases that draw."""
    return sum(max(0.0, -w) for w in powers)


def _corrected(sample: Sample, suspects: Sequence[Suspect]) -> Sample:
    """Return the sample as it would read with the suspect clamps turned round."""
    flips = {(s.meter, s.phase) for s in suspects}
    if not flips:
        return sample
    powers = {meter: _flip(meter, p, flips) for meter, p in sample.powers.items()}
    return Sample(powers)


def _flip(meter: str, p: Powers, flips: set[tuple[str, Phase]]) -> Powers:
    a, b, c = (-w if (meter, phase) in flips else w for phase, w in zip(PHASES, p, strict=True))
    return (a, b, c)


def _watts(p: Powers) -> str:
    return ", ".join(f"{phase} {w:.0f} W" for phase, w in zip(PHASES, p, strict=True))
