"""JSON as the device writes it: fixed decimals with trailing zeros kept.

See docs/shelly-wire.md, "Numbers on the wire".
"""

from __future__ import annotations

import json
import math
from typing import Any, Self


class Fixed(float):
    """A float that serialises with a fixed number of decimals, like `"current":0.020`."""

    decimals: int

    def __new__(cls, value: float, decimals: int) -> Self:
        obj = super().__new__(cls, round(value, decimals))
        obj.decimals = decimals
        return obj


def dumps(value: Any) -> str:
    """Serialise to compact JSON, honouring `Fixed` decimals and trimming other floats."""
    return "".join(_encode(value))


def _encode(value: Any) -> list[str]:
    if isinstance(value, dict):
        parts = ["{"]
        for index, (key, item) in enumerate(value.items()):
            if index:
                parts.append(",")
            parts.append(json.dumps(str(key)))
            parts.append(":")
            parts.extend(_encode(item))
        parts.append("}")
        return parts
    if isinstance(value, list | tuple):
        parts = ["["]
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            parts.extend(_encode(item))
        parts.append("]")
        return parts
    return [_scalar(value)]


def _scalar(value: Any) -> str:
    if isinstance(value, Fixed):
        return f"{value:.{value.decimals}f}"
    if isinstance(value, float):
        return trimmed(value)
    return json.dumps(value)


def trimmed(value: float) -> str:
    """Format a float the way the device's records do: `0`, `60.7312`, `4379.4`."""
    if not math.isfinite(value):
        return "null"
    if value == int(value):
        return str(int(value))
    return repr(value)
