"""What the API reads and writes, whatever keeps the data (SQLite on the Pi, MongoDB away)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from wattboard.energy.records import Role

if TYPE_CHECKING:
    from collections.abc import Sequence
    from zoneinfo import ZoneInfo

    from wattboard.energy.flows import Flows
    from wattboard.energy.money import Money
    from wattboard.energy.netting import Netting
    from wattboard.energy.prices import PricePoint
    from wattboard.energy.records import MinuteRecord
    from wattboard.energy.sums import MinuteSums
    from wattboard.energy.tariff import TariffBook


@dataclass(frozen=True, slots=True)
class MeterInfo:
    """A meter as stored: its id, role, the phases inverted in software, its newest minute."""

    id: str
    role: Role
    inverted: tuple[str, ...]
    last_record: int | None


@dataclass(frozen=True, slots=True)
class DayRow:
    """The settled flows of one local day (`present` meter-minutes; `expected` left to readers)."""

    day: str
    start: int
    end: int
    flows: Flows


class EnergyReader(Protocol):
    """Read side of a store: all the API's read endpoints need."""

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def netting(self) -> Netting: ...

    async def meters(self) -> list[MeterInfo]:
        """Return every meter with data or configuration, sorted by id."""
        ...

    async def expected_meters(self) -> int:
        """Return how many meters should record each minute (for coverage)."""
        ...

    async def quarter_sums(self, start: int, end: int) -> dict[int, MinuteSums]:
        """Return the quarter rollups with `start <= q < end`, keyed by UTC quarter start."""
        ...

    async def day_rows(self, start: int, end: int) -> list[DayRow]:
        """Return the local-day rollups whose day starts within `[start, end)`, oldest first."""
        ...

    async def day_sums(self, spans: Sequence[tuple[int, int]]) -> list[Flows]:
        """Return the summed day rollups of days starting within each `[start, end)` span."""
        ...

    async def money_days(self, start: int, end: int, book: TariffBook) -> list[tuple[int, Money]]:
        """Return `(day start, money of its energy, fees excluded)` of each day row in the span."""
        ...

    async def money_sums(self, spans: Sequence[tuple[int, int]], book: TariffBook) -> list[Money]:
        """Return the summed energy money of the day rows starting within each span."""
        ...

    async def readings(
        self, meter: str, start: int, end: int, *, limit: int, after: int | None = None
    ) -> list[MinuteRecord]:
        """Return a meter's records with `start <= ts < end` and `ts > after`, oldest first.

        An unknown meter raises `InvalidInputError("meter", ...)`.
        """
        ...

    async def span(self) -> tuple[int, int] | None:
        """Return the first and the last minute stored over all meters, or None when empty."""
        ...

    async def prices(self, start: int, end: int) -> list[PricePoint]:
        """Return the spot price periods with `start <= p.start < end`, oldest first."""
        ...


class EnergyWriter(EnergyReader, Protocol):
    """Write side, on the Pi only: every write refreshes the rollups in the same transaction."""

    async def upsert(self, records: Sequence[MinuteRecord]) -> int: ...

    async def delete(self, meter: str, start: int, end: int) -> int: ...

    async def put_prices(self, points: Sequence[PricePoint]) -> int:
        """Store spot prices (upsert by start, overlapping periods replaced); return rows."""
        ...
