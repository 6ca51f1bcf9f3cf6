"""Start once, end once, repeat at most every N hours, per rule and subject."""

from __future__ import annotations

import pytest

from wattboard.alerts.rules import Problem
from wattboard.alerts.tracker import Tracker

T0 = 1_767_225_600.0
HOUR = 3600.0


def _problem(subject: str = "grid", body: str = "down") -> Problem:
    return Problem("meter_offline", subject, f"Meter {subject} offline", body, "back.")


@pytest.mark.parametrize(
    ("repeat_h", "holds_at", "expected"),
    [
        # (offsets in hours at which the problem holds; it is gone at the next step)
        (4, [0, 1, 3.99], ["start", "end"]),
        (4, [0, 4], ["start", "repeat", "end"]),
        # repeats at 6 h (6 h after the start) and 11.9 h (5.9 h after the last repeat)
        (4, [0, 3, 6, 8, 11.9], ["start", "repeat", "repeat", "end"]),
        (0, [0, 5, 50, 500], ["start", "end"]),  # 0: never repeat
        (1, [0], ["start", "end"]),
    ],
)
def test_tracker_step_repeat_table(
    repeat_h: float, holds_at: list[float], expected: list[str]
) -> None:
    tracker = Tracker("home", repeat_h * HOUR)
    kinds = []
    for offset in holds_at:
        kinds += [m.kind for m in tracker.step([_problem()], T0 + offset * HOUR)]
    kinds += [m.kind for m in tracker.step([], T0 + (holds_at[-1] + 0.5) * HOUR)]
    assert kinds == expected


def test_tracker_step_one_start_and_one_end_per_subject() -> None:
    tracker = Tracker("home", 24 * HOUR)
    first = tracker.step([_problem("grid")], T0)
    both = tracker.step([_problem("grid"), _problem("solar")], T0 + 30)
    grid_gone = tracker.step([_problem("solar")], T0 + 90)
    again = tracker.step([_problem("solar")], T0 + 120)
    assert [(m.kind, m.subject) for m in first] == [("start", "grid")]
    assert [(m.kind, m.subject) for m in both] == [("start", "solar")]
    assert [(m.kind, m.subject) for m in grid_gone] == [("end", "grid")]
    assert again == []


def test_tracker_step_messages_carry_site_times_and_texts() -> None:
    tracker = Tracker("home", 4 * HOUR)
    (start,) = tracker.step([_problem(body="down 11 min")], T0)
    (repeat,) = tracker.step([_problem(body="down 4 h")], T0 + 4 * HOUR)
    (end,) = tracker.step([], T0 + 5 * HOUR)
    assert (start.heading, start.body, start.since, start.at) == (
        "[home] Meter grid offline",
        "down 11 min",
        T0,
        T0,
    )
    assert (repeat.heading, repeat.body, repeat.since) == (
        "[home] Still: Meter grid offline",
        "down 4 h",
        T0,
    )
    assert (end.heading, end.body, end.since, end.at) == (
        "[home] Resolved: Meter grid offline",
        "back. The problem lasted 5.0 h.",
        T0,
        T0 + 5 * HOUR,
    )


def test_tracker_step_dates_a_problem_from_its_age() -> None:
    tracker = Tracker("home", 24 * HOUR)
    away = Problem("meter_offline", "grid", "Meter grid offline", "down", "back.", age=600.0)
    (start,) = tracker.step([away], T0)
    (end,) = tracker.step([], T0 + 300)
    assert (start.since, start.at) == (T0 - 600, T0)
    assert end.body == "back. The problem lasted 15 min."
