"""Money of a bucket: its energy priced as the utility settles it (pure; no I/O).

See the README, "Money". Settlement follows netting: each settlement period's netted import and
export is priced at that period's price, and a minute of phase- or minute-netted energy takes
the price of the quarter (or hour) it lies in. Under `hour` netting with 15-minute prices an hour
is priced at the mean of its quarters' spot prices; under `15min` (or per minute) with hourly
prices each quarter takes its hour's price. Self-consumed solar is valued at the full import
price of its settlement period (`solar_savings`). Amounts add up like Wh, so buckets add up to
their period; a period without a price is left out and counted as unpriced, never priced as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from wattboard.energy.flows import settle
from wattboard.energy.periods import hour_key, hour_span
from wattboard.energy.sums import QUARTER, total

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from wattboard.energy.flows import Level
    from wattboard.energy.netting import Netting
    from wattboard.energy.prices import PricePoint
    from wattboard.energy.sums import MinuteSums
    from wattboard.energy.tariff import TariffBook

KWH: Final = 1000.0
HOUR: Final = 3600


@dataclass(frozen=True, slots=True)
class Money:
    """Amounts of a bucket in the site currency, incl. VAT where the tariff says so.

    `priced_wh` / `energy_wh`: energy (import + export + self-consumed) priced / in the bucket.
    """

    import_cost: float = 0.0
    export_revenue: float = 0.0
    fixed_fees: float = 0.0
    solar_savings: float = 0.0
    priced_wh: float = 0.0
    energy_wh: float = 0.0

    @property
    def net_cost(self) -> float:
        return self.import_cost + self.fixed_fees - self.export_revenue

    @property
    def priced(self) -> float | None:
        """Share of the energy priced, 0–1; None when the bucket has no energy."""
        if self.energy_wh <= 0.0:
            return None
        return min(1.0, self.priced_wh / self.energy_wh)

    def __add__(self, other: Money) -> Money:
        return Money(
            import_cost=self.import_cost + other.import_cost,
            export_revenue=self.export_revenue + other.export_revenue,
            fixed_fees=self.fixed_fees + other.fixed_fees,
            solar_savings=self.solar_savings + other.solar_savings,
            priced_wh=self.priced_wh + other.priced_wh,
            energy_wh=self.energy_wh + other.energy_wh,
        )


NO_MONEY: Final = Money()


def combine_money(items: Iterable[Money]) -> Money:
    """Add up the money of disjoint buckets."""
    result = NO_MONEY
    for item in items:
        result += item
    return result


class Pricer:
    """Full import and export prices per kWh of settlement spans, from spot prices and tariffs."""

    def __init__(self, points: Iterable[PricePoint], book: TariffBook) -> None:
        self.book = book
        # Each quarter's spot price: an hourly price covers its four quarters.
        self._spot: dict[int, float] = {}
        for point in points:
            for q in range(point.start, point.end, QUARTER):
                self._spot[q] = point.price
        self._cache: dict[tuple[int, int], tuple[float | None, float | None]] = {}

    def spot(self, start: int, end: int) -> float | None:
        """Return the mean spot price of the quarters of `[start, end)`; None if one has none."""
        prices = [self._spot.get(q) for q in range(start, end, QUARTER)]
        known = [p for p in prices if p is not None]
        if not known or len(known) != len(prices):
            return None
        return sum(known) / len(known)

    def quarter(self, q: int) -> tuple[float | None, float | None]:
        """Return the full (import, export) price per kWh of the quarter starting at `q`."""
        return self.book.prices(q, self._spot.get(q))

    def prices(self, start: int, end: int) -> tuple[float | None, float | None]:
        """Return the full (import, export) price per kWh of the settlement span `[start, end)`."""
        key = (start, end)
        found = self._cache.get(key)
        if found is None:
            spot = self._spot.get(start) if end - start == QUARTER else self.spot(start, end)
            found = self._cache[key] = self.book.prices(start, spot)
        return found


def energy_money(
    quarters: Mapping[int, MinuteSums],
    start: int,
    end: int,
    *,
    netting: Netting,
    pricer: Pricer,
) -> Money:
    """Return the money of the energy of `[start, end)` (fees excluded; see `TariffBook.fees`).

    Quarters are keyed by UTC quarter start; those outside the bucket are ignored. As with
    `bucket_flows`, a settlement period the bucket's edges cut through is shown minute-netted.
    """
    if netting != "hour":
        held = {q: sums for q, sums in quarters.items() if start <= q < end}
        return flows_money(quarter_flows(held, netting), pricer)
    inside = sorted(q for q in quarters if start <= q < end)
    zone = pricer.book.zone
    groups: dict[tuple[int, int], list[int]] = {}
    for q in inside:
        groups.setdefault(hour_key(q, zone), []).append(q)
    result = NO_MONEY
    for members in groups.values():
        first, last = hour_span(members[0], zone)
        whole = start <= first and last <= end
        result += _priced(
            total(quarters[q] for q in members),
            "period" if whole else "minute",
            pricer.prices(first, last),
        )
    return result


# A settled span: (UTC start, end, imported Wh, exported Wh, self-consumed Wh); a quarter at
# its netting's level, or a whole settlement hour.
QuarterFlows = tuple[int, int, float, float, float]


def quarter_flows(
    quarters: Mapping[int, MinuteSums], netting: Literal["phase", "minute", "15min"]
) -> list[QuarterFlows]:
    """Return each quarter's flows as `settle` gives them at the netting's level, by start."""
    rows = []
    for q in sorted(quarters):
        s = quarters[q]
        end = q + QUARTER
        if netting == "phase":
            rows.append((q, end, s.phase_import, s.phase_export, s.self_consumption_phase))
        elif netting == "minute":
            rows.append((q, end, s.minute_import, s.minute_export, s.self_consumption_minute))
        else:
            exported = max(0.0, -s.net)
            own = min(max(s.solar - exported, 0.0), s.solar)
            rows.append((q, end, max(0.0, s.net), exported, own))
    return rows


def hour_flows(rows: Iterable[tuple[int, float, float]], book: TariffBook) -> list[QuarterFlows]:
    """Settle sorted `(quarter start, Σ net, Σ solar)` rows per local hour (whole hours only)."""
    result: list[QuarterFlows] = []
    key: tuple[int, int] | None = None
    net = solar = 0.0
    for q, quarter_net, quarter_solar in rows:
        offset = book.offset(q)
        here = ((q + offset) // HOUR, offset)
        if here != key:
            if key is not None:
                result.append(_settled_hour(key, net, solar))
            key, net, solar = here, 0.0, 0.0
        net += quarter_net
        solar += quarter_solar
    if key is not None:
        result.append(_settled_hour(key, net, solar))
    return result


def _settled_hour(key: tuple[int, int], net: float, solar: float) -> QuarterFlows:
    start = key[0] * HOUR - key[1]
    exported = max(0.0, -net)
    return (start, start + HOUR, max(0.0, net), exported, min(max(solar - exported, 0.0), solar))


def flows_money(rows: Iterable[QuarterFlows], pricer: Pricer) -> Money:
    """Price quarters one by one (every netting but `hour`): the hot path of ten years' money."""
    cost = revenue = savings = priced = energy = 0.0
    for start, end, imported, exported, own in rows:
        if end - start == QUARTER:
            import_price, export_price = pricer.quarter(start)
        else:
            import_price, export_price = pricer.prices(start, end)
        energy += imported + exported + own
        if import_price is not None:
            cost += imported * import_price
            savings += own * import_price
            priced += imported + own
        if export_price is not None:
            revenue += exported * export_price
            priced += exported
    return Money(
        import_cost=cost / KWH,
        export_revenue=revenue / KWH,
        solar_savings=savings / KWH,
        priced_wh=priced,
        energy_wh=energy,
    )


def days_flows_money(
    rows: Sequence[QuarterFlows], days: Sequence[tuple[int, int]], pricer: Pricer
) -> list[Money]:
    """Return the money of each local day `[start, end)` (sorted) from sorted quarter flows."""
    result = []
    position = 0
    for day_start, day_end in days:
        while position < len(rows) and rows[position][0] < day_start:
            position += 1
        first = position
        while position < len(rows) and rows[position][0] < day_end:
            position += 1
        result.append(flows_money(rows[first:position], pricer))
    return result


def _priced(sums: MinuteSums, level: Level, prices: tuple[float | None, float | None]) -> Money:
    flows = settle(sums, level)
    import_price, export_price = prices
    energy = flows.grid_import + flows.grid_export + flows.self_consumption
    import_cost = export_revenue = savings = priced = 0.0
    if import_price is not None:
        import_cost = flows.grid_import * import_price / KWH
        savings = flows.self_consumption * import_price / KWH
        priced += flows.grid_import + flows.self_consumption
    if export_price is not None:
        export_revenue = flows.grid_export * export_price / KWH
        priced += flows.grid_export
    return Money(
        import_cost=import_cost,
        export_revenue=export_revenue,
        solar_savings=savings,
        priced_wh=priced,
        energy_wh=energy,
    )


def day_money(
    quarters: Mapping[int, MinuteSums],
    days: Sequence[tuple[int, int]],
    *,
    netting: Netting,
    pricer: Pricer,
) -> list[Money]:
    """Return the energy money of each local day `[start, end)` (settlement never crosses one)."""
    keys = sorted(quarters)
    result = []
    position = 0
    for day_start, day_end in days:
        members: dict[int, MinuteSums] = {}
        while position < len(keys) and keys[position] < day_end:
            if keys[position] >= day_start:
                members[keys[position]] = quarters[keys[position]]
            position += 1
        result.append(energy_money(members, day_start, day_end, netting=netting, pricer=pricer))
    return result
