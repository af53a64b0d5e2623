"""Grading a CLI lab by outcome: checks (JSON stored with the question) tested against each
device's structured state, never against the lines typed, so every correct way of reaching a
state passes.

A check is a dict: `kind` (below), `says` (what the learner is told it was about), `points`
(a positive number, 1 when left out) and `device` (the lab's device name; may be left out when
the lab has one device). Interface names may be written in any form IOS takes (`g0/0/1`).
Names (hostname, VLAN names) compare exactly; descriptions and banners ignore case and spacing.

| kind | fields (optional in brackets) | passes when |
|---|---|---|
| hostname | value | the hostname is value |
| interface | name, [ip "A.B.C.D/len" or null, shutdown, up, description, dot1q, dot1q_native, nat "inside"/"outside", helper] | each field given holds (ip null: no address; up: up/up; dot1q_native: `encapsulation dot1Q N native`) |
| vlan | id, [name, exists] | the VLAN exists (or not, with exists false) with that name |
| access_vlan | interface, vlan | the port is `switchport mode access` in that VLAN |
| trunk | interface, [allowed (list of ids, or "all"), native] | the port is `switchport mode trunk` carrying exactly those VLANs |
| static_route | prefix "A.B.C.D/len", [next_hop, interface, distance, installed] | such a route is configured (and in the routing table, with installed true) |
| default_gateway | value | a switch's `ip default-gateway` is value |
| ospf_network | covers "A.B.C.D/len", area, [process] | an interface in that subnet runs OSPF in that area, whichever network statement (or `ip ospf ... area`) enabled it |
| ospf_router_id | value, [process] | the router-id is set to value |
| ospf_passive | interface, [passive (default true), process] | the interface is passive (or not) |
| ospf_default_originate | [process] | `default-information originate` is set |
| acl_permits, acl_denies | acl, packet {protocol, src, [dst, sport, dport, icmp_type, established]} | the list, first match wins then the implicit deny, permits (denies) the packet |
| acl_applied | acl, direction "in"/"out", interface or line ("vty" or "con") | the list filters that interface, or every vty line 0-4 (the console) |
| ssh_ready | [min_modulus (768), user, version] | non-default hostname, domain name, RSA key, a local user, vty 0-4 with `login local` and `transport input ssh` only |
| enable_secret | [value] | an enable secret is set (and is value) |
| user | name, [privilege, secret] | the local user exists (with that privilege; secret or password value) |
| line | line ("con 0", "vty 0 4", "vty 0 15"), [login "local"/"line", password, transport (list), access_class] | every line in range has those settings |
| nat_overload | inside_host, [outside_interface, inside_interface] | a `source list ... overload` rule's ACL permits inside_host, overloading outside_interface's address (or a pool), with `ip nat inside/outside` on the interfaces named |
| nat_static | local, global | a static inside translation maps local to global |
| dhcp_pool | network "A.B.C.D/len", [name, default_router, dns_server, domain_name, excluded (list of addresses)] | a pool serves that network with those options, and each excluded address is excluded |
| banner | contains | the MOTD banner contains the text |
| password_encryption | | `service password-encryption` is on |
| saved | | the startup configuration equals the running one (`copy running-config startup-config`) |
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from exams.question_types.ios.device import (
    DEFAULT_HOSTNAME,
    PROTOCOL_NUMBERS,
    ZERO,
    Device,
    Interface,
    OspfProcess,
    canonical_interface,
    ip_int,
    is_ipv4,
    network_of,
    secret_hash,
)
from exams.question_types.ios.show import running_config

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    points: float
    says: str


# --- field validators: each says whether a value is well formed -----------------------------

def is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_bool(value) -> bool:
    return isinstance(value, bool)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_address(value) -> bool:
    return isinstance(value, str) and is_ipv4(value)


def is_prefix(value) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.IPv4Interface(value)
    except ValueError:
        return False
    return is_ipv4(value.split("/")[0])


def is_prefix_or_none(value) -> bool:
    return value is None or is_prefix(value)


def is_interface(value) -> bool:
    return isinstance(value, str) and canonical_interface(value) is not None


def is_vlan(value) -> bool:
    return is_int(value) and 1 <= value <= 4094


def is_vlans(value) -> bool:
    return value == "all" or (isinstance(value, list) and all(is_vlan(v) for v in value))


def is_area(value) -> bool:
    return (is_int(value) and 0 <= value <= 4294967295) or is_address(value)


def is_direction(value) -> bool:
    return value in ("in", "out")


def is_side(value) -> bool:
    return value in ("inside", "outside")


def is_line_name(value) -> bool:
    return value in ("con 0", "vty 0 4", "vty 0 15", "vty 5 15")


def is_login(value) -> bool:
    return value in ("local", "line")


def is_transports(value) -> bool:
    return isinstance(value, list) and bool(value) and all(v in ("ssh", "telnet", "all", "none") for v in value)


def is_addresses(value) -> bool:
    return isinstance(value, list) and bool(value) and all(is_address(v) for v in value)


def is_modulus(value) -> bool:
    return is_int(value) and 360 <= value <= 4096


def is_packet(value) -> bool:
    if not isinstance(value, dict) or not is_address(value.get("src")):
        return False
    if set(value) - {"protocol", "src", "dst", "sport", "dport", "icmp_type", "established"}:
        return False
    protocol = value.get("protocol", "ip")
    if not (protocol in PROTOCOL_NUMBERS or (is_int(protocol) and 0 <= protocol <= 255)):
        return False
    if "dst" in value and not is_address(value["dst"]):
        return False
    return all(is_int(value[p]) and 0 <= value[p] <= 65535 for p in ("sport", "dport") if p in value)


# --- the tests: (device, check) -> passed ---------------------------------------------------

def iface(device: Device, check: dict, key: str = "interface") -> Interface | None:
    name = canonical_interface(check[key])
    return device.interface(name) if name else None


def process_of(device: Device, check: dict) -> list[OspfProcess]:
    if "process" in check:
        return [p for p in device.ospf if p.pid == check["process"]]
    return list(device.ospf)


def area_value(value) -> int:
    return value if isinstance(value, int) else ip_int(value)


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_hostname(device: Device, check: dict) -> bool:
    return device.hostname == check["value"]


def test_interface(device: Device, check: dict) -> bool:
    port = iface(device, check, "name")
    if port is None:
        return False
    if "ip" in check:
        if check["ip"] is None:
            if port.address:
                return False
        else:
            wanted = ipaddress.IPv4Interface(check["ip"])
            if not port.address or ipaddress.IPv4Interface(f"{port.address}/{port.mask}") != wanted:
                return False
    if "shutdown" in check and port.shutdown != check["shutdown"]:
        return False
    if "up" in check and device.is_up(port) != check["up"]:
        return False
    if "description" in check and folded(port.description) != folded(check["description"]):
        return False
    if "dot1q" in check and port.dot1q != check["dot1q"]:
        return False
    if "dot1q_native" in check and port.dot1q_native != check["dot1q_native"]:
        return False
    if "nat" in check and port.nat != check["nat"]:
        return False
    return not ("helper" in check and check["helper"] not in port.helpers)


def test_vlan(device: Device, check: dict) -> bool:
    vlan = device.vlan(check["id"])
    if not check.get("exists", True):
        return vlan is None
    return vlan is not None and ("name" not in check or vlan.name == check["name"])


def test_access_vlan(device: Device, check: dict) -> bool:
    port = iface(device, check)
    return port is not None and port.switchport and port.mode == "access" and port.access_vlan == check["vlan"]


def test_trunk(device: Device, check: dict) -> bool:
    port = iface(device, check)
    if port is None or not port.switchport or port.mode != "trunk":
        return False
    if "native" in check and port.native_vlan != check["native"]:
        return False
    if "allowed" in check:
        if check["allowed"] == "all":
            return port.trunk_allowed is None
        return port.trunk_allowed is not None and set(port.trunk_allowed) == set(check["allowed"])
    return True


def test_static_route(device: Device, check: dict) -> bool:
    wanted = ipaddress.IPv4Network(check["prefix"], strict=False)
    out = canonical_interface(check["interface"]) if "interface" in check else None
    for route in device.static_routes:
        if network_of(route.prefix, route.mask) != wanted:
            continue
        if "next_hop" in check and route.next_hop != check["next_hop"]:
            continue
        if out and route.interface != out:
            continue
        if "distance" in check and route.distance != check["distance"]:
            continue
        if check.get("installed") and not device.static_usable(route):
            continue
        return True
    return False


def test_default_gateway(device: Device, check: dict) -> bool:
    return device.default_gateway == check["value"]


def test_ospf_network(device: Device, check: dict) -> bool:
    subnet = ipaddress.IPv4Network(check["covers"], strict=False)
    for port in device.interfaces:
        if port.network != subnet:
            continue
        found = device.ospf_area_of(port)
        if found and check.get("process", found[0]) == found[0] and found[1] == area_value(check["area"]):
            return True
    return False


def test_ospf_router_id(device: Device, check: dict) -> bool:
    return any(p.router_id == check["value"] for p in process_of(device, check))


def test_ospf_passive(device: Device, check: dict) -> bool:
    name = canonical_interface(check["interface"])
    processes = process_of(device, check)
    wanted = check.get("passive", True)
    return bool(processes) and all(p.is_passive(name) == wanted for p in processes)


def test_ospf_default_originate(device: Device, check: dict) -> bool:
    return any(p.default_originate for p in process_of(device, check))


def packet_of(check: dict) -> dict:
    packet = dict(check["packet"])
    packet.setdefault("dst", ZERO)
    packet["protocol"] = str(packet.get("protocol", "ip"))
    return packet


def test_acl_permits(device: Device, check: dict) -> bool:
    acl = device.acl(str(check["acl"]))
    return acl is not None and acl.decide(packet_of(check)) == "permit"


def test_acl_denies(device: Device, check: dict) -> bool:
    acl = device.acl(str(check["acl"]))
    return acl is not None and acl.decide(packet_of(check)) == "deny"


def test_acl_applied(device: Device, check: dict) -> bool:
    acl = str(check["acl"])
    if "line" in check:
        lines = [device.lines["con 0"]] if check["line"] == "con" else device.vty_lines(0, 4)
        return check["direction"] == "in" and all(line.access_class == acl for line in lines)
    port = iface(device, check)
    if port is None:
        return False
    return (port.acl_in if check["direction"] == "in" else port.acl_out) == acl


def test_ssh_ready(device: Device, check: dict) -> bool:
    if device.hostname == DEFAULT_HOSTNAME[device.platform] or not device.domain_name:
        return False
    if (device.rsa_modulus or 0) < check.get("min_modulus", 768):
        return False
    if "version" in check and device.ssh_version != check["version"]:
        return False
    users = [u for u in device.users if u.secret or u.password]
    if "user" in check:
        users = [u for u in users if u.name == check["user"]]
    if not users:
        return False
    lines = device.vty_lines(0, 4)
    return all(line.login == "local" and line.transport == ["ssh"] for line in lines)


def secret_matches(stored_secret: str, stored_password: str, value: str) -> bool:
    return stored_secret == secret_hash(value) if stored_secret else stored_password == value


def test_enable_secret(device: Device, check: dict) -> bool:
    if not device.enable_secret:
        return False
    return "value" not in check or device.enable_secret == secret_hash(check["value"])


def test_user(device: Device, check: dict) -> bool:
    user = device.user(check["name"])
    if user is None:
        return False
    if "privilege" in check and user.privilege != check["privilege"]:
        return False
    return "secret" not in check or secret_matches(user.secret, user.password, check["secret"])


def test_line(device: Device, check: dict) -> bool:
    if check["line"] == "con 0":
        lines = [device.lines["con 0"]]
    else:
        first, last = (int(n) for n in check["line"].split()[1:])
        lines = device.vty_lines(first, last)
        if len(lines) != last - first + 1:
            return False
    for line in lines:
        if "login" in check and line.login != check["login"]:
            return False
        if "password" in check and line.password != check["password"]:
            return False
        if "transport" in check and sorted(device.transport_of(line)) != sorted(
                ["ssh", "telnet"] if check["transport"] == ["all"] else check["transport"]):
            return False
        if "access_class" in check and line.access_class != str(check["access_class"]):
            return False
    return True


def test_nat_overload(device: Device, check: dict) -> bool:
    for side, key in (("inside", "inside_interface"), ("outside", "outside_interface")):
        if key in check:
            port = iface(device, check, key)
            if port is None or port.nat != side:
                return False
    outside = canonical_interface(check["outside_interface"]) if "outside_interface" in check else None
    for rule in device.nat_rules:
        if rule.kind != "list" or not rule.overload:
            continue
        if outside and rule.interface and rule.interface != outside:
            continue
        acl = device.acl(rule.acl)
        if acl and acl.decide({"protocol": "ip", "src": check["inside_host"], "dst": "198.51.100.1"}) == "permit":
            return True
    return False


def test_nat_static(device: Device, check: dict) -> bool:
    return any(r.kind == "static" and r.local == check["local"] and r.global_ == check["global"]
               for r in device.nat_rules)


def test_dhcp_pool(device: Device, check: dict) -> bool:
    wanted = ipaddress.IPv4Network(check["network"], strict=False)
    if "excluded" in check and not all(
            any(ip_int(low) <= ip_int(a) <= ip_int(high) for low, high in device.dhcp_excluded)
            for a in check["excluded"]):
        return False
    for pool in device.dhcp_pools:
        if "name" in check and pool.name != check["name"]:
            continue
        if pool.network is None or network_of(*pool.network.split()) != wanted:
            continue
        if any(r not in pool.default_router for r in check.get("default_router", [])):
            continue
        if any(d not in pool.dns_server for d in check.get("dns_server", [])):
            continue
        if "domain_name" in check and folded(pool.domain_name) != folded(check["domain_name"]):
            continue
        return True
    return False


def test_banner(device: Device, check: dict) -> bool:
    return folded(check["contains"]) in folded(device.banner_motd)


def test_password_encryption(device: Device, check: dict) -> bool:
    return device.password_encryption


def test_saved(device: Device, check: dict) -> bool:
    return device.startup_config == running_config(device, header=False)


@dataclass(frozen=True)
class CheckKind:
    test: Callable[[Device, dict], bool]
    required: Mapping[str, Callable] = None
    optional: Mapping[str, Callable] = None
    one_of: tuple[str, ...] = ()  # exactly one of these fields


KINDS: dict[str, CheckKind] = {
    "hostname": CheckKind(test_hostname, {"value": is_text}),
    "interface": CheckKind(test_interface, {"name": is_interface},
                           {"ip": is_prefix_or_none, "shutdown": is_bool, "up": is_bool, "description": is_text,
                            "dot1q": is_vlan, "dot1q_native": is_bool, "nat": is_side, "helper": is_address}),
    "vlan": CheckKind(test_vlan, {"id": is_vlan}, {"name": is_text, "exists": is_bool}),
    "access_vlan": CheckKind(test_access_vlan, {"interface": is_interface, "vlan": is_vlan}),
    "trunk": CheckKind(test_trunk, {"interface": is_interface}, {"allowed": is_vlans, "native": is_vlan}),
    "static_route": CheckKind(test_static_route, {"prefix": is_prefix},
                              {"next_hop": is_address, "interface": is_interface, "distance": is_int,
                               "installed": is_bool}),
    "default_gateway": CheckKind(test_default_gateway, {"value": is_address}),
    "ospf_network": CheckKind(test_ospf_network, {"covers": is_prefix, "area": is_area}, {"process": is_int}),
    "ospf_router_id": CheckKind(test_ospf_router_id, {"value": is_address}, {"process": is_int}),
    "ospf_passive": CheckKind(test_ospf_passive, {"interface": is_interface}, {"passive": is_bool, "process": is_int}),
    "ospf_default_originate": CheckKind(test_ospf_default_originate, {}, {"process": is_int}),
    "acl_permits": CheckKind(test_acl_permits, {"acl": is_text, "packet": is_packet}),
    "acl_denies": CheckKind(test_acl_denies, {"acl": is_text, "packet": is_packet}),
    "acl_applied": CheckKind(test_acl_applied, {"acl": is_text, "direction": is_direction},
                             {"interface": is_interface, "line": lambda v: v in ("vty", "con")},
                             one_of=("interface", "line")),
    "ssh_ready": CheckKind(test_ssh_ready, {}, {"min_modulus": is_modulus, "user": is_text,
                                                "version": lambda v: v in (1, 2)}),
    "enable_secret": CheckKind(test_enable_secret, {}, {"value": is_text}),
    "user": CheckKind(test_user, {"name": is_text}, {"privilege": lambda v: is_int(v) and 0 <= v <= 15,
                                                    "secret": is_text}),
    "line": CheckKind(test_line, {"line": is_line_name},
                      {"login": is_login, "password": is_text, "transport": is_transports, "access_class": is_text}),
    "nat_overload": CheckKind(test_nat_overload, {"inside_host": is_address},
                              {"outside_interface": is_interface, "inside_interface": is_interface}),
    "nat_static": CheckKind(test_nat_static, {"local": is_address, "global": is_address}),
    "dhcp_pool": CheckKind(test_dhcp_pool, {"network": is_prefix},
                           {"name": is_text, "default_router": is_addresses, "dns_server": is_addresses,
                            "domain_name": is_text, "excluded": is_addresses}),
    "banner": CheckKind(test_banner, {"contains": is_text}),
    "password_encryption": CheckKind(test_password_encryption, {}),
    "saved": CheckKind(test_saved, {}),
}
COMMON_FIELDS = {"kind", "device", "points", "says", "explanation"}  # explanation: why, shown once answered


def check_errors(check, device_names: Sequence[str]) -> list[str]:
    """What is wrong with one check, as sentences (empty when it is well formed)."""
    if not isinstance(check, dict):
        return ["is not an object."]
    kind = KINDS.get(check.get("kind"))
    if kind is None:
        return [f"has an unknown kind {check.get('kind')!r}; the kinds are: {', '.join(sorted(KINDS))}."]
    errors = []
    required, optional = kind.required or {}, kind.optional or {}
    for name, valid in required.items():
        if name not in check:
            errors.append(f"needs the field {name!r}.")
        elif not valid(check[name]):
            errors.append(f"has a field {name!r} that is not well formed ({check[name]!r}).")
    for name, valid in optional.items():
        if name in check and not valid(check[name]):
            errors.append(f"has a field {name!r} that is not well formed ({check[name]!r}).")
    if kind.one_of and sum(name in check for name in kind.one_of) != 1:
        errors.append(f"needs exactly one of {' or '.join(repr(n) for n in kind.one_of)}.")
    unknown = set(check) - set(required) - set(optional) - COMMON_FIELDS
    if unknown:
        errors.append(f"has fields this kind does not use: {', '.join(sorted(unknown))}.")
    if not is_text(check.get("says")):
        errors.append("needs a 'says' sentence telling the learner what it checks.")
    points = check.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        errors.append("needs points above zero.")
    device = check.get("device")
    if device is None and len(device_names) != 1:
        errors.append("needs a 'device', as the lab has several.")
    elif device is not None and device not in device_names:
        errors.append(f"names a device {device!r} the lab does not have.")
    return errors


def grade(devices: Mapping[str, Device], checks: Sequence[dict]) -> list[CheckResult]:
    """Each check against its device's state. A check that is malformed or names a device the
    lab lacks fails rather than raising: grading must never break a learner's answer (content
    rules keep such checks out in the first place)."""
    results = []
    for check in checks:
        says = check.get("says", "") if isinstance(check, dict) else ""
        points = check.get("points", 1) if isinstance(check, dict) else 0
        passed = False
        if not check_errors(check, list(devices)):
            name = check.get("device") or next(iter(devices))
            try:
                passed = bool(KINDS[check["kind"]].test(devices[name], check))
            except Exception:  # a check that cannot be evaluated counts as not passed
                logger.exception("CLI lab check %r could not be evaluated", check.get("kind"))
        results.append(CheckResult(passed=passed, points=points, says=says))
    return results


def grade_fraction(results: Sequence[CheckResult]) -> float:
    """Points earned over points possible, 0 to 1 (partial credit)."""
    total = sum(r.points for r in results)
    return sum(r.points for r in results if r.passed) / total if total else 0.0
