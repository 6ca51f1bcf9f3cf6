"""Shelly Pro 3EM payloads typed at the edge, with validators that name the offending key.

Each `TypedDict` describes the bare result of one RPC method (docs/shelly-wire.md) as the GET form
of `/rpc/<Method>` returns it. Keys the device omits when empty (`errors`, `flags`) or that only
newer firmware sends (`ct_type`, `last_sync_ts`) are `NotRequired`; keys this program does not know
are dropped, so a firmware that adds fields still validates.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NotRequired, TypeVar

from pydantic import TypeAdapter, ValidationError

# pydantic needs typing_extensions' TypedDict on Python < 3.12 to see the fields.
from typing_extensions import TypedDict

from wattboard.exceptions import DeviceProtocolError

T = TypeVar("T")
Profile = Literal["triphase", "monophase"]

PHASE_KEYS: Final[tuple[str, ...]] = (
    "total_act_energy",
    "fund_act_energy",
    "total_act_ret_energy",
    "fund_act_ret_energy",
    "lag_react_energy",
    "lead_react_energy",
    "max_act_power",
    "min_act_power",
    "max_aprt_power",
    "min_aprt_power",
    "max_voltage",
    "min_voltage",
    "avg_voltage",
    "max_current",
    "min_current",
    "avg_current",
)
# docs/shelly-wire.md, "Record keys": the column order of a triphase record when the device omits
# `keys`.
TRIPHASE_KEYS: Final[tuple[str, ...]] = (
    *(f"{phase}_{key}" for phase in "abc" for key in PHASE_KEYS),
    "n_max_current",
    "n_min_current",
    "n_avg_current",
)
# docs/shelly-wire.md, "Monophase profile": an EM1Data record has no fund_* columns.
MONOPHASE_KEYS: Final[tuple[str, ...]] = tuple(key for key in PHASE_KEYS if "fund" not in key)


class DeviceInfo(TypedDict):
    """`Shelly.GetDeviceInfo` and `GET /shelly` (docs/shelly-wire.md, "Device info")."""

    name: str | None
    id: str
    mac: str
    slot: int
    model: str
    gen: int
    fw_id: str
    ver: str
    app: str
    auth_en: bool
    auth_domain: str | None
    profile: NotRequired[str]
    discoverable: NotRequired[bool]
    key: NotRequired[str]  # key, batch, fw_sbits: only with {"ident": true}
    batch: NotRequired[str]
    fw_sbits: NotRequired[str]


class EmStatus(TypedDict):
    """`EM.GetStatus` of the triphase `em:0`; powers signed, + is import.

    See docs/shelly-wire.md, "Live power: EM.GetStatus".
    """

    id: int
    a_current: float | None
    a_voltage: float | None
    a_act_power: float | None
    a_aprt_power: float | None
    a_pf: float | None
    a_freq: float | None
    a_errors: NotRequired[list[str]]
    a_flags: NotRequired[list[str]]
    b_current: float | None
    b_voltage: float | None
    b_act_power: float | None
    b_aprt_power: float | None
    b_pf: float | None
    b_freq: float | None
    b_errors: NotRequired[list[str]]
    b_flags: NotRequired[list[str]]
    c_current: float | None
    c_voltage: float | None
    c_act_power: float | None
    c_aprt_power: float | None
    c_pf: float | None
    c_freq: float | None
    c_errors: NotRequired[list[str]]
    c_flags: NotRequired[list[str]]
    n_current: float | None
    n_errors: NotRequired[list[str]]
    total_current: float
    total_act_power: float
    total_aprt_power: float
    user_calibrated_phase: NotRequired[list[str]]
    errors: NotRequired[list[str]]


class PhaseAlarms(TypedDict):
    """Alarm thresholds of one phase, each `[under, over]` or null."""

    voltage: list[float | None]
    current: list[float | None]
    power: list[float | None]


class EmConfig(TypedDict):
    """`EM.GetConfig` of `em:0` (docs/shelly-wire.md, "Live power: EM.GetStatus")."""

    id: int
    name: str | None
    # Plain strings: a new LED mode in a firmware must not make the meter unreadable.
    blink_mode_selector: str
    phase_selector: str
    monitor_phase_sequence: bool
    reverse: dict[str, bool]
    ct_type: NotRequired[str]
    alarms: NotRequired[dict[str, PhaseAlarms] | None]


class EmDataStatus(TypedDict):
    """`EMData.GetStatus`: the perpetual per-phase counters in Wh.

    See docs/shelly-wire.md, "Energy counters: EMData.GetStatus".
    """

    id: int
    a_total_act_energy: float
    a_total_act_ret_energy: float
    b_total_act_energy: float
    b_total_act_ret_energy: float
    c_total_act_energy: float
    c_total_act_ret_energy: float
    total_act: float
    total_act_ret: float
    errors: NotRequired[list[str]]


class RecordsBlock(TypedDict):
    """One contiguous run of stored records."""

    ts: int
    period: int
    records: int


class EmDataRecords(TypedDict):
    """`EMData.GetRecords` (docs/shelly-wire.md, "Minute records")."""

    data_blocks: list[RecordsBlock]


class DataBlock(TypedDict):
    """One block of `GetData` rows; row j belongs to `ts + j * period`."""

    ts: int
    period: int
    values: list[list[float]]


class EmDataPage(TypedDict):
    """`EMData.GetData` and `EM1Data.GetData`: one page of minute records.

    See docs/shelly-wire.md, "Minute records".
    """

    keys: NotRequired[list[str]]
    data: list[DataBlock]
    next_record_ts: NotRequired[int]


class SysStatus(TypedDict):
    """`Sys.GetStatus` (docs/shelly-wire.md, "Device info"); `time` is local, `unixtime` UTC."""

    mac: str
    restart_required: bool
    time: str | None
    unixtime: int | None
    last_sync_ts: NotRequired[int | None]
    uptime: int
    ram_size: int
    ram_free: int
    ram_min_free: NotRequired[int]
    fs_size: int
    fs_free: int
    cfg_rev: int
    kvs_rev: int
    schedule_rev: int
    webhook_rev: int
    btrelay_rev: NotRequired[int]
    available_updates: dict[str, Any]
    reset_reason: int
    utc_offset: NotRequired[int]


class Em1Status(TypedDict):
    """`EM1.GetStatus` of one monophase channel `em1:<id>`.

    See docs/shelly-wire.md, "Monophase profile".
    """

    id: int
    current: float | None
    voltage: float | None
    act_power: float | None
    aprt_power: float | None
    pf: float | None
    freq: float | None
    calibration: str
    errors: NotRequired[list[str]]
    flags: NotRequired[list[str]]


class Em1DataStatus(TypedDict):
    """`EM1Data.GetStatus`: the counters of one monophase channel.

    See docs/shelly-wire.md, "Monophase profile".
    """

    id: int
    total_act_energy: float
    total_act_ret_energy: float
    errors: NotRequired[list[str]]


_DEVICE_INFO: Final = TypeAdapter(DeviceInfo)
_EM_STATUS: Final = TypeAdapter(EmStatus)
_EM_CONFIG: Final = TypeAdapter(EmConfig)
_EMDATA_STATUS: Final = TypeAdapter(EmDataStatus)
_EMDATA_RECORDS: Final = TypeAdapter(EmDataRecords)
_DATA_PAGE: Final = TypeAdapter(EmDataPage)
_SYS_STATUS: Final = TypeAdapter(SysStatus)
_EM1_STATUS: Final = TypeAdapter(Em1Status)
_EM1DATA_STATUS: Final = TypeAdapter(Em1DataStatus)


def validate_device_info(payload: object) -> DeviceInfo:
    """Check a `Shelly.GetDeviceInfo` result."""
    return _validate(_DEVICE_INFO, payload, "Shelly.GetDeviceInfo")


def validate_em_status(payload: object) -> EmStatus:
    """Check an `EM.GetStatus` result."""
    return _validate(_EM_STATUS, payload, "EM.GetStatus")


def validate_em_config(payload: object) -> EmConfig:
    """Check an `EM.GetConfig` result."""
    return _validate(_EM_CONFIG, payload, "EM.GetConfig")


def validate_emdata_status(payload: object) -> EmDataStatus:
    """Check an `EMData.GetStatus` result."""
    return _validate(_EMDATA_STATUS, payload, "EMData.GetStatus")


def validate_emdata_records(payload: object) -> EmDataRecords:
    """Check an `EMData.GetRecords` result."""
    return _validate(_EMDATA_RECORDS, payload, "EMData.GetRecords")


def validate_data_page(
    payload: object,
    method: str = "EMData.GetData",
    default_keys: tuple[str, ...] = TRIPHASE_KEYS,
) -> EmDataPage:
    """Check a `GetData` page; a bad cell is named by its row ts and column key."""
    try:
        return _DATA_PAGE.validate_python(payload, strict=True)
    except ValidationError as err:
        where = _cell_name(payload, err.errors()[0]["loc"], default_keys)
        raise _protocol_error(method, err, where) from err


def validate_sys_status(payload: object) -> SysStatus:
    """Check a `Sys.GetStatus` result."""
    return _validate(_SYS_STATUS, payload, "Sys.GetStatus")


def validate_em1_status(payload: object) -> Em1Status:
    """Check an `EM1.GetStatus` result."""
    return _validate(_EM1_STATUS, payload, "EM1.GetStatus")


def validate_em1data_status(payload: object) -> Em1DataStatus:
    """Check an `EM1Data.GetStatus` result."""
    return _validate(_EM1DATA_STATUS, payload, "EM1Data.GetStatus")


def _validate(adapter: TypeAdapter[T], payload: object, method: str) -> T:
    # Strict: a device that sends "230.1" or true where a number belongs is not a Pro 3EM.
    try:
        return adapter.validate_python(payload, strict=True)
    except ValidationError as err:
        where = ".".join(str(part) for part in err.errors()[0]["loc"]) or "result"
        raise _protocol_error(method, err, where) from err


def _protocol_error(method: str, err: ValidationError, where: str) -> DeviceProtocolError:
    first = err.errors()[0]
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return DeviceProtocolError(f"{method}: key {where!r}: {first['msg']}{more}")


def _cell_name(payload: object, loc: tuple[int | str, ...], default_keys: tuple[str, ...]) -> str:
    """Name `data.<i>.values.<j>.<k>` as `row ts=<ts> column <key>`, other paths as dotted."""
    dotted = ".".join(str(part) for part in loc) or "result"
    if len(loc) != 5 or loc[0] != "data" or loc[2] != "values" or not isinstance(payload, dict):
        return dotted
    try:
        block = payload["data"][loc[1]]
        ts = block["ts"] + int(loc[3]) * block["period"]
        name = (payload.get("keys") or default_keys)[int(loc[4])]
    except (KeyError, IndexError, TypeError, ValueError):
        return dotted
    return f"row ts={ts} column {name}"
