"""Load the real Shelly Pro 3EM payloads under tests/fixtures/shelly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[1] / "fixtures" / "shelly"
PAGE_TS = (1739876580, 1739876940, 1739877300, 1739877660)  # four consecutive real pages


def load(relative: str) -> Any:
    """Return the JSON fixture at `relative` (under tests/fixtures/shelly)."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
