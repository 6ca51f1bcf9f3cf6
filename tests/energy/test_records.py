from dataclasses import replace

import pytest

from wattboard.energy.records import MinuteRecord, invert_phases

# Phase a: 1 Wh in, 2 Wh out, max 30 W, min −40 W, 5 A; b and c 10× and 100× (V differs).
RECORD = MinuteRecord(
    "grid", 1_747_353_600,
    1.0, 2.0, 30.0, -40.0, 230.0, 5.0,
    10.0, 20.0, 300.0, -400.0, 231.0, 50.0,
    100.0, 200.0, 3000.0, -4000.0, 232.0, 500.0,
)  # fmt: skip


def test_invert_phases_none_returns_the_record_itself():
    assert invert_phases(RECORD, ()) is RECORD


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (
            ("b",),
            replace(
                RECORD,
                b_import_wh=20.0,  # was the export
                b_export_wh=10.0,  # was the import
                b_max_w=400.0,  # −(−400): the old minimum, negated
                b_min_w=-300.0,  # −300: the old maximum, negated
            ),
        ),
        (
            ("a", "c"),
            replace(
                RECORD,
                a_import_wh=2.0,
                a_export_wh=1.0,
                a_max_w=40.0,
                a_min_w=-30.0,
                c_import_wh=200.0,
                c_export_wh=100.0,
                c_max_w=4000.0,
                c_min_w=-3000.0,
            ),
        ),
    ],
)
def test_invert_phases_swaps_energies_and_negates_powers(phases, expected):
    assert invert_phases(RECORD, phases) == expected


def test_invert_phases_leaves_voltage_current_meter_and_ts():
    inverted = invert_phases(RECORD, ("a", "b", "c"))
    assert (inverted.meter, inverted.ts) == (RECORD.meter, RECORD.ts)
    assert (inverted.a_avg_v, inverted.b_avg_a, inverted.c_avg_v) == (230.0, 50.0, 232.0)


def test_invert_phases_net_changes_sign():
    assert invert_phases(RECORD, ("a", "b", "c")).net_wh == 111.0  # (2 + 20 + 200) − (1 + 10 + 100)


def test_invert_phases_repeated_phase_inverts_once():
    assert invert_phases(RECORD, ("b", "b")) == invert_phases(RECORD, ("b",))


def test_invert_phases_twice_restores_the_record():
    assert invert_phases(invert_phases(RECORD, ("a", "c")), ("c", "a")) == RECORD


def test_invert_phases_unknown_phase_raises():
    with pytest.raises(ValueError, match="unknown phases"):
        invert_phases(RECORD, ("d",))  # type: ignore[arg-type]
