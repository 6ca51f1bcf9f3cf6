"""The RPC methods of an emulated Pro 3EM, shared by every channel (HTTP GET/POST, WebSocket)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from wattboard.energy.records import PHASES
from wattboard.simulator.device import ENERGY_COLUMNS, EmulatedMeter
from wattboard.simulator.memory import PERIOD
from wattboard.simulator.minutes import KEYS

PAGE_RECORDS: Final = 6  # a real Pro 3EM returns six records per EMData.GetData response
NET_PERIODS: Final = (300, 900, 1800, 3600)
NET_PAGE: Final = 100
NET_KEYS: Final = ("a_net_act_energy", "b_net_act_energy", "c_net_act_energy")
OPEN_METHODS: Final = frozenset({"shelly.getdeviceinfo"})


class RpcError(Exception):
    """An error the device answers with: `{"code": .., "message": ..}`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


Handler = Callable[[EmulatedMeter, dict[str, Any]], Any]


def call(meter: EmulatedMeter, method: str, params: dict[str, Any]) -> Any:
    """Run `method` (matched case-insensitively, as Mongoose does) and return its result."""
    handler = HANDLERS.get(method.lower())
    if handler is None:
        raise RpcError(404, f"No handler for {method}")
    return handler(meter, params)


def needs_auth(method: str) -> bool:
    return method.lower() not in OPEN_METHODS


# -- parameter checks ---------------------------------------------------------------------------


def _int_param(params: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = params.get(name)
    if value is None:
        if required:
            raise RpcError(-103, f"Missing required '{name}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RpcError(-103, f"Invalid argument '{name}': expected a number")
    return int(value)


def _component_id(params: dict[str, Any]) -> None:
    value = _int_param(params, "id", required=True)
    if value != 0:
        raise RpcError(-105, f"Argument 'id', value {value} not found!")


def _bool_param(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if not isinstance(value, bool):
        raise RpcError(-103, f"Invalid argument '{name}': expected a boolean")
    return value


# -- Shelly and Sys -----------------------------------------------------------------------------


def _device_info(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    info = meter.device_info()
    if _bool_param(params, "ident", default=False):
        # Identification strings a device adds on request; made-up but stable per device.
        info |= {"key": meter.identity.mac.lower()[-8:], "batch": "2451", "fw_sbits": "04"}
    return info


def _status(meter: EmulatedMeter, _: dict[str, Any]) -> Any:
    return {
        "ble": {},
        "bthome": {"errors": ["bluetooth_disabled"]},
        "cloud": {"connected": False},
        "em:0": meter.em_status(),
        "emdata:0": meter.emdata_status(),
        "eth": {"ip": None},
        "modbus": {},
        "mqtt": {"connected": False},
        "sys": meter.sys_status(),
        "temperature:0": {"id": 0, "tC": 41.5, "tF": 106.7},
        "wifi": {"sta_ip": "127.0.0.1", "status": "got ip", "ssid": "wattboard-sim", "rssi": -52},
        "ws": {"connected": False},
    }


def _config(meter: EmulatedMeter, _: dict[str, Any]) -> Any:
    return {
        "ble": {"enable": False, "rpc": {"enable": True}},
        "bthome": {},
        "cloud": {"enable": False, "server": "iot.shelly.cloud:6012/jrpc"},
        "em:0": meter.em_config(),
        "emdata:0": {},
        "eth": {"enable": False, "ipv4mode": "dhcp"},
        "modbus": {"enable": False},
        "mqtt": {"enable": False, "server": None},
        "sys": meter.sys_config(),
        "temperature:0": {"id": 0, "name": None, "report_thr_C": 5.0, "offset_C": 0.0},
        "wifi": {"sta": {"ssid": "wattboard-sim", "enable": True, "ipv4mode": "dhcp"}},
        "ws": {"enable": False, "server": None, "ssl_ca": "ca.pem"},
    }


def _components(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    offset = _int_param(params, "offset", required=False) or 0
    if params.get("dynamic_only"):
        items: list[dict[str, Any]] = []
    else:
        status, config = _status(meter, {}), _config(meter, {})
        items = [{"key": k, "status": status[k], "config": config.get(k, {})} for k in status]
    return {
        "components": items[offset:],
        "cfg_rev": meter.cfg_rev,
        "offset": offset,
        "total": len(items),
    }


def _list_methods(_meter: EmulatedMeter, _: dict[str, Any]) -> Any:
    return {"methods": sorted(NAMES)}


def _sys_status(meter: EmulatedMeter, _: dict[str, Any]) -> Any:
    return meter.sys_status()


def _sys_config(meter: EmulatedMeter, _: dict[str, Any]) -> Any:
    return meter.sys_config()


def _reboot(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    delay_ms = _int_param(params, "delay_ms", required=False) or 0
    meter.power_cycle(3.0 + delay_ms / 1000)
    return None


# -- EM -----------------------------------------------------------------------------------------


def _em_status(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    return meter.em_status()


def _em_config(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    return meter.em_config()


def _em_set_config(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    config = params.get("config")
    if not isinstance(config, dict):
        raise RpcError(-103, "Missing required 'config'")
    reverse = config.get("reverse")
    if reverse is not None:
        if not isinstance(reverse, dict) or any(
            k not in PHASES or not isinstance(v, bool) for k, v in reverse.items()
        ):
            raise RpcError(-103, "Invalid argument 'reverse': expected {a?, b?, c?: bool}")
        for phase, on in reverse.items():
            (meter.config_reverse.add if on else meter.config_reverse.discard)(phase)
    meter.cfg_rev += 1
    return {"restart_required": reverse is not None}


def _ct_types(_meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    return {"supported": ["120A"]}


# -- EMData -------------------------------------------------------------------------------------


def _emdata_status(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    return meter.emdata_status()


def _emdata_config(_meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    return {}


def _records(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    start = _int_param(params, "ts", required=False) or 0
    blocks = meter.memory.blocks(start)
    return {"data_blocks": [{"ts": b.ts, "period": PERIOD, "records": b.records} for b in blocks]}


def _get_data(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    start = _int_param(params, "ts", required=True)
    end = _int_param(params, "end_ts", required=False)
    add_keys = _bool_param(params, "add_keys", default=True)
    ts, values = meter.memory.select(start or 0, end)
    result: dict[str, Any] = {"keys": list(KEYS)} if add_keys else {}
    result["data"] = _data_blocks(ts[:PAGE_RECORDS], values[:PAGE_RECORDS])
    if len(ts) > PAGE_RECORDS:
        result["next_record_ts"] = int(ts[PAGE_RECORDS])
    return result


def _data_blocks(ts: NDArray[np.int64], values: NDArray[np.float64]) -> list[dict[str, Any]]:
    if not len(ts):
        return []
    breaks = [0, *(np.flatnonzero(np.diff(ts) != PERIOD) + 1).tolist(), len(ts)]
    return [
        {"ts": int(ts[a]), "period": PERIOD, "values": values[a:b].tolist()}
        for a, b in itertools.pairwise(breaks)
    ]


def _net_energies(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    start = _int_param(params, "ts", required=True) or 0
    period = _int_param(params, "period", required=True)
    if period not in NET_PERIODS:
        raise RpcError(-103, f"Invalid argument 'period': expected one of {list(NET_PERIODS)}")
    if start % period:
        raise RpcError(-103, f"Invalid argument 'ts': must be a multiple of period {period}")
    end = _int_param(params, "end_ts", required=False)
    ts, values = meter.memory.select(start, end)
    buckets = (ts // period) * period
    starts, index = np.unique(buckets, return_inverse=True)
    energy = values[:, ENERGY_COLUMNS]
    net = np.zeros((len(starts), 3))
    np.add.at(net, index, energy[:, 0::2] - energy[:, 1::2])
    result: dict[str, Any] = {}
    if _bool_param(params, "add_keys", default=True):
        result["keys"] = list(NET_KEYS)
    page = slice(0, NET_PAGE)
    result["data"] = _period_blocks(starts[page], np.round(net[page], 4), period)
    if len(starts) > NET_PAGE:
        result["next_record_ts"] = int(starts[NET_PAGE])
    return result


def _period_blocks(
    starts: NDArray[np.int64], values: NDArray[np.float64], period: int
) -> list[dict[str, Any]]:
    blocks = _data_blocks(starts // period * PERIOD, values)  # reuse the run splitting
    for block in blocks:
        block["ts"] = block["ts"] // PERIOD * period
        block["period"] = period
    return blocks


def _reset_counters(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    meter.reset_counters()
    return None


def _delete_all(meter: EmulatedMeter, params: dict[str, Any]) -> Any:
    _component_id(params)
    meter.delete_all_data()
    return None


HANDLERS_BY_NAME: Final[dict[str, Handler]] = {
    "Shelly.GetDeviceInfo": _device_info,
    "Shelly.GetStatus": _status,
    "Shelly.GetConfig": _config,
    "Shelly.GetComponents": _components,
    "Shelly.ListMethods": _list_methods,
    "Shelly.Reboot": _reboot,
    "Sys.GetStatus": _sys_status,
    "Sys.GetConfig": _sys_config,
    "EM.GetStatus": _em_status,
    "EM.GetConfig": _em_config,
    "EM.SetConfig": _em_set_config,
    "EM.GetCTTypes": _ct_types,
    "EMData.GetStatus": _emdata_status,
    "EMData.GetConfig": _emdata_config,
    "EMData.GetRecords": _records,
    "EMData.GetData": _get_data,
    "EMData.GetNetEnergies": _net_energies,
    "EMData.ResetCounters": _reset_counters,
    "EMData.DeleteAllData": _delete_all,
}
NAMES: Final = tuple(HANDLERS_BY_NAME)
HANDLERS: Final = {name.lower(): handler for name, handler in HANDLERS_BY_NAME.items()}
