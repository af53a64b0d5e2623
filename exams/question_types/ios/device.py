"""The structured state of one simulated IOS device, and what follows from it (link status,
the routing table, which packets an ACL lets through).

Grading reads this model, never the keystrokes, so two different command sequences that leave
the same state get the same marks. The state is plain dataclasses of JSON-able values:
`to_dict()` / `from_dict()` let a web request restore a device without replaying its lines.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import re
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass

ROUTER = "router"
SWITCH = "switch"
PLATFORMS = (ROUTER, SWITCH)

# Canonical interface type -> the short form IOS prints in narrow columns (show vlan brief).
INTERFACE_TYPES = {
    "FastEthernet": "Fa",
    "GigabitEthernet": "Gi",
    "TenGigabitEthernet": "Te",
    "Serial": "Se",
    "Loopback": "Lo",
    "Vlan": "Vl",
}
VIRTUAL_TYPES = ("Loopback", "Vlan")

DEFAULT_INTERFACES = {
    ROUTER: [f"GigabitEthernet0/0/{n}" for n in range(3)],
    SWITCH: [f"GigabitEthernet1/0/{n}" for n in range(1, 25)] + ["Vlan1"],
}
DEFAULT_HOSTNAME = {ROUTER: "Router", SWITCH: "Switch"}
RESERVED_VLANS = {1002: "fddi-default", 1003: "token-ring-default", 1004: "fddinet-default", 1005: "trnet-default"}

PROTOCOL_NUMBERS = {"ip": 0, "icmp": 1, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ahp": 51, "eigrp": 88,
                    "ospf": 89, "pim": 103}
PORT_NAMES = {
    "tcp": {"ftp-data": 20, "ftp": 21, "telnet": 23, "smtp": 25, "domain": 53, "www": 80, "pop3": 110, "bgp": 179},
    "udp": {"domain": 53, "bootps": 67, "bootpc": 68, "tftp": 69, "ntp": 123, "snmp": 161, "syslog": 514},
}
ICMP_TYPES = {"echo-reply": 0, "unreachable": 3, "echo": 8, "time-exceeded": 11}

ZERO = "0.0.0.0"  # noqa: S104 -- an address in a route or an ACL, not a socket to bind
ANY = f"{ZERO} 255.255.255.255"


# --- addresses ------------------------------------------------------------------------------

def ip_int(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def ip_str(value: int) -> str:
    return str(ipaddress.IPv4Address(value & 0xFFFFFFFF))


def is_ipv4(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", text)) and all(int(p) <= 255 for p in text.split("."))


def mask_length(mask: str) -> int | None:
    """The prefix length of a contiguous dotted mask; None for one IOS would call a bad mask."""
    bits = ip_int(mask)
    length = bin(bits).count("1")
    return length if bits == (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF else None


def length_mask(length: int) -> str:
    return ip_str((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF if length else 0)


def wildcard_match(address: str, base: str, wildcard: str) -> bool:
    """IOS wildcard semantics: a 0 bit must match, a 1 bit is ignored (need not be contiguous)."""
    care = ~ip_int(wildcard) & 0xFFFFFFFF
    return ip_int(address) & care == ip_int(base) & care


def network_of(address: str, mask: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{address}/{mask}", strict=False)


def secret_hash(secret: str) -> str:
    """A stand-in for a type-9 secret: deterministic (replaying the lines gives the same state)
    and never the cleartext, which the page could otherwise show back in `show running-config`."""
    digest = hashlib.sha256(f"pingtopass-ios:{secret}".encode()).digest()
    return "$9$" + base64.b64encode(digest, altchars=b"./").decode().rstrip("=")[:43]


# --- interface names ------------------------------------------------------------------------

NUMBER_FORMS = {
    "physical": re.compile(r"\d+(/\d+){1,2}(\.\d+)?"),
    "Loopback": re.compile(r"\d+"),
    "Vlan": re.compile(r"\d+"),
}


def interface_type(prefix: str) -> str | None:
    """The canonical type an abbreviation stands for, as IOS resolves it: any unambiguous prefix."""
    folded = prefix.casefold()
    found = [t for t in INTERFACE_TYPES if t.casefold().startswith(folded)]
    return found[0] if len(found) == 1 else None


def canonical_interface(text: str) -> str | None:
    """`g0/0/1`, `gi 0/0/1`, `GigabitEthernet0/0/1`, `lo0`, `vlan 10` -> the full name; None when
    the text is not an interface name at all (whether the device has it is the caller's question)."""
    m = re.fullmatch(r"([A-Za-z-]+)\s*([\d/.]+)", text.strip())
    if not m:
        return None
    kind = interface_type(m.group(1))
    if kind is None:
        return None
    number = m.group(2)
    form = NUMBER_FORMS.get(kind, NUMBER_FORMS["physical"])
    if not form.fullmatch(number):
        return None
    if kind == "Loopback" and int(number) > 2147483647:
        return None
    if kind == "Vlan" and not 1 <= int(number) <= 4094:
        return None
    if "." in number and not 1 <= int(number.rsplit(".", 1)[1]) <= 4294967295:
        return None
    return f"{kind}{number}"


def short_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z-]+)(.*)", name)
    if not m or m.group(1) not in INTERFACE_TYPES:
        return name
    return INTERFACE_TYPES[m.group(1)] + m.group(2)


def type_of(name: str) -> str:
    return re.match(r"[A-Za-z-]+", name).group(0)


def vlan_list_text(vlans: list[int]) -> str:
    """[10, 11, 12, 20] -> "10-12,20", the way IOS prints a trunk's allowed list."""
    parts: list[str] = []
    ordered = sorted(set(vlans))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def parse_vlan_list(text: str) -> list[int] | None:
    """"10,20-22" -> [10, 20, 21, 22]; None when it is not a list of VLAN ids."""
    found: set[int] = set()
    for part in text.split(","):
        m = re.fullmatch(r"(\d{1,4})(?:-(\d{1,4}))?", part.strip())
        if not m:
            return None
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= low <= high <= 4094:
            return None
        found.update(range(low, high + 1))
    return sorted(found)


# --- the model ------------------------------------------------------------------------------

@dataclass
class Interface:
    name: str
    cabled: bool = False
    description: str = ""
    address: str | None = None
    mask: str | None = None
    address_method: str = "unset"  # "manual" when typed, "NVRAM" when it came with the lab's config
    shutdown: bool = False
    switchport: bool = False  # a layer-2 port of a switch
    mode: str = ""  # "", "access" or "trunk"; "" is the port's default (dynamic auto)
    access_vlan: int = 1
    trunk_allowed: list[int] | None = None  # None: all VLANs
    native_vlan: int = 1
    trunk_encapsulation: bool = False  # "switchport trunk encapsulation dot1q" was given
    nonegotiate: bool = False
    dot1q: int | None = None  # a router subinterface's VLAN
    dot1q_native: bool = False
    acl_in: str | None = None
    acl_out: str | None = None
    nat: str = ""  # "", "inside" or "outside"
    ospf_area: list[int] | None = None  # [process, area] from "ip ospf P area A"
    helpers: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return type_of(self.name)

    @property
    def is_subinterface(self) -> bool:
        return "." in self.name

    @property
    def parent(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def network(self) -> ipaddress.IPv4Network | None:
        return network_of(self.address, self.mask) if self.address and self.mask else None


@dataclass
class AclEntry:
    seq: int
    action: str  # permit, deny or remark
    protocol: str = ""  # "" for a standard list; ip, tcp, udp, icmp, ospf... or a number
    src: str = ANY  # "address wildcard"
    dst: str = ANY
    sport: list[str] = field(default_factory=list)  # ["eq", "80"], ["range", "20", "21"]
    dport: list[str] = field(default_factory=list)
    icmp_type: str = ""
    established: bool = False
    log: bool = False
    remark: str = ""

    def same_rule(self, other: AclEntry) -> bool:
        mine, theirs = vars(self).copy(), vars(other).copy()
        mine.pop("seq")
        theirs.pop("seq")
        return mine == theirs


@dataclass
class Acl:
    name: str
    kind: str  # standard or extended
    entries: list[AclEntry] = field(default_factory=list)

    @property
    def numbered(self) -> bool:
        return self.name.isdigit()

    def next_seq(self) -> int:
        """The next rule's number; a remark takes none of its own (it shares the number of the
        rule it comes before), so `remark` then `permit` numbers the permit 10, as IOS does."""
        return (max((e.seq for e in self.entries if e.action != "remark"), default=0) // 10 + 1) * 10

    def add(self, entry: AclEntry) -> None:
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.seq)

    def decide(self, packet: dict) -> str:
        """First match wins, then the implicit deny: "permit" or "deny" for a packet given as
        {"protocol", "src", "dst", "sport", "dport", "icmp_type", "established"}."""
        for entry in self.entries:
            if entry.action != "remark" and entry_matches(entry, packet, standard=self.kind == "standard"):
                return entry.action
        return "deny"


@dataclass
class StaticRoute:
    prefix: str  # network address
    mask: str
    next_hop: str | None = None
    interface: str | None = None
    distance: int = 1


@dataclass
class OspfNetwork:
    address: str
    wildcard: str
    area: int


@dataclass
class OspfProcess:
    pid: int
    router_id: str | None = None
    networks: list[OspfNetwork] = field(default_factory=list)
    passive: list[str] = field(default_factory=list)
    passive_default: bool = False
    not_passive: list[str] = field(default_factory=list)  # "no passive-interface X" under the default
    default_originate: bool = False

    def is_passive(self, interface: str) -> bool:
        if self.passive_default:
            return interface not in self.not_passive
        return interface in self.passive


@dataclass
class NatRule:
    kind: str  # "list" (dynamic, from an ACL) or "static"
    acl: str = ""
    interface: str = ""  # overload on this interface's address
    pool: str = ""
    overload: bool = False
    local: str = ""
    global_: str = ""


@dataclass
class NatPool:
    name: str
    start: str
    end: str
    mask: str


@dataclass
class User:
    name: str
    privilege: int = 1
    secret: str = ""  # a hash (see secret_hash)
    password: str = ""  # "username X password Y" keeps it readable, as IOS does without encryption


@dataclass
class Line:
    password: str = ""
    login: str = ""  # "", "line" (the line's password) or "local"
    transport: list[str] | None = None  # None: the platform default
    access_class: str = ""


@dataclass
class DhcpPool:
    name: str
    network: str | None = None  # "address mask"
    default_router: list[str] = field(default_factory=list)
    dns_server: list[str] = field(default_factory=list)
    domain_name: str = ""


@dataclass
class Vlan:
    id: int
    name: str


@dataclass
class Device:
    platform: str = ROUTER
    hostname: str = ""
    interfaces: list[Interface] = field(default_factory=list)
    vlans: list[Vlan] = field(default_factory=list)
    static_routes: list[StaticRoute] = field(default_factory=list)
    ospf: list[OspfProcess] = field(default_factory=list)
    acls: list[Acl] = field(default_factory=list)
    nat_rules: list[NatRule] = field(default_factory=list)
    nat_pools: list[NatPool] = field(default_factory=list)
    domain_name: str = ""
    domain_lookup: bool = True
    rsa_modulus: int | None = None
    ssh_version: int | None = None
    users: list[User] = field(default_factory=list)
    lines: dict[str, Line] = field(default_factory=dict)  # "con 0", "vty 0" .. "vty 15"
    vty_count: int = 5
    enable_secret: str = ""
    enable_password: str = ""
    password_encryption: bool = False
    default_gateway: str | None = None
    banner_motd: str = ""
    dhcp_excluded: list[list[str]] = field(default_factory=list)  # [low, high]
    dhcp_pools: list[DhcpPool] = field(default_factory=list)
    startup_config: str | None = None  # what "copy running-config startup-config" saved

    # --- making one -----------------------------------------------------------------------
    @classmethod
    def new(cls, platform: str, interfaces: list[str] | None = None, cabled: list[str] = ()) -> Device:
        """A device fresh from the box: the platform's defaults, the lab's ports and cables."""
        device = cls(platform=platform, hostname=DEFAULT_HOSTNAME[platform])
        for name in interfaces if interfaces is not None else DEFAULT_INTERFACES[platform]:
            device.interfaces.append(device.default_interface(name, cabled=name in cabled))
        if platform == SWITCH:
            device.vlans = [Vlan(1, "default")]
            device.vty_count = 16
        device.lines = {"con 0": Line()}
        for n in range(device.vty_count):
            device.lines[f"vty {n}"] = Line()
        return device

    def default_interface(self, name: str, *, cabled: bool = False) -> Interface:
        """Router ports and Vlan1 start shut, switch ports and the SVIs a learner adds start up,
        as out of the box."""
        kind = type_of(name)
        switchport = self.platform == SWITCH and kind not in VIRTUAL_TYPES
        shutdown = (self.platform == ROUTER and kind not in VIRTUAL_TYPES and "." not in name) or name == "Vlan1"
        return Interface(name=name, cabled=cabled, switchport=switchport, shutdown=shutdown)

    # --- looking things up ----------------------------------------------------------------
    def interface(self, name: str) -> Interface | None:
        return next((i for i in self.interfaces if i.name == name), None)

    def ordered_interfaces(self) -> list[Interface]:
        """Loopbacks first, then ports in the lab's order (each followed by its subinterfaces),
        then SVIs: the order IOS lists them in the running configuration."""
        def key(i: Interface) -> tuple:
            if i.kind == "Loopback":
                return (0, int(i.name[8:]), 0, 0)
            if i.kind == "Vlan":
                return (2, int(i.name[4:]), 0, 0)
            parents = [p.name for p in self.interfaces if not p.is_subinterface and p.kind not in VIRTUAL_TYPES]
            parent = parents.index(i.parent) if i.parent in parents else len(parents)
            sub = int(i.name.split(".", 1)[1]) if i.is_subinterface else -1
            return (1, parent, sub, 0)
        return sorted(self.interfaces, key=key)

    def vlan(self, vlan_id: int) -> Vlan | None:
        return next((v for v in self.vlans if v.id == vlan_id), None)

    def acl(self, name: str) -> Acl | None:
        return next((a for a in self.acls if a.name == name), None)

    def ospf_process(self, pid: int) -> OspfProcess | None:
        return next((p for p in self.ospf if p.pid == pid), None)

    def user(self, name: str) -> User | None:
        return next((u for u in self.users if u.name == name), None)

    def dhcp_pool(self, name: str) -> DhcpPool | None:
        return next((p for p in self.dhcp_pools if p.name == name), None)

    def nat_pool(self, name: str) -> NatPool | None:
        return next((p for p in self.nat_pools if p.name == name), None)

    # --- what follows from the state -------------------------------------------------------
    def status(self, iface: Interface) -> tuple[str, str]:
        """(Status, Protocol) as `show ip interface brief` prints them. The lab decides which
        ports have a cable; a cabled port is up unless shut (the far end is assumed up)."""
        if iface.shutdown:
            return "administratively down", "down"
        if iface.kind == "Loopback":
            return "up", "up"
        if iface.is_subinterface:
            parent = self.interface(iface.parent)
            return self.status(parent) if parent else ("down", "down")
        if iface.kind == "Vlan":
            return "up", "up" if self.svi_has_ports(int(iface.name[4:])) else "down"
        return ("up", "up") if iface.cabled else ("down", "down")

    def is_up(self, iface: Interface) -> bool:
        return self.status(iface) == ("up", "up")

    def svi_has_ports(self, vlan_id: int) -> bool:
        """An SVI's line protocol is up while its VLAN exists and some up port carries it."""
        if self.vlan(vlan_id) is None:
            return False
        for port in self.interfaces:
            if not port.switchport or not self.is_up(port):
                continue
            if port.mode == "trunk" and (port.trunk_allowed is None or vlan_id in port.trunk_allowed):
                return True
            if port.mode != "trunk" and port.access_vlan == vlan_id:
                return True
        return False

    def vlan_ports(self, vlan_id: int) -> list[str]:
        """Access ports (not trunks) in a VLAN, as `show vlan brief` lists them."""
        return [short_name(p.name) for p in self.interfaces
                if p.switchport and p.mode != "trunk" and p.access_vlan == vlan_id]

    def connected(self) -> list[tuple[ipaddress.IPv4Network, Interface]]:
        return [(i.network, i) for i in self.ordered_interfaces() if i.network is not None and self.is_up(i)]

    def routes(self) -> list[dict]:
        """The routing table: connected (C) and local (L) routes of every up interface with an
        address, and static routes (S) whose next hop resolves or whose exit interface is up.
        There is no neighbour to learn OSPF routes from, so none are listed."""
        table: list[dict] = []
        for net, iface in self.connected():
            table.append({"code": "C", "network": net, "interface": iface.name})
            if net.prefixlen < 32:  # a /32 (a loopback's, usually) is its own connected route
                table.append({"code": "L", "network": ipaddress.IPv4Network(f"{iface.address}/32"),
                              "interface": iface.name})
        connected_nets = {r["network"] for r in table}
        best: dict[ipaddress.IPv4Network, list[StaticRoute]] = {}
        for route in self.static_routes:
            net = network_of(route.prefix, route.mask)
            if net in connected_nets or not self.static_usable(route):
                continue
            chosen = best.setdefault(net, [])
            if chosen and chosen[0].distance < route.distance:
                continue
            if chosen and chosen[0].distance > route.distance:
                chosen.clear()
            chosen.append(route)
        for net, chosen in best.items():
            table.append({"code": "S*" if net.prefixlen == 0 else "S", "network": net, "static": chosen})
        return table

    def static_usable(self, route: StaticRoute, depth: int = 0) -> bool:
        if route.interface:
            iface = self.interface(route.interface)
            return iface is not None and self.is_up(iface)
        return self.resolves(route.next_hop, depth)

    def resolves(self, address: str | None, depth: int = 0) -> bool:
        """A next hop resolves through a connected subnet, or recursively through another static
        route (a few levels, as a loop must not hang the page) other than a default route: a
        mistyped next hop then shows as a route missing from the table, which is the feedback a
        learner needs, rather than one quietly carried by the default."""
        if address is None or depth > 3:
            return False
        target = ipaddress.IPv4Address(address)
        if any(target in net for net, _ in self.connected()):
            return True
        for other in self.static_routes:
            net = network_of(other.prefix, other.mask)
            if net.prefixlen and target in net and other.next_hop != address and \
                    self.static_usable(other, depth + 1):
                return True
        return False

    def ospf_area_of(self, iface: Interface) -> tuple[int, int] | None:
        """(process, area) an interface runs OSPF in: `ip ospf P area A`, or the first network
        statement whose address and wildcard match the interface's address."""
        if iface.ospf_area:
            return iface.ospf_area[0], iface.ospf_area[1]
        if not iface.address:
            return None
        for process in self.ospf:
            for net in process.networks:
                if wildcard_match(iface.address, net.address, net.wildcard):
                    return process.pid, net.area
        return None

    def vty_lines(self, first: int, last: int) -> list[Line]:
        return [self.lines[f"vty {n}"] for n in range(first, last + 1) if f"vty {n}" in self.lines]

    def transport_of(self, line: Line) -> list[str]:
        return line.transport if line.transport is not None else ["ssh", "telnet"]

    # --- storage --------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return to_plain(self)

    @classmethod
    def from_dict(cls, data: dict) -> Device:
        """The device a to_dict() gave; ValueError when the data is not one."""
        try:
            return from_plain(cls, data)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"Not a stored device: {exc}") from None


def entry_matches(entry: AclEntry, packet: dict, *, standard: bool) -> bool:
    src, dst = packet.get("src", ZERO), packet.get("dst", ZERO)
    if not wildcard_match(src, *entry.src.split()):
        return False
    if standard:
        return True
    if not wildcard_match(dst, *entry.dst.split()):
        return False
    wanted = protocol_number(entry.protocol)
    protocol = protocol_number(str(packet.get("protocol", "ip")))
    if wanted not in (0, protocol):
        return False
    name = entry.protocol
    if entry.sport and not port_matches(entry.sport, packet.get("sport"), name):
        return False
    if entry.dport and not port_matches(entry.dport, packet.get("dport"), name):
        return False
    if entry.icmp_type and port_value(str(packet.get("icmp_type", "")), "icmp") != ICMP_TYPES[entry.icmp_type]:
        return False
    return not (entry.established and not packet.get("established"))


def protocol_number(name: str) -> int:
    return PROTOCOL_NUMBERS[name] if name in PROTOCOL_NUMBERS else int(name) if name.isdigit() else -1


def port_value(text: str, protocol: str) -> int | None:
    if text.isdigit():
        return int(text)
    if protocol == "icmp":
        return ICMP_TYPES.get(text)
    return PORT_NAMES.get(protocol, {}).get(text)


def port_matches(condition: list[str], port, protocol: str) -> bool:
    if port is None:
        return False
    value = port_value(str(port), protocol)
    if value is None:
        return False
    op, *operands = condition
    numbers = [port_value(o, protocol) for o in operands]
    if op == "eq":
        return value == numbers[0]
    if op == "neq":
        return value != numbers[0]
    if op == "gt":
        return value > numbers[0]
    if op == "lt":
        return value < numbers[0]
    return numbers[0] <= value <= numbers[1]  # range


# --- plain data <-> dataclasses -------------------------------------------------------------

def to_plain(value):
    if is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


@functools.cache
def field_types(kind) -> dict:
    """A dataclass's field types, resolved once: the annotations are strings (postponed), and
    resolving them on every load was most of the cost of restoring a device."""
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in fields(kind)}


def from_plain(kind, data):
    """Rebuild a value of the annotated type from plain data (dataclasses, lists, dicts of str,
    optionals and scalars: all this model uses)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        return from_plain(inner, data)
    if origin is list:
        if not isinstance(data, list):
            raise TypeError(f"expected a list, got {type(data).__name__}")
        (inner,) = typing.get_args(kind)
        return [from_plain(inner, v) for v in data]
    if origin is dict:
        if not isinstance(data, dict):
            raise TypeError(f"expected a mapping, got {type(data).__name__}")
        _, inner = typing.get_args(kind)
        return {str(k): from_plain(inner, v) for k, v in data.items()}
    if is_dataclass(kind):
        if not isinstance(data, dict):
            raise TypeError(f"expected a mapping for {kind.__name__}")
        hints = field_types(kind)
        known = hints.keys()
        unknown = set(data) - known
        if unknown:
            raise TypeError(f"unknown fields {sorted(unknown)} for {kind.__name__}")
        return kind(**{name: from_plain(hints[name], value) for name, value in data.items()})
    if kind in (int, str, bool):
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise TypeError(f"expected {kind.__name__}, got {type(data).__name__}")
        return data
    raise TypeError(f"cannot load {kind!r}")
