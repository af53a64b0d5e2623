"""What each configuration and EXEC command does to the device: small functions taking
(session, args, negate) and returning what the console prints, or raising CommandError with the
message IOS would give. They change the structured model only; show commands compute everything
from it (show.py). The parse trees that call them are in commands.py.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from exams.question_types.ios import show
from exams.question_types.ios.device import (
    DEFAULT_HOSTNAME,
    RESERVED_VLANS,
    DhcpPool,
    Interface,
    Line,
    NatPool,
    NatRule,
    OspfNetwork,
    OspfProcess,
    StaticRoute,
    User,
    Vlan,
    canonical_interface,
    ip_int,
    ip_str,
    length_mask,
    mask_length,
    network_of,
    secret_hash,
)
from exams.question_types.ios.grammar import (
    Args,
    CommandError,
)

if TYPE_CHECKING:
    from exams.question_types.ios.session import Session


CONFIG_BANNER = "Enter configuration commands, one per line.  End with CNTL/Z."
CONFIGURED = "%SYS-5-CONFIG_I: Configured from console by console"


# === EXEC ===================================================================================

def enable(s: Session, a: Args, negate: bool) -> str:
    if s.mode == "exec":
        return ""
    if s.device.enable_secret or s.device.enable_password:
        s.pending = {"kind": "enable", "ask": "Password: ", "secret": True, "tries": 0}
        return ""
    s.enter("exec")
    return ""


def disable(s: Session, a: Args, negate: bool) -> str:
    s.enter("user")
    return ""


def logout(s: Session, a: Args, negate: bool) -> str:
    s.enter("user")
    return f"\n{s.device.hostname} con0 is now available\n\nPress RETURN to get started.\n"


def configure(s: Session, a: Args, negate: bool) -> str:
    s.enter("config")
    return CONFIG_BANNER


def copy_run_start(s: Session, a: Args, negate: bool) -> str:
    s.pending = {"kind": "copy", "ask": "Destination filename [startup-config]? "}
    return ""


def write_memory(s: Session, a: Args, negate: bool) -> str:
    s.device.startup_config = show.running_config(s.device, header=False)
    return "Building configuration...\n[OK]"


def answer_pending(s: Session, line: str) -> str:
    """The answer to a question a command asked (a password, a key size, a file name)."""
    pending, s.pending = s.pending, None
    kind = pending["kind"]
    if kind == "enable":
        device = s.device
        good = (secret_hash(line) == device.enable_secret) if device.enable_secret else line == device.enable_password
        if good:
            s.enter("exec")
            return ""
        if pending["tries"] < 2:
            s.pending = {**pending, "tries": pending["tries"] + 1}
            return ""
        return "% Bad secrets\n"
    if kind == "copy":
        if line not in ("", "startup-config"):
            return "% This lab saves the configuration to startup-config only."
        return write_memory(s, Args(), False)
    if kind == "modulus":
        size = line or "512"
        if not size.isdigit() or not 360 <= int(size) <= 4096:
            return "% Key modulus must be between 360 and 4096 bits."
        return generate_keys(s, int(size), named=True)
    if kind == "replace-keys":
        if line.lower() not in ("y", "yes"):
            return ""
        if pending.get("modulus"):
            return generate_keys(s, pending["modulus"])
        s.pending = {"kind": "modulus", "ask": "How many bits in the modulus [512]: "}
        return "Choose the size of the key modulus in the range of 360 to 4096."
    return ""


# === global configuration ===================================================================

def to_exec(s: Session, a: Args, negate: bool) -> str:
    s.enter("exec")
    return CONFIGURED


def exit_sub(s: Session, a: Args, negate: bool) -> str:
    s.enter("config")
    return ""


def hostname(s: Session, a: Args, negate: bool) -> str:
    if negate:
        s.device.hostname = DEFAULT_HOSTNAME[s.device.platform]
        return ""
    name = a.get("name")
    if not re.fullmatch(r"[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?", name):
        raise CommandError("% Hostname contains one or more illegal characters.")
    s.device.hostname = name
    return ""


def secret_value(a: Args) -> str:
    """A secret as stored: typed in clear (or as type 0) it is hashed; given as type 5/8/9 it is
    already a hash and kept as it is."""
    if a.get("type") in ("5", "8", "9"):
        value = a.get("secret")
        if not value.startswith("$"):
            raise CommandError("ERROR: The secret you entered is not a valid encrypted secret.")
        return value
    return secret_hash(a.get("secret"))


def enable_secret(s: Session, a: Args, negate: bool) -> str:
    s.device.enable_secret = "" if negate else secret_value(a)
    return ""


def enable_password(s: Session, a: Args, negate: bool) -> str:
    if negate:
        s.device.enable_password = ""
    elif a.get("type") == "7":
        raise CommandError("% This lab takes the enable password in clear text: enable password WORD")
    else:
        s.device.enable_password = a.get("secret")
    return ""


def password_encryption(s: Session, a: Args, negate: bool) -> str:
    s.device.password_encryption = not negate
    return ""


def domain_lookup(s: Session, a: Args, negate: bool) -> str:
    s.device.domain_lookup = not negate
    return ""


def domain_name(s: Session, a: Args, negate: bool) -> str:
    s.device.domain_name = "" if negate else a.get("name")
    return ""


def default_gateway(s: Session, a: Args, negate: bool) -> str:
    s.device.default_gateway = None if negate else a.get("address")
    return ""


def crypto_rsa(s: Session, a: Args, negate: bool) -> str:
    device = s.device
    if device.hostname == DEFAULT_HOSTNAME[device.platform]:
        raise CommandError(f"% Please define a hostname other than {device.hostname}.")
    if not device.domain_name:
        raise CommandError("% Please define a domain-name first.")
    modulus = a.get("modulus")
    if device.rsa_modulus and not s.loading:
        s.pending = {"kind": "replace-keys", "modulus": modulus,
                     "ask": "% Do you really want to replace them? [yes/no]: "}
        return f"% You already have RSA keys defined named {device.hostname}.{device.domain_name}."
    if modulus:
        return generate_keys(s, modulus)
    s.pending = {"kind": "modulus", "ask": "How many bits in the modulus [512]: "}
    return (f"The name for the keys will be: {device.hostname}.{device.domain_name}\n"
            "Choose the size of the key modulus in the range of 360 to 4096.")


def generate_keys(s: Session, modulus: int, *, named: bool = False) -> str:
    device = s.device
    device.rsa_modulus = modulus
    name = "" if named else f"The name for the keys will be: {device.hostname}.{device.domain_name}\n\n"
    return (f"{name}% The key modulus size is {modulus} bits\n"
            f"% Generating {modulus} bit RSA keys, keys will be non-exportable...\n"
            "[OK] (elapsed time was 1 seconds)\n\n"
            "%SSH-5-ENABLED: SSH 1.99 has been enabled")


def crypto_zeroize(s: Session, a: Args, negate: bool) -> str:
    if s.device.rsa_modulus is None:
        return "% No Signature RSA Keys found in configuration."
    s.device.rsa_modulus = None
    return "%SSH-5-DISABLED: SSH 1.99 has been disabled"


def ssh_version(s: Session, a: Args, negate: bool) -> str:
    s.device.ssh_version = None if negate else a.get("version")
    if not negate and (s.device.rsa_modulus or 0) < 768 and not s.loading:
        return "Please create RSA keys to enable SSH (and of at least 768 bits for SSH v2)."
    return ""


def username(s: Session, a: Args, negate: bool) -> str:
    name = a.get("name")
    users = s.device.users
    if negate:
        if s.device.user(name) is None:
            raise CommandError(f"% User {name} is not defined.")
        s.device.users = [u for u in users if u.name != name]
        return ""
    user = s.device.user(name) or User(name=name)
    if "privilege" in a:
        user.privilege = a.get("privilege")
    if a.get("how") == "secret":
        user.secret, user.password = secret_value(a), ""
    elif a.get("how") == "password":
        if a.get("type") == "7":
            raise CommandError("% This lab takes the user's password in clear text: password WORD")
        user.password, user.secret = a.get("secret"), ""
    if user not in users:
        users.append(user)
    return ""


def banner_motd(s: Session, a: Args, negate: bool) -> str:
    if negate:
        s.device.banner_motd = ""
        return ""
    text = a.get("text")
    end = text.find(text[0], 1)
    if len(text) < 2 or end == -1:
        raise CommandError("% This lab takes a banner on one line, between two delimiters: banner motd #text#")
    s.device.banner_motd = text[1:end]
    return ""


# --- interfaces -----------------------------------------------------------------------------

def enter_interface(s: Session, a: Args, negate: bool) -> str:
    name = a.get("interface")
    device = s.device
    if negate:
        iface = device.interface(name)
        if iface is None:
            raise CommandError(f"% Interface {name} does not exist")
        if not (iface.kind in ("Loopback", "Vlan") or iface.is_subinterface):
            raise CommandError("% Removal of physical interfaces is not permitted")
        device.interfaces = [i for i in device.interfaces if i.name != name and i.parent != name]
        return ""
    if device.interface(name) is None:
        device.interfaces.append(device.default_interface(name))
    s.enter("config-subif" if "." in name else "config-if", interfaces=[name])
    return ""


def enter_range(s: Session, a: Args, negate: bool) -> str:
    names = interface_range(s, a.get("range"))
    s.enter("config-if-range", interfaces=names)
    return ""


def interface_range(s: Session, text: str) -> list[str]:
    """`g1/0/1 - 12, g1/0/20 - 24` -> every port named, all of which must exist."""
    names: list[str] = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*([A-Za-z-]+\s*[\d/]*?)(\d+)\s*(?:-\s*(\d+))?\s*", part)
        if not m:
            raise CommandError("% Invalid interface range: give it as g1/0/1 - 12, g1/0/20 - 24")
        first, last = int(m.group(2)), int(m.group(3) or m.group(2))
        if last < first:
            raise CommandError("% Invalid interface range: the last port comes before the first")
        for n in range(first, last + 1):
            name = canonical_interface(f"{m.group(1).replace(' ', '')}{n}")
            if name is None or s.device.interface(name) is None:
                raise CommandError(f"% Interface {name or m.group(1) + str(n)} does not exist on this device")
            names.append(name)
    return names


def each(setter: Callable[[Session, Interface, Args, bool], str | None]):
    """An interface command applied to every interface in scope (one, or an `interface range`)."""
    def handler(s: Session, a: Args, negate: bool) -> str:
        outputs = [setter(s, iface, a, negate) for iface in s.targets()]
        return "\n".join(o for o in outputs if o)
    return handler


def set_description(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    text = "" if negate else a.get("text", "")
    if len(text) > 240:
        raise CommandError("% Description is longer than 240 characters.")
    iface.description = text


def set_shutdown(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    iface.shutdown = not negate


def set_address(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    if negate:
        iface.address = iface.mask = None
        iface.address_method = "unset"
        return
    if iface.switchport:
        raise CommandError("% IP addresses may not be configured on L2 links.")
    if iface.is_subinterface and iface.dot1q is None:
        raise CommandError("% Configuring IP routing on a LAN subinterface is only allowed if that subinterface "
                           "is already configured as part of an IEEE 802.1Q vLAN (encapsulation dot1Q first).")
    addr, mask = a.get("address"), a.get("mask")
    length = mask_length(mask)
    if length is None:
        raise CommandError(f"Bad mask 0x{ip_int(mask):X} for address {addr}")
    net = network_of(addr, mask)
    if length < 31 and ipaddress.IPv4Address(addr) in (net.network_address, net.broadcast_address):
        raise CommandError(f"Bad mask /{length} for address {addr}")
    for other in s.device.interfaces:
        if other is not iface and other.network is not None and other.network.overlaps(net):
            raise CommandError(f"% {net.network_address} overlaps with {other.name}")
    iface.address, iface.mask = addr, mask
    iface.address_method = "NVRAM" if s.loading else "manual"


def set_access_group(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    value = None if negate else a.get("acl")
    if a.get("direction") == "in":
        iface.acl_in = value
    else:
        iface.acl_out = value


def set_nat(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    side = a.get("side")
    if negate:
        if iface.nat == side:
            iface.nat = ""
    else:
        iface.nat = side


def set_helper(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    helper = a.get("address")
    if negate:
        iface.helpers = [h for h in iface.helpers if helper and h != helper]
    elif helper not in iface.helpers:
        iface.helpers.append(helper)


def set_ospf_area(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    if negate:
        iface.ospf_area = None
        return
    pid = a.get("pid")
    iface.ospf_area = [pid, area_number(a.get("area"))]
    if s.device.ospf_process(pid) is None:  # as on IOS, naming a process here starts it
        s.device.ospf.append(OspfProcess(pid))
        s.device.ospf.sort(key=lambda p: p.pid)


def set_dot1q(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    if negate:
        iface.dot1q, iface.dot1q_native = None, False
        iface.address = iface.mask = None
        return
    iface.dot1q, iface.dot1q_native = a.get("vlan"), "native" in a


def set_mode(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    iface.mode = "" if negate else a.get("mode")


def set_access_vlan(s: Session, iface: Interface, a: Args, negate: bool) -> str | None:
    if negate:
        iface.access_vlan = 1
        return None
    vlan_id = a.get("vlan")
    iface.access_vlan = vlan_id
    if s.device.vlan(vlan_id) is None:
        s.device.vlans.append(Vlan(vlan_id, f"VLAN{vlan_id:04d}"))
        s.device.vlans.sort(key=lambda v: v.id)
        return f"% Access VLAN does not exist. Creating vlan {vlan_id}"
    return None


def set_allowed(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    every = list(range(1, 4095))
    current = iface.trunk_allowed if iface.trunk_allowed is not None else every
    how, given = a.get("how", "set"), a.get("vlans") or []
    if negate or how == "all":
        iface.trunk_allowed = None
        return
    if how == "none":
        result: list[int] = []
    elif how == "add":
        result = sorted(set(current) | set(given))
    elif how == "remove":
        result = sorted(set(current) - set(given))
    elif how == "except":
        result = sorted(set(every) - set(given))
    else:
        result = given
    iface.trunk_allowed = None if result == every else result


def set_native(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    iface.native_vlan = 1 if negate else a.get("vlan")


def set_trunk_encapsulation(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    iface.trunk_encapsulation = not negate


def set_nonegotiate(s: Session, iface: Interface, a: Args, negate: bool) -> None:
    if not negate and iface.mode not in ("access", "trunk"):
        raise CommandError("Command rejected: Conflict between 'nonegotiate' and 'dynamic' status.")
    iface.nonegotiate = not negate


# --- VLANs ------------------------------------------------------------------------------

def enter_vlan(s: Session, a: Args, negate: bool) -> str:
    ids = a.get("vlans")
    device = s.device
    for vlan_id in ids:
        if vlan_id in RESERVED_VLANS or vlan_id == 1:
            if negate:
                raise CommandError(f"%Default VLAN {vlan_id} may not be deleted.")
            continue
        if negate:
            device.vlans = [v for v in device.vlans if v.id != vlan_id]
        elif device.vlan(vlan_id) is None:
            device.vlans.append(Vlan(vlan_id, f"VLAN{vlan_id:04d}"))
    device.vlans.sort(key=lambda v: v.id)
    if not negate:
        s.enter("config-vlan", vlans=ids)
    return ""


def vlan_name(s: Session, a: Args, negate: bool) -> str:
    for vlan_id in s.context.get("vlans", []):
        vlan = s.device.vlan(vlan_id)
        if vlan is None:
            continue
        if vlan_id == 1 or vlan_id in RESERVED_VLANS:
            raise CommandError(f"%Default VLAN {vlan_id} may not have its name changed.")
        name = f"VLAN{vlan_id:04d}" if negate else a.get("name")
        if len(name) > 32:
            raise CommandError("% VLAN names are at most 32 characters.")
        vlan.name = name
    return ""


# --- routing ----------------------------------------------------------------------------

def area_number(value) -> int:
    return value if isinstance(value, int) else ip_int(value)


def static_route(s: Session, a: Args, negate: bool) -> str:
    prefix, mask = a.get("prefix"), a.get("mask")
    length = mask_length(mask)
    if length is None or ip_int(prefix) & ~ip_int(mask) & 0xFFFFFFFF:
        raise CommandError("%Inconsistent address and mask")
    hop, out = a.get("next_hop"), a.get("interface")
    routes = s.device.static_routes
    if negate:
        keep = [r for r in routes if not (r.prefix == prefix and r.mask == mask
                                          and (hop is None or r.next_hop == hop)
                                          and (out is None or r.interface == out))]
        if len(keep) == len(routes):
            raise CommandError("%No matching route to delete")
        s.device.static_routes = keep
        return ""
    if hop and any(i.address == hop for i in s.device.interfaces):
        raise CommandError("%Invalid next hop address (it's this router)")
    route = StaticRoute(prefix=prefix, mask=mask, next_hop=hop, interface=out, distance=a.get("distance", 1))
    s.device.static_routes = [r for r in routes if (r.prefix, r.mask, r.next_hop, r.interface)
                              != (prefix, mask, hop, out)] + [route]
    return ""


def enter_ospf(s: Session, a: Args, negate: bool) -> str:
    pid = a.get("pid")
    if negate:
        s.device.ospf = [p for p in s.device.ospf if p.pid != pid]
        return ""
    if s.device.ospf_process(pid) is None:
        s.device.ospf.append(OspfProcess(pid))
        s.device.ospf.sort(key=lambda p: p.pid)
    s.enter("config-router", ospf=pid)
    return ""


def ospf(s: Session) -> OspfProcess:
    return s.device.ospf_process(s.context["ospf"])


def router_id(s: Session, a: Args, negate: bool) -> str:
    ospf(s).router_id = None if negate else a.get("address")
    return ""


def ospf_network(s: Session, a: Args, negate: bool) -> str:
    process = ospf(s)
    wildcard = a.get("wildcard")
    net = OspfNetwork(ip_str(ip_int(a.get("address")) & ~ip_int(wildcard)), wildcard, area_number(a.get("area")))
    if negate:
        if net not in process.networks:
            raise CommandError("% OSPF: No matching network statement to remove")
        process.networks.remove(net)
    elif net not in process.networks:
        process.networks.append(net)
    return ""


def passive(s: Session, a: Args, negate: bool) -> str:
    process = ospf(s)
    name = a.get("interface")
    if name is None:  # default
        process.passive_default, process.not_passive = not negate, []
        if not negate:
            process.passive = []
        return ""
    if process.passive_default:
        if negate and name not in process.not_passive:
            process.not_passive.append(name)
        elif not negate and name in process.not_passive:
            process.not_passive.remove(name)
    elif negate and name in process.passive:
        process.passive.remove(name)
    elif not negate and name not in process.passive:
        process.passive.append(name)
    return ""


def default_originate(s: Session, a: Args, negate: bool) -> str:
    ospf(s).default_originate = not negate
    return ""


# --- NAT --------------------------------------------------------------------------------

def nat_rule(s: Session, a: Args, negate: bool) -> str:
    if "local" in a:
        rule = NatRule(kind="static", local=a.get("local"), global_=a.get("global"))
    else:
        rule = NatRule(kind="list", acl=str(a.get("acl")), interface=a.get("interface") or "",
                       pool=a.get("pool") or "", overload="overload" in a)
    rules = s.device.nat_rules
    same = [r for r in rules if (r.kind, r.acl, r.local) == (rule.kind, rule.acl, rule.local)]
    if negate:
        if not same:
            raise CommandError("%Translation not found")
        s.device.nat_rules = [r for r in rules if r not in same]
        return ""
    if rule.pool and s.device.nat_pool(rule.pool) is None and not s.loading:
        raise CommandError(f"%Pool {rule.pool} not found")
    s.device.nat_rules = [r for r in rules if r not in same] + [rule]
    return ""


def nat_pool(s: Session, a: Args, negate: bool) -> str:
    name = a.get("name")
    if negate:
        s.device.nat_pools = [p for p in s.device.nat_pools if p.name != name]
        return ""
    mask = a.get("mask") or length_mask(a.get("length"))
    if mask_length(mask) is None:
        raise CommandError("%Invalid netmask")
    s.device.nat_pools = [p for p in s.device.nat_pools if p.name != name] + [
        NatPool(name=name, start=a.get("start"), end=a.get("end"), mask=mask)]
    return ""


# --- lines ------------------------------------------------------------------------------

def enter_line(s: Session, a: Args, negate: bool) -> str:
    device = s.device
    if a.get("kind") == "console":
        s.enter("config-line", lines=["con", 0, 0])
        return ""
    first = a.get("first")
    last = a.get("last", first)
    if last < first:
        raise CommandError("%Invalid line range")
    for n in range(device.vty_count, last + 1):
        device.lines[f"vty {n}"] = Line()
    device.vty_count = max(device.vty_count, last + 1)
    s.enter("config-line", lines=["vty", first, last])
    return ""


def line_targets(s: Session) -> list[Line]:
    kind, first, last = s.context["lines"]
    if kind == "con":
        return [s.device.lines["con 0"]]
    return s.device.vty_lines(first, last)


def line_password(s: Session, a: Args, negate: bool) -> str:
    if a.get("type") == "7":
        raise CommandError("% This lab takes line passwords in clear text: password WORD")
    for line in line_targets(s):
        line.password = "" if negate else a.get("secret")
    return ""


def line_login(s: Session, a: Args, negate: bool) -> str:
    lines = line_targets(s)
    for line in lines:
        line.login = "" if negate else ("local" if "local" in a else "line")
    if not negate and "local" not in a and any(not line.password for line in lines) and not s.loading:
        return "% Login disabled on line, until 'password' is set"
    return ""


def line_transport(s: Session, a: Args, negate: bool) -> str:
    chosen = a.all("transport")
    for line in line_targets(s):
        line.transport = None if negate else list(dict.fromkeys(chosen))
    return ""


def line_access_class(s: Session, a: Args, negate: bool) -> str:
    if a.get("direction") == "out":
        raise CommandError('% This lab does not support "access-class out".')
    for line in line_targets(s):
        line.access_class = "" if negate else str(a.get("acl"))
    return ""


# --- DHCP -------------------------------------------------------------------------------

def excluded(s: Session, a: Args, negate: bool) -> str:
    low = a.get("low")
    high = a.get("high", low)
    if ip_int(high) < ip_int(low):
        raise CommandError("% The high address must be above the low address.")
    pair = [low, high]
    if negate:
        if pair not in s.device.dhcp_excluded:
            raise CommandError("% Range not found in the excluded addresses.")
        s.device.dhcp_excluded.remove(pair)
    elif pair not in s.device.dhcp_excluded:
        s.device.dhcp_excluded.append(pair)
    return ""


def enter_pool(s: Session, a: Args, negate: bool) -> str:
    name = a.get("name")
    if negate:
        if s.device.dhcp_pool(name) is None:
            raise CommandError(f"%DHCP pool {name} does not exist.")
        s.device.dhcp_pools = [p for p in s.device.dhcp_pools if p.name != name]
        return ""
    if s.device.dhcp_pool(name) is None:
        s.device.dhcp_pools.append(DhcpPool(name=name))
    s.enter("dhcp-config", pool=name)
    return ""


def pool(s: Session) -> DhcpPool:
    return s.device.dhcp_pool(s.context["pool"])


def pool_network(s: Session, a: Args, negate: bool) -> str:
    if negate:
        pool(s).network = None
        return ""
    mask = a.get("mask") or length_mask(int(a.get("length")[1:]))
    if mask_length(mask) is None:
        raise CommandError("% Invalid mask")
    net = network_of(a.get("address"), mask)
    pool(s).network = f"{net.network_address} {mask}"
    return ""


def pool_addresses(field_name: str):
    def handler(s: Session, a: Args, negate: bool) -> str:
        setattr(pool(s), field_name, [] if negate else list(dict.fromkeys(a.all("address"))))
        return ""
    return handler


def pool_domain(s: Session, a: Args, negate: bool) -> str:
    pool(s).domain_name = "" if negate else a.get("name")
    return ""
