"""Show commands, computed from the structured model every time (never stored text), in the
layout IOS prints them, so a learner can check their work the way they would on a real device.
"""

from __future__ import annotations

import ipaddress

from exams.question_types.ios.device import (
    ANY,
    RESERVED_VLANS,
    SWITCH,
    ZERO,
    Acl,
    AclEntry,
    Device,
    Interface,
    Line,
    ip_int,
    short_name,
    vlan_list_text,
)
from exams.question_types.ios.grammar import Args

# A copy of the route-code legend IOS prints above the table (only some of the codes occur here).
ROUTE_CODES = """\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       + - replicated route, % - next hop override"""

TYPE7_KEY = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7(password: str) -> str:
    """The reversible "type 7" form `service password-encryption` shows instead of a password
    (it hides a password from a glance over the shoulder, nothing more)."""
    salt = len(password) % 16
    return f"{salt:02d}" + "".join(f"{ord(c) ^ ord(TYPE7_KEY[(salt + n) % len(TYPE7_KEY)]):02X}"
                                   for n, c in enumerate(password))


def shown_password(device: Device, password: str) -> str:
    return f"7 {type7(password)}" if device.password_encryption else password


# --- running-config -------------------------------------------------------------------------

def running_config(device: Device, *, header: bool = True) -> str:
    blocks: list[list[str]] = []
    if device.password_encryption:
        blocks.append(["service password-encryption"])
    blocks.append([f"hostname {device.hostname}"])
    enable = []
    if device.enable_secret:
        enable.append(f"enable secret {secret_type(device.enable_secret)} {device.enable_secret}")
    if device.enable_password:
        enable.append(f"enable password {shown_password(device, device.enable_password)}")
    blocks.append(enable)
    blocks.append([f"ip dhcp excluded-address {low}" + ("" if high == low else f" {high}")
                   for low, high in device.dhcp_excluded])
    for pool in device.dhcp_pools:
        lines = [f"ip dhcp pool {pool.name}"]
        if pool.network:
            lines.append(f" network {pool.network}")
        if pool.default_router:
            lines.append(" default-router " + " ".join(pool.default_router))
        if pool.dns_server:
            lines.append(" dns-server " + " ".join(pool.dns_server))
        if pool.domain_name:
            lines.append(f" domain-name {pool.domain_name}")
        blocks.append(lines)
    domain = [] if device.domain_lookup else ["no ip domain-lookup"]
    if device.domain_name:
        domain.append(f"ip domain-name {device.domain_name}")
    blocks.append(domain)
    blocks.append([user_line(device, u) for u in device.users])
    blocks.append([f"ip ssh version {device.ssh_version}"] if device.ssh_version else [])
    for vlan in device.vlans:
        if vlan.id != 1:
            blocks.append([f"vlan {vlan.id}", f" name {vlan.name}"])
    for iface in device.ordered_interfaces():
        blocks.append(interface_lines(device, iface))
    for process in device.ospf:
        blocks.append(ospf_lines(process))
    routing = []
    if device.default_gateway:
        routing.append(f"ip default-gateway {device.default_gateway}")
    for pool in device.nat_pools:
        routing.append(f"ip nat pool {pool.name} {pool.start} {pool.end} netmask {pool.mask}")
    for rule in device.nat_rules:
        routing.append(nat_line(rule))
    for route in device.static_routes:
        parts = [f"ip route {route.prefix} {route.mask}", route.interface, route.next_hop,
                 str(route.distance) if route.distance != 1 else None]
        routing.append(" ".join(p for p in parts if p))
    blocks.append(routing)
    for acl in device.acls:
        if not acl.numbered:
            blocks.append([f"ip access-list {acl.kind} {acl.name}"] + [" " + entry_text(e, acl) for e in acl.entries])
    numbered = [f"access-list {acl.name} " + entry_text(e, acl) for acl in device.acls if acl.numbered
                for e in acl.entries]
    blocks.append(numbered)
    if device.banner_motd:
        blocks.append([f"banner motd ^C{device.banner_motd}^C"])
    blocks.append(line_blocks(device))
    body = ["!"]
    for block in blocks:
        if block:
            body += block + ["!"]
    body.append("end")
    text = "\n".join(body)
    if not header:
        return text
    return f"Building configuration...\n\nCurrent configuration : {len(text) + 1} bytes\n{text}"


def secret_type(secret: str) -> str:
    return secret[1] if len(secret) > 2 and secret[0] == "$" and secret[2] == "$" else "5"


def user_line(device: Device, user) -> str:
    text = f"username {user.name}"
    if user.privilege != 1:
        text += f" privilege {user.privilege}"
    if user.secret:
        return f"{text} secret {secret_type(user.secret)} {user.secret}"
    return f"{text} password {shown_password(device, user.password)}" if user.password else text


def interface_lines(device: Device, iface: Interface) -> list[str]:
    lines = [f"interface {iface.name}"]
    if iface.description:
        lines.append(f" description {iface.description}")
    if iface.dot1q is not None:
        lines.append(f" encapsulation dot1Q {iface.dot1q}" + (" native" if iface.dot1q_native else ""))
    if iface.switchport:
        if iface.trunk_encapsulation:
            lines.append(" switchport trunk encapsulation dot1q")
        if iface.access_vlan != 1:
            lines.append(f" switchport access vlan {iface.access_vlan}")
        if iface.native_vlan != 1:
            lines.append(f" switchport trunk native vlan {iface.native_vlan}")
        if iface.trunk_allowed is not None:
            allowed = vlan_list_text(iface.trunk_allowed) or "none"
            lines.append(f" switchport trunk allowed vlan {allowed}")
        if iface.mode:
            lines.append(f" switchport mode {iface.mode}")
        if iface.nonegotiate:
            lines.append(" switchport nonegotiate")
    elif iface.address:
        lines.append(f" ip address {iface.address} {iface.mask}")
    else:
        lines.append(" no ip address")
    lines += [f" ip helper-address {h}" for h in iface.helpers]
    if iface.acl_in:
        lines.append(f" ip access-group {iface.acl_in} in")
    if iface.acl_out:
        lines.append(f" ip access-group {iface.acl_out} out")
    if iface.nat:
        lines.append(f" ip nat {iface.nat}")
    if iface.ospf_area:
        lines.append(f" ip ospf {iface.ospf_area[0]} area {iface.ospf_area[1]}")
    if iface.shutdown:
        lines.append(" shutdown")
    return lines


def ospf_lines(process) -> list[str]:
    lines = [f"router ospf {process.pid}"]
    if process.router_id:
        lines.append(f" router-id {process.router_id}")
    if process.passive_default:
        lines.append(" passive-interface default")
        lines += [f" no passive-interface {name}" for name in process.not_passive]
    else:
        lines += [f" passive-interface {name}" for name in process.passive]
    lines += [f" network {n.address} {n.wildcard} area {n.area}" for n in process.networks]
    if process.default_originate:
        lines.append(" default-information originate")
    return lines


def nat_line(rule) -> str:
    if rule.kind == "static":
        return f"ip nat inside source static {rule.local} {rule.global_}"
    target = f"interface {rule.interface}" if rule.interface else f"pool {rule.pool}"
    return f"ip nat inside source list {rule.acl} {target}" + (" overload" if rule.overload else "")


def line_blocks(device: Device) -> list[str]:
    """line con 0, then the vty lines in the groups IOS prints (0 4, then 5 15), a group split
    where neighbouring lines differ."""
    out = ["line con 0"] + line_settings(device, device.lines["con 0"])
    for low, high in ((0, 4), (5, device.vty_count - 1)):
        n = low
        while n <= min(high, device.vty_count - 1):
            end = n
            while end + 1 <= high and end + 1 < device.vty_count and \
                    device.lines[f"vty {end + 1}"] == device.lines[f"vty {n}"]:
                end += 1
            out.append(f"line vty {n}" + (f" {end}" if end != n else ""))
            out += line_settings(device, device.lines[f"vty {n}"])
            n = end + 1
    return out


def line_settings(device: Device, line: Line) -> list[str]:
    lines = []
    if line.access_class:
        lines.append(f" access-class {line.access_class} in")
    if line.password:
        lines.append(f" password {shown_password(device, line.password)}")
    if line.login == "local":
        lines.append(" login local")
    elif line.login == "line":
        lines.append(" login")
    if line.transport is not None:
        lines.append(" transport input " + " ".join(line.transport))
    return lines


def address_text(spec: str, *, standard: bool, show: bool = False) -> str:
    """any | host A (A alone in a standard list) | A W ("A, wildcard bits W" in show output)."""
    if spec == ANY:
        return "any"
    base, wildcard = spec.split()
    if wildcard == ZERO:
        return base if standard else f"host {base}"
    return f"{base}, wildcard bits {wildcard}" if show and standard else f"{base} {wildcard}"


def entry_text(entry: AclEntry, acl: Acl, *, show: bool = False) -> str:
    if entry.action == "remark":
        return f"remark {entry.remark}"
    standard = acl.kind == "standard"
    action = f"{entry.action:<6}"
    if standard:
        text = f"{action} {address_text(entry.src, standard=True, show=show)}"
    else:
        parts = [action, entry.protocol, address_text(entry.src, standard=False), *entry.sport,
                 address_text(entry.dst, standard=False), *entry.dport, entry.icmp_type,
                 "established" if entry.established else ""]
        text = " ".join(p for p in parts if p)
    return text + (" log" if entry.log else "")


# --- the show commands ----------------------------------------------------------------------

def show_running(device: Device, args: Args) -> str:
    name = args.get("interface")
    if name is None:
        return running_config(device)
    body = "\n".join(["!", *interface_lines(device, device.interface(name)), "end"])
    return f"Building configuration...\n\nCurrent configuration : {len(body) + 1} bytes\n{body}"


def startup(device: Device, args: Args) -> str:
    if device.startup_config is None:
        return "startup-config is not present"
    return f"Using {len(device.startup_config) + 1} out of 33554432 bytes\n{device.startup_config}"


def ip_interface_brief(device: Device, args: Args) -> str:
    rows = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for iface in device.ordered_interfaces():
        status, protocol = device.status(iface)
        rows.append(f"{iface.name:<22} {iface.address or 'unassigned':<15} YES {iface.address_method:<6} "
                    f"{status:<21} {protocol}")
    return "\n".join(rows)


def vlan_brief(device: Device, args: Args) -> str:
    rows = ["", "VLAN Name                             Status    Ports",
            "---- -------------------------------- --------- -------------------------------"]
    vlans = [(v.id, v.name, "active") for v in device.vlans]
    vlans += [(vid, name, "act/unsup") for vid, name in RESERVED_VLANS.items()]
    for vid, name, status in sorted(vlans):
        ports = device.vlan_ports(vid)
        groups = [", ".join(ports[i:i + 4]) for i in range(0, len(ports), 4)] or [""]
        rows.append(f"{vid:<4} {name[:32]:<32} {status:<9} {groups[0]}".rstrip())
        rows += [" " * 48 + g for g in groups[1:]]
    return "\n".join(rows)


def classful(address: ipaddress.IPv4Address) -> ipaddress.IPv4Network:
    first = int(address) >> 24
    length = 8 if first < 128 else 16 if first < 192 else 24 if first < 224 else 32
    return ipaddress.IPv4Network(f"{address}/{length}", strict=False)


def route_text(route: dict) -> list[str]:
    """The text after a route's prefix: where it goes (several next hops on lines of their own)."""
    if "static" not in route:
        return [f"is directly connected, {route['interface']}"]
    texts = []
    for static in route["static"]:
        if static.next_hop and static.interface:
            texts.append(f"[{static.distance}/0] via {static.next_hop}, {static.interface}")
        elif static.next_hop:
            texts.append(f"[{static.distance}/0] via {static.next_hop}")
        else:
            texts.append(f"is directly connected, {static.interface}")
    return texts


def ip_route(device: Device, args: Args) -> str:
    if device.platform == SWITCH:
        gateway = device.default_gateway or "not set"
        return (f"Default gateway is {gateway}\n\nHost               Gateway           Last Use    Total Uses  "
                "Interface\nICMP redirect cache is empty")
    routes = device.routes()
    wanted = {"connected": ("C", "L"), "static": ("S", "S*")}.get(args.get("code"))
    default = next((r for r in routes if r["code"] == "S*"), None)
    if default is None:
        gateway = "Gateway of last resort is not set"
    else:
        hop = default["static"][0].next_hop or ZERO
        gateway = f"Gateway of last resort is {hop} to network 0.0.0.0"
    if wanted:
        routes = [r for r in routes if r["code"] in wanted]
    groups: dict[ipaddress.IPv4Network, list[dict]] = {}
    for route in routes:
        major = classful(route["network"].network_address)
        key = route["network"] if route["network"].prefixlen <= major.prefixlen else major
        groups.setdefault(key, []).append(route)
    lines = [ROUTE_CODES, "", gateway, ""]
    for major in sorted(groups, key=lambda n: (int(n.network_address), n.prefixlen)):
        members = sorted(groups[major], key=lambda r: (int(r["network"].network_address), r["network"].prefixlen))
        if len(members) == 1 and members[0]["network"] == major:
            indent = 6
        else:
            indent = 9
            masks = {r["network"].prefixlen for r in members}
            count = f"{len(members)} subnets"
            if len(masks) == 1:
                lines.append(f"      {major.network_address}/{masks.pop()} is subnetted, {count}")
            else:
                lines.append(f"      {major} is variably subnetted, {count}, {len(masks)} masks")
        for route in members:
            head = f"{route['code']:<{indent}}{route['network']}"
            texts = route_text(route)
            lines.append(f"{head} {texts[0]}")
            lines += [" " * (len(head) + 1) + t for t in texts[1:]]
    return "\n".join(lines).rstrip()


def access_lists(device: Device, args: Args) -> str:
    wanted = args.get("acl")
    lines = []
    for acl in device.acls:
        if wanted is not None and acl.name != wanted:
            continue
        lines.append(f"{acl.kind.capitalize()} IP access list {acl.name}")
        lines += [f"    {e.seq} {entry_text(e, acl, show=True)}" for e in acl.entries if e.action != "remark"]
    return "\n".join(lines)


def router_id(device: Device, process) -> str:
    """The configured router-id, else the highest loopback address, else the highest address of
    an up interface (IOS's order of choice)."""
    if process.router_id:
        return process.router_id
    loopbacks = [i.address for i in device.interfaces if i.kind == "Loopback" and i.address and not i.shutdown]
    candidates = loopbacks or [i.address for i in device.interfaces if i.address and device.is_up(i)]
    return max(candidates, key=ip_int) if candidates else ZERO


def ip_ospf(device: Device, args: Args) -> str:
    if not device.ospf:
        return ""
    lines = []
    for process in device.ospf:
        areas: dict[int, int] = {}
        for iface in device.interfaces:
            found = device.ospf_area_of(iface)
            if found and found[0] == process.pid and device.is_up(iface):
                areas[found[1]] = areas.get(found[1], 0) + 1
        lines.append(f' Routing Process "ospf {process.pid}" with ID {router_id(device, process)}')
        lines.append(f" Number of areas in this router is {len(areas)}. {len(areas)} normal 0 stub 0 nssa")
        for area, count in sorted(areas.items()):
            name = "BACKBONE(0)" if area == 0 else str(area)
            lines.append(f"    Area {name}")
            lines.append(f"        Number of interfaces in this area is {count}")
    return "\n".join(lines)


def interfaces_trunk(device: Device, args: Args) -> str:
    trunks = [i for i in device.interfaces if i.switchport and i.mode == "trunk" and device.is_up(i)]
    if not trunks:
        return ""
    existing = {v.id for v in device.vlans}
    rows = ["", "Port        Mode             Encapsulation  Status        Native vlan"]
    rows += [f"{short_name(i.name):<12}{'on':<17}{'802.1q':<15}{'trunking':<14}{i.native_vlan}" for i in trunks]
    sections = (
        ("Vlans allowed on trunk", lambda i: i.trunk_allowed if i.trunk_allowed is not None else range(1, 4095)),
        ("Vlans allowed and active in management domain",
         lambda i: [v for v in (i.trunk_allowed if i.trunk_allowed is not None else existing) if v in existing]),
    )
    for title, vlans in sections:
        rows += ["", f"Port        {title}"]
        rows += [f"{short_name(i.name):<12}{vlan_list_text(list(vlans(i))) or 'none'}" for i in trunks]
    return "\n".join(rows)


def version(device: Device, args: Args) -> str:
    kind = "switch" if device.platform == SWITCH else "router"
    ports = sum(1 for i in device.interfaces if i.kind not in ("Loopback", "Vlan") and not i.is_subinterface)
    return (f"PingToPass simulated Cisco IOS {kind} (a lab, not a real device)\n"
            f"{device.hostname} uptime is 0 minutes\n"
            f"{ports} Gigabit Ethernet interfaces\n"
            "Configuration register is 0x2102")
