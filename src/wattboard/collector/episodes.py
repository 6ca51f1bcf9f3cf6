"""Where `Episode` used to live; it is `wattboard.episodes` now (the replicator uses it too)."""

from __future__ import annotations

from wattboard.episodes import Episode

__all__ = ["Episode"]
