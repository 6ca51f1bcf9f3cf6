"""Every rule on a table of facts: which problems hold, for which subject, saying what."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from wattboard.alerts.rules import (
    ClampSuspect,
    Facts,
    LostSpan,
    MeterFacts,
    Problem,
    duration,
    evaluate,
)
from wattboard.config import AlertSettings

NOW = 1_767_225_600.0  # 2026-01-01 00:00 UTC, 02:00 in Helsinki
ZONE = ZoneInfo("Europe/Helsinki")
# Every rule off: each case turns on the one it tests.
OFF = {
    "meter_offline_minutes": 0,
    "replication_failing_minutes": 0,
    "lost_minutes_hours": 0,
    "reversed_clamp": False,
    "disk_free_mb": 0,
    "store_failing": False,
}


def _facts(**kwargs: object) -> Facts:
    return Facts(now=NOW, zone=ZONE, **kwargs)  # type: ignore[arg-type]


def _keys(rules: dict[str, object], facts: Facts) -> list[tuple[str, str]]:
    return [p.key for p in evaluate(AlertSettings(**{**OFF, **rules}), facts)]


GRID = MeterFacts("grid", "grid", 0.0)


@pytest.mark.parametrize(
    ("rules", "facts", "expected"),
    [
        # meter offline: strictly more than N minutes unseen
        ({"meter_offline_minutes": 10}, _facts(meters=(MeterFacts("grid", "grid", 600.0),)), []),
        (
            {"meter_offline_minutes": 10},
            _facts(meters=(MeterFacts("grid", "grid", 601.0), MeterFacts("pv", "solar", 5.0))),
            [("meter_offline", "grid")],
        ),
        ({"meter_offline_minutes": 0}, _facts(meters=(MeterFacts("grid", "grid", 1e6),)), []),
        # replication failing
        ({"replication_failing_minutes": 30}, _facts(replication_failing_s=None), []),
        ({"replication_failing_minutes": 30}, _facts(replication_failing_s=1800.0), []),
        (
            {"replication_failing_minutes": 30},
            _facts(replication_failing_s=1801.0),
            [("replication_failing", "mongodb")],
        ),
        # minutes lost: while the newest loss is younger than the hold time
        (
            {"lost_minutes_hours": 24},
            _facts(lost=(LostSpan("grid", 0, 600, "not recorded by the meter", NOW - 86_399),)),
            [("lost_minutes", "grid")],
        ),
        (
            {"lost_minutes_hours": 24},
            _facts(lost=(LostSpan("grid", 0, 600, "not recorded by the meter", NOW - 86_401),)),
            [],
        ),
        # reversed clamp: one problem per meter, only once judged
        ({"reversed_clamp": True}, _facts(clamps=None), []),
        ({"reversed_clamp": True}, _facts(clamps=()), []),
        (
            {"reversed_clamp": True},
            _facts(clamps=(ClampSuspect("pv", "b", "x"), ClampSuspect("pv", "c", "y"))),
            [("reversed_clamp", "pv")],
        ),
        # disk nearly full: below the threshold
        ({"disk_free_mb": 1024}, _facts(disk_free=2**30), []),
        ({"disk_free_mb": 1024}, _facts(disk_free=2**30 - 1), [("disk_low", "store")]),
        ({"disk_free_mb": 1024}, _facts(disk_free=None), []),
        # store failing
        ({"store_failing": True}, _facts(store_problem=None), []),
        (
            {"store_failing": True},
            _facts(store_problem="disk full: x"),
            [("store_failing", "store")],
        ),
        ({"store_failing": False}, _facts(store_problem="disk full: x"), []),
    ],
)
def test_evaluate_table(
    rules: dict[str, object], facts: Facts, expected: list[tuple[str, str]]
) -> None:
    assert _keys(rules, facts) == expected


def _grid(*watts: float | None, step: float = 30.0) -> tuple[tuple[float, float | None], ...]:
    """Samples `step` s apart, the last at NOW."""
    return tuple((NOW - step * (len(watts) - 1 - i), w) for i, w in enumerate(watts))


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ((), []),
        # 5 min above 3000 W: 11 samples 30 s apart span exactly 300 s
        (_grid(*[3500.0] * 11), [("import_above", "grid")]),
        (_grid(*[3500.0] * 10), []),  # 270 s only
        (_grid(2000.0, *[3500.0] * 10), []),  # the run started 270 s ago
        (_grid(*[3500.0] * 10, 3000.0), []),  # at the limit is not above it
        (_grid(*[3500.0] * 5, None, *[3500.0] * 5), []),  # the meter was away: run broken
        (_grid(*[-3500.0] * 11), [("export_above", "grid")]),
    ],
)
def test_grid_power_table(
    samples: tuple[tuple[float, float | None], ...], expected: list[tuple[str, str]]
) -> None:
    rules = {"import_above_w": 3000, "import_minutes": 5, "export_above_w": 3000}
    rules["export_minutes"] = 5
    assert _keys(rules, _facts(grid_w=samples)) == expected


def test_grid_power_off_by_default() -> None:
    assert _keys({}, _facts(grid_w=_grid(*[1e5] * 100))) == []


def test_defaults_are_sensible() -> None:
    rules = AlertSettings()
    assert (rules.meter_offline_minutes, rules.replication_failing_minutes) == (10, 30)
    assert (rules.disk_free_mb, rules.repeat_hours, rules.check_seconds) == (1024, 24, 30)
    assert rules.reversed_clamp
    assert rules.store_failing
    assert (rules.import_above_w, rules.export_above_w) == (0, 0)


def test_meter_offline_texts() -> None:
    facts = _facts(meters=(MeterFacts("grid", "grid", 750.0),))
    (problem,) = evaluate(AlertSettings(**{**OFF, "meter_offline_minutes": 10}), facts)
    assert problem == Problem(
        "meter_offline",
        "grid",
        "Meter grid offline",
        "The grid meter grid has not answered for 12 min. Its live power is missing meanwhile; "
        "the meter keeps its minute records (about 60 days) and Wattboard fetches them when it "
        "answers again. Check the meter's power supply and network.",
        "The grid meter grid answers again; the minutes it kept meanwhile are being fetched.",
        750.0,
    )


def test_lost_minutes_text_names_spans_in_local_time() -> None:
    lost = (
        LostSpan("grid", 1_767_218_400, 1_767_219_000, "not recorded by the meter", NOW - 60),
        LostSpan("grid", 1_767_222_000, 1_767_222_060, "implausible value from the meter", NOW),
    )
    (problem,) = evaluate(AlertSettings(**{**OFF, "lost_minutes_hours": 24}), _facts(lost=lost))
    assert problem.body == (
        "11 minute(s) of meter grid can no longer be stored: 2026-01-01 "
        "00:00-00:10: not recorded by the meter; 2026-01-01 01:00-01:01: implausible value from "
        "the meter. The days concerned show a coverage below 100 %."
    )


def test_grid_power_text() -> None:
    rules = AlertSettings(**OFF, import_above_w=3000, import_minutes=5)
    (problem,) = evaluate(rules, _facts(grid_w=_grid(*[3500.0] * 12, 4100.0)))
    assert problem.title == "Grid import above 3000 W"
    assert (
        problem.body == "The home has drawn from the grid more than 3000 W for 6 min (now 4100 W)."
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45 s"), (119, "119 s"), (120, "2 min"), (7199, "120 min"), (7200, "2.0 h"),
     (172_800, "2.0 days")],
)  # fmt: skip
def test_duration_table(seconds: float, text: str) -> None:
    assert duration(seconds) == text
