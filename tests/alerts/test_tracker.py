"""Start once, end once, repeat at most every N hours, per rule and subject."""

from __future__ import annotations

import json
from typing import Any

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


def _restarted(before: Tracker, now: float, grace: float = 600.0) -> Tracker:
    after = Tracker("home", before.repeat_s)
    after.resume(json.loads(json.dumps(before.saved())), now, grace)
    return after


def test_tracker_resume_a_lasting_problem_gets_no_new_start_and_keeps_its_repeats() -> None:
    before = Tracker("home", 4 * HOUR)
    before.step([_problem()], T0)
    before.step([_problem()], T0 + 4 * HOUR)  # the first repeat
    after = _restarted(before, T0 + 5 * HOUR)
    assert after.step([_problem()], T0 + 5 * HOUR) == []
    assert after.step([_problem()], T0 + 7.9 * HOUR) == []
    (repeat,) = after.step([_problem()], T0 + 8 * HOUR)  # 4 h after the repeat before it
    (end,) = after.step([], T0 + 9 * HOUR)
    assert (repeat.kind, repeat.since) == ("repeat", T0)
    assert (end.kind, end.since, end.body) == ("end", T0, "back. The problem lasted 9.0 h.")


def test_tracker_resume_ends_a_problem_not_seen_again_within_the_grace() -> None:
    before = Tracker("home", 24 * HOUR)
    before.step([_problem("grid"), _problem("solar")], T0)
    restart = T0 + HOUR
    after = _restarted(before, restart, grace=600.0)
    # The grid meter's rule needs minutes after the restart to find it offline again; the
    # solar meter answers. Neither ends before the grace is over.
    assert after.step([], restart + 30) == []
    assert after.step([_problem("grid")], restart + 599) == []
    (end,) = after.step([_problem("grid")], restart + 600)
    assert (end.kind, end.subject, end.since) == ("end", "solar", T0)
    assert after.step([_problem("grid")], restart + 900) == []
    assert [m.kind for m in after.step([], restart + 960)] == ["end"]


@pytest.mark.parametrize(
    "row",
    [
        {"rule": "meter_offline", "subject": "grid", "title": "t", "body": "b", "since": 1.0},
        {"rule": 1, "subject": "grid", "title": "t", "body": "b", "resolved": "r", "since": 1.0},
        {"rule": "r", "subject": "s", "title": "t", "body": "b", "resolved": "r", "since": "1"},
        {"rule": "r", "subject": "s", "title": "t", "body": "b", "resolved": "r", "since": True},
    ],
)
def test_tracker_resume_refuses_a_malformed_row_and_takes_nothing(row: dict[str, Any]) -> None:
    good = {"rule": "r", "subject": "x", "title": "t", "body": "b", "resolved": "r", "since": 1.0}
    tracker = Tracker("home", HOUR)
    with pytest.raises(ValueError, match="open problem 1: expected rule, subject"):
        tracker.resume([{**good, "sent": 1.0}, {"sent": 1.0, **row}], T0, 60.0)
    assert tracker.open == {}
