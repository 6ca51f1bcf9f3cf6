"""The money cache: each local day's energy priced once under a tariff book, and sums of spans.

Pricing ten years of quarters takes seconds, so a day is priced once and forgotten when its
minutes or prices change (here, or in another process: then all of them).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

from wattboard.energy.money import Money, Pricer, combine_money, days_flows_money, hour_flows
from wattboard.energy.periods import HOUR
from wattboard.energy.tariff import TariffBook
from wattboard.store.sqlite.core import DAY
from wattboard.store.sqlite.prices import Prices
from wattboard.store.sqlite.rollups import SUMS_KEPT, Rollups

MONEY_CHUNK_DAYS: Final = 92  # days priced per read of quarters and prices (about 9000 quarters)
# `price_some` prices this many days at a time (about 2 ms each on a PC, more on a Pi) and starts
# no new slice after MONEY_SLICE seconds: with the slice in flight, a write queued behind it on
# the store's thread waits about 100 ms at most.
MONEY_SLICE_DAYS: Final = 14
MONEY_SLICE: Final = 0.075
# A quarter's (import, export, self-consumption) as `settle` gives them at each netting's level.
_QUARTER_FLOWS: Final = {
    "phase": "start + 900, phase_import, phase_export, self_consumption_phase",
    "minute": "start + 900, minute_import, minute_export, self_consumption_minute",
    "15min": "start + 900, max(net, 0.0), max(-net, 0.0), "
    "min(max(solar - max(-net, 0.0), 0.0), solar)",
    "hour": "net, solar",  # settled per local hour by `hour_flows`
}


class MoneyCache(Prices, Rollups):
    """Money of the day rollups under a tariff book, kept per day and per asked span."""

    # Money of each local day (by its start) under `_money_book`, and sums of spans of them.
    _day_money: dict[int, Money]
    _money_sums: dict[tuple[int, int], Money]
    _money_book: TariffBook | None
    _money_version: tuple[int, int]

    def _init_caches(self) -> None:
        super()._init_caches()
        self._day_money = {}
        self._money_sums = {}
        self._money_book = None
        self._money_version = (-1, -1)

    def _day_changed(self, start: int) -> None:
        super()._day_changed(start)
        self._day_money.pop(start, None)

    def _prices_changed(self, start: int, end: int) -> None:
        """Forget the money of the days holding `[start, end)` (their prices changed)."""
        super()._prices_changed(start, end)
        for day in [d for d in self._day_money if start - 2 * DAY < d < end]:
            self._day_money.pop(day)

    def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        """Return `(day start, money of its energy)` of each day row starting in `[start, end)`."""
        self._check_money(book)
        return self._money_days(start, end)

    def price_some(
        self, start: int, end: int, book: TariffBook, *, budget: float | None = None
    ) -> bool:
        """Price unpriced day rows of `[start, end)` for about `budget` seconds; True when done.

        At least one slice is priced per call, so calling again until True always finishes.
        """
        self._check_money(book)
        missing = [span for span in self._day_spans(start, end) if span[0] not in self._day_money]
        deadline = time.perf_counter() + (MONEY_SLICE if budget is None else budget)
        for index in range(0, len(missing), MONEY_SLICE_DAYS):
            if index and time.perf_counter() >= deadline:
                return False
            self._price_days(missing[index : index + MONEY_SLICE_DAYS])
        return True

    def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        """Return the summed money of the day rows starting within each `[start, end)` span."""
        self._check_money(book)
        result = []
        for span in spans:
            money = self._money_sums.get(span)
            if money is None:
                days = self._money_days(*span)
                money = self._money_sums[span] = combine_money(m for _, m in days)
            result.append(money)
        return result

    def _check_money(self, book: TariffBook) -> None:
        version = (
            self._db.total_changes,
            int(self._db.execute("PRAGMA data_version").fetchone()[0]),
        )
        # This connection's writes forget the days they touch; another process's cannot.
        if book is not self._money_book or version[1] != self._money_version[1]:
            self._day_money.clear()
        if book is not self._money_book or version != self._money_version:
            self._money_sums.clear()
        if len(self._money_sums) > SUMS_KEPT:
            self._money_sums.clear()
        self._money_book, self._money_version = book, version

    def _day_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return `(start, end)` of each day row starting within `[start, end)`, oldest first."""
        rows = self._db.execute(
            "SELECT start, end FROM days WHERE day >= ? AND day <= ? AND start >= ? AND start < ? "
            "ORDER BY day",
            (self._day_key(start), self._day_key(end), start, end),
        ).fetchall()
        return [(int(s), int(e)) for s, e in rows]

    def _money_days(self, start: int, end: int) -> list[tuple[int, Money]]:
        spans = self._day_spans(start, end)
        missing = [span for span in spans if span[0] not in self._day_money]
        for index in range(0, len(missing), MONEY_CHUNK_DAYS):
            self._price_days(missing[index : index + MONEY_CHUNK_DAYS])
        return [(s, self._day_money[s]) for s, _ in spans]

    def _price_days(self, days: list[tuple[int, int]]) -> None:
        book = self._money_book
        if book is None or not days:
            return
        first, last = days[0][0], days[-1][1]
        # An hourly price point starts up to an hour before a quarter it covers.
        pricer = Pricer(self.prices(first - HOUR, last), book)
        # Settled by SQLite, hours added up here: no MinuteSums built for years of quarters.
        query = (
            f"SELECT start, {_QUARTER_FLOWS[self.netting]} FROM quarters "
            "WHERE start >= ? AND start < ? ORDER BY start"
        )
        rows = self._db.execute(query, (first, last)).fetchall()
        flows = hour_flows(rows, book) if self.netting == "hour" else rows
        priced = days_flows_money(flows, days, pricer)
        for (start, _), money in zip(days, priced, strict=True):
            self._day_money[start] = money
