"""Exponential backoff with jitter: the one retry pause of the meter client and the replicator."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """`base` × 2^attempt, capped at `cap`, less a random share of at most `spread` of it.

    The random share keeps clients that failed together (many meters after a router restart,
    many Pis after a cluster outage) from retrying in step. `sleep` and `jitter` (0..1) are
    injectable for tests.
    """

    base: float = 0.25
    cap: float = 5.0
    spread: float = 0.5
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int) -> float:
        """Return the pause before retry `attempt` (0 = the first retry)."""
        ceiling = min(self.cap, self.base * 2.0**attempt)
        return ceiling * (1.0 - self.spread * (1.0 - self.jitter()))
