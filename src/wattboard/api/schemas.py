"""The API's response and request bodies (DESIGN §4); FastAPI turns them into the OpenAPI schema."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wattboard.energy.plausible import MAX_AMPS, MAX_VOLTS, MAX_WATTS, MAX_WH_PER_MINUTE

FLOW_FIELDS_DOC = "Energies in Wh; ratios and coverage 0..1, null when undefined."


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None


class FlowsOut(BaseModel):
    grid_import: float
    grid_export: float
    solar: float
    consumption: float
    self_consumption: float
    self_sufficiency: float | None
    self_consumption_ratio: float | None
    coverage: float | None


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
    unit: Literal["Wh"] = "Wh"
    totals: FlowsOut
    buckets: list[BucketOut]


class PhaseOut(BaseModel):
    phase: Literal["a", "b", "c"]
    w: float
    v: float
    a: float


class MeterPowerOut(BaseModel):
    id: str
    role: Literal["grid", "solar"]
    ts: float | None = Field(description="When this meter's reading arrived (epoch seconds)")
    online: bool
    stale: bool
    total_w: float | None
    phases: list[PhaseOut]


class PeakOut(BaseModel):
    grid_w: float
    solar_w: float
    home_w: float


class PowerNowOut(BaseModel):
    ts: float
    time: str
    grid_w: float
    solar_w: float
    home_w: float
    stale: bool
    age_s: float | None
    max_1m: PeakOut | None
    meters: list[MeterPowerOut]


class PowerBucketOut(BaseModel):
    start: str
    end: str
    start_ts: int
    end_ts: int
    grid_avg_w: float | None
    grid_max_w: float | None
    solar_avg_w: float | None
    solar_max_w: float | None
    home_avg_w: float | None
    home_max_w: float | None
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


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    site: str
    store: StoreOut
    meters: list[HealthMeterOut]
    replication: ReplicationOut


class MeterOut(BaseModel):
    id: str
    role: Literal["grid", "solar"]
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
    """The per-phase values of a minute record (device names in DESIGN §4)."""

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

    @field_validator("ts")
    @classmethod
    def _minute(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be the start of a minute (a multiple of 60)")
        return value


class ReadingOut(ReadingIn):
    model_config = ConfigDict(extra="ignore")

    time: str


class ReadingsPage(BaseModel):
    items: list[ReadingOut]
    next_cursor: str | None


class WriteResult(BaseModel):
    stored: int = 0
    deleted: int = 0
