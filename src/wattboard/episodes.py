"""Log a failing meter once per episode, not once per poll."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Episode:
    """Tracks one activity of one meter (live polling, ingestion) through failure and recovery."""

    what: str
    log: logging.Logger
    failing_since: float | None = None
    failures: int = 0
    last_error: str = ""

    def failed(self, error: Exception) -> None:
        """Count a failure; only the first of an episode is logged as a warning."""
        self.failures += 1
        self.last_error = str(error)
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            self.log.warning("%s failing: %s", self.what, error)
        else:
            self.log.debug("%s still failing (%d): %s", self.what, self.failures, error)

    def succeeded(self) -> None:
        """End an episode: say once that the meter is back and how long it was gone."""
        if self.failing_since is not None:
            gone = time.monotonic() - self.failing_since
            self.log.info(
                "%s back after %.0f s (%d failed attempts)", self.what, gone, self.failures
            )
        self.failing_since = None
        self.failures = 0
        self.last_error = ""

    @property
    def failing(self) -> bool:
        return self.failing_since is not None
