"""Find Shelly devices on the LAN by mDNS (python-zeroconf).

Gen2 devices announce themselves as `_shelly._tcp` and `_http._tcp` services named after their
device id (`shellypro3em-a8032ab12345`) with TXT records `gen`, `app` (`Pro3EM`) and `ver`.
Only `discover` touches the network; turning a resolved service into a `Discovered` device is
pure, so it is tested with real `ServiceInfo` objects and no multicast.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from zeroconf import ServiceStateChange
    from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

log = logging.getLogger(__name__)
SERVICE_TYPES: Final = ("_shelly._tcp.local.", "_http._tcp.local.")
PRO_3EM_APP: Final = "Pro3EM"
RESOLVE_TIMEOUT_MS: Final = 3000


class ServiceRecord(Protocol):
    """The parts of a resolved `zeroconf.ServiceInfo` this module reads."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def port(self) -> int | None: ...

    @property
    def decoded_properties(self) -> Mapping[str, str | None]: ...

    def parsed_addresses(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Discovered:
    """A Shelly device seen on the LAN."""

    device_id: str
    url: str
    app: str | None = None
    generation: int | None = None
    version: str | None = None

    @property
    def is_pro_3em(self) -> bool:
        return self.app == PRO_3EM_APP or self.device_id.startswith("shellypro3em-")


def parse_service(record: ServiceRecord) -> Discovered | None:
    """Return the Shelly device a resolved service describes, or None for anything else."""
    instance = record.name.removesuffix(record.type).rstrip(".")
    props = {key.lower(): value for key, value in record.decoded_properties.items() if value}
    is_shelly = instance.lower().startswith("shelly") or ("gen" in props and "app" in props)
    address = _best_address(record.parsed_addresses())
    if not is_shelly or address is None:
        return None
    device_id = props.get("id") or instance.lower()
    return Discovered(
        device_id=device_id,
        url=_url(address, record.port),
        app=props.get("app"),
        generation=_int(props.get("gen")),
        version=props.get("ver"),
    )


def merge(found: Iterable[Discovered | None]) -> list[Discovered]:
    """Join what each service type said about one device; Pro 3EM meters first."""
    by_id: dict[str, Discovered] = {}
    for device in found:
        if device is None:
            continue
        known = by_id.get(device.device_id)
        by_id[device.device_id] = device if known is None else _combined(known, device)
    return sorted(by_id.values(), key=lambda d: (not d.is_pro_3em, d.device_id))


async def discover(seconds: float = 5.0) -> list[Discovered]:
    """Browse the LAN for `seconds` and return the Shelly devices that answered."""
    # zeroconf is loaded only here: `wattboard run` never browses and should not carry it.
    from zeroconf import ServiceStateChange  # noqa: PLC0415
    from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf  # noqa: PLC0415

    seen: set[tuple[str, str]] = set()

    def on_change(
        zeroconf: Any,  # noqa: ARG001 - zeroconf passes every argument by name
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change is not ServiceStateChange.Removed:
            seen.add((service_type, name))

    async with AsyncZeroconf() as zc:
        browser = AsyncServiceBrowser(zc.zeroconf, list(SERVICE_TYPES), handlers=[on_change])
        try:
            await asyncio.sleep(seconds)
        finally:
            await browser.async_cancel()
        records = await asyncio.gather(*(_resolve(zc, kind, name) for kind, name in seen))
    return merge(parse_service(r) for r in records if r is not None)


async def _resolve(zc: AsyncZeroconf, kind: str, name: str) -> AsyncServiceInfo | None:
    from zeroconf.asyncio import AsyncServiceInfo  # noqa: PLC0415

    info = AsyncServiceInfo(kind, name)
    if await info.async_request(zc.zeroconf, RESOLVE_TIMEOUT_MS):
        return info
    log.debug("mDNS: %s did not resolve", name)
    return None


def _best_address(addresses: list[str]) -> str | None:
    """Prefer IPv4: an IPv6 link-local address needs a zone that a URL cannot carry well."""
    parsed = []
    for text in addresses:
        try:
            parsed.append(ipaddress.ip_address(text))
        except ValueError:
            continue
    usable = [a for a in parsed if not a.is_link_local] or parsed
    usable.sort(key=lambda a: a.version)
    return str(usable[0]) if usable else None


def _url(address: str, port: int | None) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}" if port in (None, 80) else f"http://{host}:{port}"


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _combined(first: Discovered, second: Discovered) -> Discovered:
    return replace(
        first,
        app=first.app or second.app,
        generation=first.generation or second.generation,
        version=first.version or second.version,
    )
