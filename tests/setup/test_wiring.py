"""The clamp plausibility rules, with the numbers that decide each case."""

from __future__ import annotations

import pytest

from wattboard.setup.wiring import Powers, Sample, judge

SOLAR_ONLY = {"solar": "solar"}
SITE = {"grid": "grid", "solar": "solar"}


def samples(*powers: dict[str, Powers]) -> list[Sample]:
    return [Sample(p) for p in powers]


def steady(n: int = 5, **powers: Powers) -> list[Sample]:
    return [Sample(dict(powers)) for _ in range(n)]


def test_wiring_solar_producing_on_every_phase_is_plausible() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(-1000.0, -1000.0, -1000.0)))
    assert verdict.suspects == ()
    assert verdict.medians["solar"] == (-1000.0, -1000.0, -1000.0)


def test_wiring_solar_phase_opposite_to_the_others_is_reversed() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(-1000.0, 1000.0, -1000.0)))
    (suspect,) = verdict.suspects
    assert (suspect.meter, suspect.phase, suspect.share) == ("solar", "b", 1.0)
    assert "imports 1000 W while phases a 1000 W and c 1000 W export" in suspect.reason
    assert verdict.proposed_inversion("solar") == ["b"]


def test_wiring_solar_phase_opposite_below_standby_is_still_caught() -> None:
    # 30 W import alone is within what an inverter could draw (< 50 W), but not while the
    # other two phases export 400 W each (S2: > 20 W against < −20 W).
    verdict = judge(SOLAR_ONLY, steady(solar=(-400.0, -400.0, 30.0)))
    assert [s.phase for s in verdict.suspects] == ["c"]


def test_wiring_solar_all_phases_drawing_means_all_reversed() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(900.0, 900.0, 900.0)))
    assert verdict.proposed_inversion("solar") == ["a", "b", "c"]
    assert not any("swap" in note for note in verdict.notes)  # equal phases: an inverter


def test_wiring_solar_drawing_unequally_suggests_swapped_meters() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(300.0, 1200.0, 80.0)))
    assert len(verdict.suspects) == 3
    assert any("swap the two meters' URLs" in note for note in verdict.notes)


def test_wiring_solar_at_night_cannot_be_judged() -> None:
    # A reversed clamp at night reads −2 W instead of +2 W: nothing tells them apart.
    verdict = judge(SOLAR_ONLY, steady(solar=(-2.0, 2.0, 2.0)))
    assert verdict.suspects == ()
    assert any("too little to check" in note and "2 W" in note for note in verdict.notes)


def test_wiring_single_phase_inverter_is_plausible() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(-2000.0, 3.0, 3.0)))
    assert verdict.suspects == ()


def test_wiring_solar_standby_draw_is_plausible() -> None:
    verdict = judge(SOLAR_ONLY, steady(solar=(40.0, 0.0, 0.0)))  # 40 W < 50 W standby limit
    assert verdict.suspects == ()


def test_wiring_grid_phase_exporting_at_night_is_reversed() -> None:
    verdict = judge(SITE, steady(grid=(-60.0, 45.0, 80.0), solar=(2.0, 2.0, 2.0)))
    (suspect,) = verdict.suspects
    assert (suspect.meter, suspect.phase) == ("grid", "a")
    assert "exports 60 W while the panels produce 0 W" in suspect.reason


def test_wiring_grid_export_covered_by_production_is_plausible() -> None:
    # 900 W and 800 W out on a and c while the panels make 3 × 1000 W: legitimate export.
    verdict = judge(SITE, steady(grid=(-900.0, 200.0, -800.0), solar=(-1000.0, -1000.0, -1000.0)))
    assert verdict.suspects == ()
    assert any("after dark" in note for note in verdict.notes)


def test_wiring_grid_phase_exporting_more_than_produced_is_reversed() -> None:
    # Phase b carries a 5000 W load and 1000 W of the production: it imports 4000 W, and the
    # reversed clamp reads −4000 W: more than the 3000 W + 300 W (10 %) the panels make.
    verdict = judge(SITE, steady(grid=(-800.0, -4000.0, -700.0), solar=(-1000.0, -1000.0, -1000.0)))
    assert [(s.meter, s.phase) for s in verdict.suspects] == [("grid", "b")]
    assert "exports 4000 W while the panels produce 3000 W" in verdict.suspects[0].reason


def test_wiring_grid_check_uses_corrected_solar_readings() -> None:
    # Solar b reads +1000 W (reversed): corrected, the panels make 3000 W, which covers the
    # 2500 W grid export of phase a; uncorrected they would seem to make only 2000 W.
    verdict = judge(SITE, steady(grid=(-2500.0, 300.0, 300.0), solar=(-1000.0, 1000.0, -1000.0)))
    assert [(s.meter, s.phase) for s in verdict.suspects] == [("solar", "b")]


def test_wiring_grid_without_solar_meter_is_not_judged() -> None:
    verdict = judge({"grid": "grid"}, steady(grid=(-500.0, 100.0, 100.0)))
    assert verdict.suspects == ()
    assert any("no solar meter" in note for note in verdict.notes)


def test_wiring_transient_is_outvoted() -> None:
    # A kettle on phase a between two reads: 1 sample of 5 (20 %) is below the 60 % majority.
    normal = {"grid": (300.0, 45.0, 80.0), "solar": (2.0, 2.0, 2.0)}
    odd = {"grid": (-300.0, 45.0, 80.0), "solar": (2.0, 2.0, 2.0)}
    verdict = judge(SITE, samples(normal, normal, odd, normal, normal))
    assert verdict.suspects == ()


def test_wiring_majority_decides() -> None:
    normal = {"grid": (300.0, 45.0, 80.0), "solar": (2.0, 2.0, 2.0)}
    odd = {"grid": (-300.0, 45.0, 80.0), "solar": (2.0, 2.0, 2.0)}
    verdict = judge(SITE, samples(odd, odd, odd, normal, normal))  # 3 of 5 = 60 %
    assert [s.share for s in verdict.suspects] == [pytest.approx(0.6)]


def test_wiring_configured_inversion_is_toggled() -> None:
    # Readings with the configured inversion applied still show b reversed: the fix is to
    # take b out of invert_phases, not to add it again.
    verdict = judge(SOLAR_ONLY, steady(solar=(-1000.0, 1000.0, -1000.0)))
    assert verdict.proposed_inversion("solar", ["b"]) == []
    assert verdict.proposed_inversion("solar", ["a"]) == ["a", "b"]


def test_wiring_meter_that_never_answered_is_noted() -> None:
    verdict = judge(SITE, steady(grid=(300.0, 45.0, 80.0)))
    assert verdict.suspects == ()
    assert any("solar meter solar: no readings" in note for note in verdict.notes)
    assert "solar" not in verdict.medians
