"""Prometheus metrics of one app: its own registry, filled from the collector at scrape time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge, Histogram

if TYPE_CHECKING:
    from wattboard.api.context import ApiContext


class Metrics:
    """Gauges mirror the collector's counters (it keeps them; Prometheus only reads)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.polls = Gauge(
            "wattboard_polls_total", "Live polls per meter", ["meter"], registry=self.registry
        )
        self.failures = Gauge(
            "wattboard_poll_failures_total",
            "Failed live polls per meter",
            ["meter"],
            registry=self.registry,
        )
        self.ingested = Gauge(
            "wattboard_records_ingested_total",
            "Minute records stored",
            ["meter"],
            registry=self.registry,
        )
        self.age = Gauge(
            "wattboard_last_record_age_seconds",
            "Age of the newest stored minute",
            ["meter"],
            registry=self.registry,
        )
        self.lag = Gauge(
            "wattboard_replication_lag_seconds",
            "Wait of the oldest change not yet in the replica (cloud: time since the last sync)",
            registry=self.registry,
        )
        self.latency = Histogram(
            "wattboard_request_duration_seconds",
            "API request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )

    def refresh(self, ctx: ApiContext, last_records: dict[str, int | None], now: float) -> None:
        for meter, stats in ctx.stats().items():
            self.polls.labels(meter).set(stats.polls)
            self.failures.labels(meter).set(stats.poll_failures)
            self.ingested.labels(meter).set(stats.records_ingested)
        for meter, last in last_records.items():
            if last is not None:
                # A record covers [ts, ts+60): it is complete, and so "fresh", at ts + 60.
                self.age.labels(meter).set(max(0.0, now - (last + 60)))
        lag = ctx.replication_lag()
        if lag is not None:
            self.lag.set(lag)
