"""Pure parts of the doctor: which missing minutes the meter can still give."""

from __future__ import annotations

from pathlib import Path

from wattboard.setup.checks import Finding, as_json, healthy, held_spans, missing_runs
from wattboard.shelly.models import RecordsBlock

T0 = 1_748_736_000  # 2025-06-01 00:00 UTC


def block(ts: int, records: int) -> RecordsBlock:
    return {"ts": ts, "period": 60, "records": records}


def test_checks_held_spans_from_records_blocks() -> None:
    blocks = [block(T0, 10), block(T0 + 3600, 5), block(T0 + 7200, 0)]
    assert held_spans(blocks) == [(T0, T0 + 600), (T0 + 3600, T0 + 3900)]


def test_checks_missing_runs_are_grouped() -> None:
    held = [(T0, T0 + 600)]  # 10 minutes
    stored = [T0 + 60 * i for i in (0, 1, 4, 5, 9)]
    assert missing_runs(held, stored, T0, T0 + 600) == [
        (T0 + 120, T0 + 240),  # minutes 2, 3
        (T0 + 360, T0 + 540),  # minutes 6, 7, 8
    ]


def test_checks_missing_runs_only_within_window_and_held() -> None:
    held = [(T0, T0 + 600), (T0 + 1200, T0 + 1500)]
    # The window starts mid-block and ends mid-second-block; the hole between blocks is the
    # meter's own (not held), so it is not fillable.
    assert missing_runs(held, [], T0 + 300, T0 + 1320) == [
        (T0 + 300, T0 + 600),
        (T0 + 1200, T0 + 1320),
    ]


def test_checks_missing_runs_aligns_an_unaligned_start() -> None:
    assert missing_runs([(T0, T0 + 300)], [], T0 + 1, T0 + 300) == [(T0 + 60, T0 + 300)]


def test_checks_healthy_only_without_problems() -> None:
    ok = [Finding("a", "ok", "x"), Finding("b", "warn", "y"), Finding("c", "info", "z")]
    assert healthy(ok)
    bad = [*ok, Finding("d", "problem", "w", "do this")]
    assert not healthy(bad)
    report = as_json(bad, Path("/etc/wattboard/wattboard.toml"))
    assert report["healthy"] is False
    assert report["findings"][-1] == {
        "check": "d",
        "status": "problem",
        "detail": "w",
        "fix": "do this",
    }  # type: ignore[index]
