"""JSON numbers as the device writes them."""

from __future__ import annotations

import json

from wattboard.simulator.wire import Fixed, dumps, trimmed


def test_dumps_keeps_fixed_decimals() -> None:
    text = dumps({"current": Fixed(0.02, 3), "pf": Fixed(0.0, 2), "n_current": None, "ok": True})
    assert text == '{"current":0.020,"pf":0.00,"n_current":null,"ok":true}'
    assert json.loads(text)["current"] == 0.02


def test_trimmed_matches_record_formatting() -> None:
    assert [trimmed(v) for v in (0.0, 60.7312, 4379.4, 227.053)] == [
        "0",
        "60.7312",
        "4379.4",
        "227.053",
    ]
