"""Access lists: the parse-tree pieces for an entry (standard or extended, numbered or named)
and the handlers that add, edit and remove entries.

An extended entry is a long chain of optional parts (protocol, source, ports, destination,
ports, icmp type, log); building it from a few functions that share their tails keeps the
grammar one readable page instead of a node per combination.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exams.question_types.ios.device import (
    ANY,
    ICMP_TYPES,
    PORT_NAMES,
    ZERO,
    Acl,
    AclEntry,
    ip_int,
    ip_str,
)
from exams.question_types.ios.grammar import (
    Args,
    CommandError,
    K,
    Node,
    Param,
    address,
    choice,
    number,
)

if TYPE_CHECKING:
    from exams.question_types.ios.session import Session


# --- handlers ----------------------------------------------------------------------------

def acl_kind_for(number_: int) -> str:
    return "standard" if number_ < 100 or 1300 <= number_ <= 1999 else "extended"


def port_text(value: str, protocol: str) -> str:
    """How IOS shows a port: by name where it has one (80 -> www)."""
    names = {v: k for k, v in PORT_NAMES.get(protocol, {}).items()}
    return names.get(int(value), value) if value.isdigit() else value


def endpoint(a: Args, role: str) -> str:
    if f"{role}_any" in a:
        return ANY
    if f"{role}_host" in a:
        return f"{a.get(f'{role}_host')} 0.0.0.0"
    base, wildcard = a.get(role), a.get(f"{role}_wild", ZERO)
    return f"{ip_str(ip_int(base) & ~ip_int(wildcard))} {wildcard}"


def entry_from(a: Args, kind: str, seq: int) -> AclEntry:
    if "remark" in a:
        return AclEntry(seq=seq, action="remark", remark=a.get("remark"))
    entry = AclEntry(seq=seq, action=a.get("action"), src=endpoint(a, "src"), log="log" in a)
    if kind == "standard":
        return entry
    protocol = str(a.get("protocol"))
    entry.protocol = protocol
    entry.dst = endpoint(a, "dst")
    for role, attr in (("src", "sport"), ("dst", "dport")):
        if f"{role}_op" in a:
            setattr(entry, attr, [a.get(f"{role}_op"), *(port_text(p, protocol) for p in a.all(f"{role}_port"))])
    entry.icmp_type = a.get("icmp_type", "")
    entry.established = "established" in a
    return entry


def numbered_acl(s: Session, a: Args, negate: bool) -> str:
    name = str(a.get("number"))
    kind = acl_kind_for(a.get("number"))
    device = s.device
    if negate:  # as on IOS, "no access-list N ..." removes the whole list, whatever follows N
        device.acls = [acl for acl in device.acls if acl.name != name]
        return ""
    acl = device.acl(name)
    if acl is None:
        acl = Acl(name=name, kind=kind)
        device.acls.append(acl)
    acl.add(entry_from(a, kind, acl.next_seq()))
    return ""


def enter_named_acl(s: Session, a: Args, negate: bool) -> str:
    kind, name = a.get("kind"), str(a.get("name"))
    device = s.device
    if name.isdigit() and acl_kind_for(int(name)) != kind:
        raise CommandError(f"% Access list {name} is not a {kind} access list number.")
    if negate:
        device.acls = [acl for acl in device.acls if acl.name != name]
        return ""
    acl = device.acl(name)
    if acl is None:
        device.acls.append(Acl(name=name, kind=kind))
    elif acl.kind != kind:
        raise CommandError("% Access-list type conflicts with prior definition")
    s.enter("config-std-nacl" if kind == "standard" else "config-ext-nacl", acl=name)
    return ""


def named_entry(s: Session, a: Args, negate: bool) -> str:
    acl = s.device.acl(s.context["acl"])
    seq = a.get("seq")
    if negate:
        if "action" not in a and "remark" not in a:  # no <seq>
            acl.entries = [e for e in acl.entries if e.seq != seq]
            return ""
        target = entry_from(a, acl.kind, 0)
        acl.entries = [e for e in acl.entries if not e.same_rule(target)]
        return ""
    if seq is not None and any(e.seq == seq and e.action != "remark" for e in acl.entries):
        raise CommandError("% Duplicate sequence number")
    acl.add(entry_from(a, acl.kind, seq if seq is not None else acl.next_seq()))
    return ""


# --- the parse tree of an entry -------------------------------------------------------------

def port_param(role: str, *children: Node, run=None) -> Param:
    def accept(tokens, i, s):
        text = tokens[i].text.lower()
        if text.isdigit() and int(text) <= 65535:
            return text, 1
        if any(text in names for names in PORT_NAMES.values()):
            return text, 1
        return None

    def rows(s) -> list[tuple[str, str]]:
        names = sorted({n for names in PORT_NAMES.values() for n in names})
        return [("<0-65535>", "Port number")] + [(n, "Well-known port name") for n in names]
    return Param(help="Port number", children=list(children), run=run, key=f"{role}_port", label="<0-65535>",
                 accept=accept, rows=rows)


def ports(role: str, then: list[Node], run=None) -> list[Node]:
    """Optional port conditions (eq, gt, lt, neq, range) after an address, then what follows."""
    ops = [K(op, help, port_param(role, *then, run=run), key=f"{role}_op")
           for op, help in (("eq", "Match only packets on a given port number"),
                            ("gt", "Match only packets with a greater port number"),
                            ("lt", "Match only packets with a lower port number"),
                            ("neq", "Match only packets not on a given port number"))]
    ops.append(K("range", "Match only packets in the range of port numbers",
                 port_param(role, port_param(role, *then, run=run)), key=f"{role}_op"))
    return ops


def endpoints(role: str, then: list[Node], run=None, *, standard: bool = False) -> list[Node]:
    """any | host A.B.C.D | A.B.C.D wildcard (a standard list also takes a bare address)."""
    what = "source" if role == "src" else "destination"
    wildcard = address(f"{what.capitalize()} wildcard bits", *then, key=f"{role}_wild", run=run)
    return [
        K("any", f"Any {what} host", *then, run=run, key=f"{role}_any"),
        K("host", f"A single {what} host", address(f"{what.capitalize()} address", *then, key=f"{role}_host",
                                                    run=run)),
        address(f"{what.capitalize()} address", wildcard, *(then if standard else []), key=role,
                run=run if standard else None),
    ]


def acl_entry_nodes(kind: str, run) -> list[Node]:
    """What follows `permit`/`deny` in a standard or extended list."""
    log = K("log", "Log matches against this entry", run=run, key="log")
    if kind == "standard":
        return endpoints("src", [log], run, standard=True)
    icmp_tail = [K(name, f"ICMP {name.replace('-', ' ')}", log, run=run, key="icmp_type") for name in ICMP_TYPES]
    protocols: list[Node] = []
    for name, help in (("ip", "Any Internet Protocol"), ("tcp", "Transmission Control Protocol"),
                       ("udp", "User Datagram Protocol"), ("icmp", "Internet Control Message Protocol"),
                       ("ospf", "OSPF routing protocol"), ("eigrp", "Cisco's EIGRP routing protocol"),
                       ("gre", "Cisco's GRE tunneling"), ("esp", "Encapsulation Security Payload"),
                       ("ahp", "Authentication Header Protocol"), ("pim", "Protocol Independent Multicast")):
        tail = [log]
        if name == "tcp":
            tail = [log, K("established", "Match established connections", log, run=run, key="established")]
        if name == "icmp":
            tail = icmp_tail + [log]
        dst = endpoints("dst", (ports("dst", tail, run) + tail) if name in ("tcp", "udp") else tail, run)
        src = endpoints("src", (ports("src", dst) + dst) if name in ("tcp", "udp") else dst)
        protocols.append(K(name, help, *src, key="protocol"))
    plain_dst = endpoints("dst", [log], run)
    protocols.append(number(0, 255, "An IP protocol number", *endpoints("src", plain_dst), key="protocol"))
    return protocols


def acl_action_nodes(kind: str, run) -> list[Node]:
    return choice("action", [("deny", "Specify packets to reject"), ("permit", "Specify packets to forward")],
                  *acl_entry_nodes(kind, run))
