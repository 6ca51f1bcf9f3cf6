"""The API's response and request bodies; FastAPI turns them into the OpenAPI schema.

See the README, "The API".
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)

from wattboard.energy.plausible import MAX_AMPS, MAX_VOLTS, MAX_WATTS, MAX_WH_PER_MINUTE
from wattboard.energy.records import Role

FLOW_FIELDS_DOC = "Energies in Wh; ratios and coverage 0..1, null when undefined."


def _round(digits: int) -> PlainSerializer:
    # Sums of floats print as 369.59999999999997: every body rounds at the edge instead.
    return PlainSerializer(lambda v: None if v is None else round(v, digits), return_type=float)


Watts = Annotated[float, _round(1), Field(description="W, to 0.1 W")]
WattHours = Annotated[float, _round(3), Field(description="Wh, to 0.001 Wh")]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None


Amount = Annotated[float, Field(description="In the currency, incl. VAT where due, to 0.0001")]
PerKwh = Annotated[float, Field(description="Per kWh in the currency, to 0.000001")]


class MoneyOut(BaseModel):
    """The bucket's energy in money, with the tariffs valid then (see the README, "Money")."""

    currency: str
    import_cost: Amount
    export_revenue: Amount
    fixed_fees: Amount = Field(description="Monthly fees, shared per day and pro rata per hour")
    net_cost: Amount = Field(description="import_cost + fixed_fees - export_revenue")
    solar_savings: Amount = Field(
        description="Self-consumed solar at the full import price of its settlement period"
    )
    priced: float | None = Field(
        description=(
            "Share 0..1 of the energy (import + export + self-consumed) that had a price;"
            " null when the bucket has no energy. Unpriced energy counts as no money, not zero"
        )
    )


class FlowsOut(BaseModel):
    grid_import: WattHours
    grid_export: WattHours
    solar: WattHours
    consumption: WattHours
    self_consumption: WattHours
    self_sufficiency: float | None
    self_consumption_ratio: float | None
    coverage: float | None
    money: MoneyOut | None = Field(default=None, description="Null when no tariff is configured")


class BucketOut(FlowsOut):
    key: str
    start: str
    end: str
    start_ts: int
    end_ts: int


class EnergyOut(BaseModel):
    period: Literal["day", "week", "month", "year", "years", "range"]
    key: str
    timezone: str
    netting: str
    start: str
    end: str
    start_ts: int
    end_ts: int
    first_ts: int | None = Field(
        description=(
            "The site's first record (epoch seconds), or null before any. Coverage counts from"
            " it: a bucket that ends before it is before this installation, not missing data"
        )
    )
    unit: Literal["Wh"] = "Wh"
    totals: FlowsOut
    buckets: list[BucketOut]


class PricePeriodOut(BaseModel):
    start: str
    end: str
    start_ts: int
    end_ts: int
    spot: PerKwh = Field(description="The spot price per kWh, excl. VAT, as published")
    import_price: PerKwh | None = Field(
        description="Full price per kWh imported: every component and VAT; null without a tariff"
    )
    export_price: PerKwh | None = Field(
        description="Full price per kWh exported: every component and VAT; null without a tariff"
    )


class PricesOut(BaseModel):
    currency: str | None = Field(description="The tariff's currency; null without a tariff")
    timezone: str
    start: str
    end: str
    periods: list[PricePeriodOut]


class PhaseOut(BaseModel):
    phase: Literal["a", "b", "c"]
    w: Watts
    v: float
    a: float


class MeterPowerOut(BaseModel):
    id: str
    role: Role
    ts: float | None = Field(description="When this meter's reading arrived (epoch seconds)")
    online: bool
    stale: bool
    total_w: Watts | None
    phases: list[PhaseOut]


class PeakOut(BaseModel):
    grid_w: Watts
    solar_w: Watts
    home_w: Watts


class PowerNowOut(BaseModel):
    ts: float
    time: str
    grid_w: Watts
    solar_w: Watts
    home_w: Annotated[Watts, Field(ge=0, description="W, never negative (see /health)")]
    stale: bool
    age_s: float | None = Field(
        description="Age of the oldest meter reading the powers combine, in seconds"
    )
    max_1m: PeakOut | None
    meters: list[MeterPowerOut]


class PowerBucketOut(BaseModel):
    start: str
    end: str
    start_ts: int
    end_ts: int
    grid_avg_w: Watts | None
    grid_max_w: Watts | None
    solar_avg_w: Watts | None
    solar_max_w: Watts | None
    home_avg_w: Watts | None
    home_max_w: Watts | None
    coverage: float | None


class PowerDayOut(BaseModel):
    date: str
    timezone: str
    resolution: Literal["1m", "5m", "15m"]
    buckets: list[PowerBucketOut]


class ImplausibleOut(BaseModel):
    start: str
    start_ts: int
    reason: str


class HealthMeterOut(BaseModel):
    id: str
    online: bool | None
    backfilling: bool = Field(
        default=False, description="Its history is still being fetched: recent days are partial"
    )
    last_record: str | None
    last_record_ts: int | None
    implausible: list[ImplausibleOut] = Field(
        default_factory=list,
        description="The newest minutes dropped for a value no meter can measure (at most 10)",
    )


class StoreOut(BaseModel):
    backend: Literal["sqlite", "mongodb"]
    problem: str | None = Field(
        default=None, description="Why minutes are not being stored now, e.g. 'disk full: ...'"
    )


class ReplicationOut(BaseModel):
    lag_s: float | None
    failing_s: float | None = Field(
        description="How long replication has been failing; null while it works"
    )


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"] = Field(
        description="degraded while any reason is listed; the server still answers (HTTP 200)"
    )
    reasons: list[str] = Field(
        description="Why the status is degraded, one sentence each: a meter offline, "
        "replication failing, the disk nearly full, inconsistent live power",
    )
    version: str
    site: str
    store: StoreOut
    meters: list[HealthMeterOut]
    replication: ReplicationOut


class MeterOut(BaseModel):
    id: str
    role: Role
    model: str | None
    profile: str | None
    invert_phases: list[str]
    online: bool | None
    last_record: str | None
    last_record_ts: int | None


# The physical bounds of a meter's own records (energy.plausible): what no Pro 3EM can measure
# is refused here as it is dropped from the meters.
Energy = Annotated[float, Field(ge=0, le=MAX_WH_PER_MINUTE, description="Wh in the minute")]
Power = Annotated[float, Field(ge=-MAX_WATTS, le=MAX_WATTS, description="W")]
Volts = Annotated[float, Field(ge=0, le=MAX_VOLTS, description="V")]
Amps = Annotated[float, Field(ge=0, le=MAX_AMPS, description="A")]


class ReadingValues(BaseModel):
    """The per-phase values of a minute record, as the readings endpoints send them."""

    model_config = ConfigDict(extra="forbid")

    a_import_wh: Energy
    a_export_wh: Energy
    a_max_w: Power
    a_min_w: Power
    a_avg_v: Volts
    a_avg_a: Amps
    b_import_wh: Energy
    b_export_wh: Energy
    b_max_w: Power
    b_min_w: Power
    b_avg_v: Volts
    b_avg_a: Amps
    c_import_wh: Energy
    c_export_wh: Energy
    c_max_w: Power
    c_min_w: Power
    c_avg_v: Volts
    c_avg_a: Amps

    @field_validator("*")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class ReadingIn(ReadingValues):
    meter: str = Field(min_length=1, max_length=32)
    ts: int = Field(ge=0, le=2**37, description="UTC epoch seconds of the minute start")
    time: str | None = Field(
        default=None,
        description="Optional, as GET /readings returns it: must name the same instant as ts",
    )

    @field_validator("ts")
    @classmethod
    def _minute(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be the start of a minute (a multiple of 60)")
        return value

    @field_validator("time")
    @classmethod
    def _time_agrees(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Records read with GET /readings go back unchanged; a `time` that disagrees with `ts`
        # is an edit gone wrong, and guessing which of the two was meant would hide it.
        ts = info.data.get("ts")
        if value is None or ts is None:  # ts itself invalid: its own error says so
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 time; leave it out or send "
                "e.g. 2025-05-16T12:00:00+03:00"
            ) from None
        if moment.tzinfo is None:
            raise ValueError(f"{value!r} needs its UTC offset, e.g. {value}+03:00")
        if moment.timestamp() != ts:
            shown = datetime.fromtimestamp(ts, moment.tzinfo).isoformat()
            raise ValueError(
                f"{value} is not the instant of ts {ts} ({shown}); correct one of them or "
                "leave time out"
            )
        return value


class ReadingOut(ReadingIn):
    model_config = ConfigDict(extra="ignore")

    time: str  # always present in a response


class ReadingsPage(BaseModel):
    items: list[ReadingOut]
    next_cursor: str | None


class WriteResult(BaseModel):
    stored: int = 0
    deleted: int = 0
