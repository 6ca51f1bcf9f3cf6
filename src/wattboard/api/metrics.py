"""Prometheus metrics of one app: its own registry, filled from the collector at scrape time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from wattboard.api.context import ApiContext
    from wattboard.api.live import LivePower, MeterCounts


class _CollectorCounters(Collector):
    """The collector's own counters as Prometheus counters, read from it at scrape time.

    They are counters (they only grow while a process runs), but the collector keeps them, so
    they cannot be `Counter`s that this module increments: a custom collector reports them.
    """

    def __init__(self) -> None:
        self.stats: Mapping[str, MeterCounts] = {}

    def collect(self) -> Iterator[CounterMetricFamily]:
        polls = CounterMetricFamily("wattboard_polls", "Live polls per meter", labels=["meter"])
        failures = CounterMetricFamily(
            "wattboard_poll_failures", "Failed live polls per meter", labels=["meter"]
        )
        ingested = CounterMetricFamily(
            "wattboard_records_ingested", "Minute records stored", labels=["meter"]
        )
        for meter, stats in self.stats.items():
            polls.add_metric([meter], stats.polls)
            failures.add_metric([meter], stats.poll_failures)
            ingested.add_metric([meter], stats.records_ingested)
        yield from (polls, failures, ingested)


class _SiteFigures(Collector):
    """The product's own figures: live power per meter and phase, site power, energy counters.

    The energy counters are real counters: the lifetime counters the MQTT bridge publishes,
    which never go down (their published marks are kept in the store, across restarts).
    """

    def __init__(self) -> None:
        self.live: LivePower | None = None
        self.energy: Mapping[str, float] | None = None

    def collect(self) -> Iterator[Metric]:
        power = GaugeMetricFamily(
            "wattboard_power_watts",
            "Latest active power per meter and phase in W (+ import, - export)",
            labels=["meter", "phase"],
        )
        site = GaugeMetricFamily(
            "wattboard_site_power_watts",
            "Site power in W: grid (+ import, - export), solar, home",
            labels=["flow"],
        )
        energy = CounterMetricFamily(
            "wattboard_energy_wh",
            "Lifetime energy in Wh by flow, netted in the site's netting mode; never decreases",
            labels=["flow"],
        )
        live = self.live
        if live is not None:
            for meter, state in sorted(live.meters.items()):
                if state.reading is None or state.stale:
                    continue  # no reading, or an old one: absent rather than wrong
                for phase, reading in sorted(state.reading.phases.items()):
                    power.add_metric([meter, phase], reading.w)
            if any(m.reading is not None for m in live.meters.values()):
                flow = live.flow()
                site.add_metric(["grid"], flow.grid_w)
                site.add_metric(["solar"], flow.solar_w)
                site.add_metric(["home"], flow.home_w)
        for name, wh in (self.energy or {}).items():
            energy.add_metric([name], wh)
        yield from (power, site, energy)


class Metrics:
    """The collector's counters, gauges of record age and replication lag, request latency."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.counters = _CollectorCounters()
        self.registry.register(self.counters)
        self.figures = _SiteFigures()
        self.registry.register(self.figures)
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
        self.counters.stats = ctx.view.stats()
        self.figures.live = ctx.view.power()
        self.figures.energy = ctx.view.energy_counters()
        for meter, last in last_records.items():
            if last is not None:
                # A record covers [ts, ts+60): it is complete, and so "fresh", at ts + 60.
                self.age.labels(meter).set(max(0.0, now - (last + 60)))
        lag = ctx.view.replication_lag()
        if lag is not None:
            self.lag.set(lag)
