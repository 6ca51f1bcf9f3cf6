"""The one backoff of the meter client and the replicator: doubling, cap, random share."""

from __future__ import annotations

from wattboard.backoff import Backoff


def test_backoff_delay_doubles_and_jitters_within_half() -> None:
    low = Backoff(base=0.25, jitter=lambda: 0.0)
    high = Backoff(base=0.25, jitter=lambda: 1.0)
    assert [low.delay(n) for n in range(3)] == [0.125, 0.25, 0.5]  # half of 0.25 × 2ⁿ
    assert [high.delay(n) for n in range(3)] == [0.25, 0.5, 1.0]  # all of 0.25 × 2ⁿ


def test_backoff_delay_is_capped() -> None:
    backoff = Backoff(base=1.0, cap=5.0, jitter=lambda: 1.0)
    assert backoff.delay(10) == 5.0  # 1 × 2¹⁰ = 1024 s, capped
