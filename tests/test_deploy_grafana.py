"""The Grafana dashboard: valid JSON whose expressions use only series that /metrics exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from wattboard.api.context import ApiContext
from wattboard.api.live import NoLiveData
from wattboard.api.metrics import Metrics
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.energy.counters import COUNTER_FLOWS

if TYPE_CHECKING:
    from collections.abc import Mapping

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana" / "wattboard.json"


class _Figures(NoLiveData):
    """A view with live power and energy counters, nothing else."""

    def __init__(self, live: LiveState, counters: Mapping[str, float]) -> None:
        super().__init__()
        self._live, self._counters = live, counters

    def power(self) -> LiveState:
        return self._live

    def energy_counters(self) -> Mapping[str, float]:
        return self._counters


def _exposed() -> set[str]:
    """Every sample name /metrics gives for a site with live power and energy counters."""
    live = LiveState()
    live.meters["grid"] = MeterLive("grid", 1.0)
    live.update("grid", MeterReading(0.0, {"a": PhaseReading(100.0, 230.0, 0.5)}))
    counters = dict.fromkeys(COUNTER_FLOWS, 1.0)
    ctx = ApiContext("home", None, view=_Figures(live, counters))  # type: ignore[arg-type]
    metrics = Metrics()
    metrics.latency.labels("/energy/day").observe(0.001)
    metrics.lag.set(0.0)
    metrics.refresh(ctx, {"grid": 0}, 120.0)
    text = generate_latest(metrics.registry).decode()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def _expressions(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for item in node for e in _expressions(item)]
    return []


def test_grafana_dashboard_uses_only_series_metrics_exposes() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = _expressions(dashboard["panels"])
    assert len(expressions) >= 5
    used = {name for e in expressions for name in re.findall(r"\bwattboard_[a-z0-9_]+", e)}
    missing = used - _exposed()
    assert missing == set()
    assert {"wattboard_site_power_watts", "wattboard_energy_wh_total"} <= used
    # Self-sufficiency comes from the counters: self-consumption over consumption.
    titles = {p["title"]: p for p in dashboard["panels"]}
    sufficiency = titles["Self-sufficiency, last 24 h"]["targets"][0]["expr"]
    assert 'flow="self_consumption"' in sufficiency
    assert 'flow="consumption"' in sufficiency
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
