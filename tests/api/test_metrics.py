"""Prometheus exposition: the collector's counts are counters, read at scrape time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prometheus_client import generate_latest

from wattboard.api.context import ApiContext
from wattboard.api.live import MeterCounts, NoLiveData
from wattboard.api.metrics import Metrics


@dataclass
class Counts:
    polls: int
    poll_failures: int
    records_ingested: int


class Counting(NoLiveData):
    """A view whose collector counted `counts` so far."""

    def __init__(self, counts: dict[str, Counts]) -> None:
        super().__init__()
        self.counts = counts

    def stats(self) -> Mapping[str, MeterCounts]:
        return self.counts


def test_metrics_collector_counts_are_counters_read_at_scrape_time() -> None:
    stats = {"grid": Counts(120, 3, 1440)}
    ctx = ApiContext("home", None, view=Counting(stats))  # type: ignore[arg-type]
    metrics = Metrics()
    metrics.refresh(ctx, {}, 0.0)
    first = generate_latest(metrics.registry).decode()
    stats["grid"] = Counts(121, 3, 1441)
    metrics.refresh(ctx, {}, 0.0)
    second = generate_latest(metrics.registry).decode()
    assert "# TYPE wattboard_polls_total counter" in first
    assert "# TYPE wattboard_poll_failures_total counter" in first
    assert "# TYPE wattboard_records_ingested_total counter" in first
    assert 'wattboard_polls_total{meter="grid"} 120.0' in first
    assert 'wattboard_poll_failures_total{meter="grid"} 3.0' in first
    assert 'wattboard_polls_total{meter="grid"} 121.0' in second
    assert 'wattboard_records_ingested_total{meter="grid"} 1441.0' in second
