"""mDNS answers to devices: real zeroconf ServiceInfo objects, no multicast sent."""

from __future__ import annotations

import socket

from zeroconf import ServiceInfo

from wattboard.setup.discovery import Discovered, merge, parse_service

HTTP = "_http._tcp.local."
SHELLY = "_shelly._tcp.local."


def info(
    kind: str,
    instance: str,
    *,
    properties: dict[str, str] | None = None,
    addresses: tuple[str, ...] = ("192.168.1.50",),
    port: int = 80,
) -> ServiceInfo:
    packed = [
        socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a) for a in addresses
    ]
    return ServiceInfo(
        kind,
        f"{instance}.{kind}",
        addresses=packed,
        port=port,
        properties=properties or {},
        server=f"{instance}.local.",
    )


def test_discovery_parses_a_pro_3em_shelly_service() -> None:
    found = parse_service(
        info(
            SHELLY,
            "shellypro3em-a8032ab12345",
            properties={"gen": "2", "app": "Pro3EM", "ver": "1.6.1"},
        )
    )
    assert found == Discovered(
        "shellypro3em-a8032ab12345", "http://192.168.1.50", "Pro3EM", 2, "1.6.1"
    )
    assert found.is_pro_3em


def test_discovery_knows_a_pro_3em_by_its_name_without_txt() -> None:
    found = parse_service(info(HTTP, "ShellyPro3EM-A8032AB12345"))
    assert found is not None
    assert found.device_id == "shellypro3em-a8032ab12345"
    assert found.is_pro_3em
    assert found.app is None


def test_discovery_keeps_other_shelly_devices_but_not_as_meters() -> None:
    found = parse_service(
        info(SHELLY, "shellyplus1pm-aabbcc", properties={"gen": "2", "app": "Plus1PM"})
    )
    assert found is not None
    assert not found.is_pro_3em


def test_discovery_ignores_other_http_services() -> None:
    assert parse_service(info(HTTP, "Living room printer", properties={"ty": "LaserJet"})) is None


def test_discovery_prefers_ipv4_and_brackets_ipv6() -> None:
    both = info(SHELLY, "shellypro3em-1", addresses=("fe80::1", "192.168.1.7"))
    assert parse_service(both) is not None
    assert parse_service(both).url == "http://192.168.1.7"  # type: ignore[union-attr]
    v6 = info(SHELLY, "shellypro3em-2", addresses=("2001:db8::7",), port=8080)
    assert parse_service(v6).url == "http://[2001:db8::7]:8080"  # type: ignore[union-attr]


def test_discovery_without_address_is_skipped() -> None:
    assert parse_service(info(SHELLY, "shellypro3em-3", addresses=())) is None


def test_discovery_merges_both_service_types_of_one_device() -> None:
    via_http = parse_service(info(HTTP, "shellypro3em-a8032ab12345"))
    via_shelly = parse_service(
        info(
            SHELLY,
            "shellypro3em-a8032ab12345",
            properties={"gen": "2", "app": "Pro3EM", "ver": "1.6.1"},
        )
    )
    plug = parse_service(info(SHELLY, "shellyplugs-01", properties={"gen": "2", "app": "PlugS"}))
    merged = merge([plug, via_http, None, via_shelly])
    assert [d.device_id for d in merged] == ["shellypro3em-a8032ab12345", "shellyplugs-01"]
    assert (merged[0].app, merged[0].version, merged[0].generation) == ("Pro3EM", "1.6.1", 2)
