"""Every command the lab takes, mode by mode: a parse tree per mode (keyword -> handler, with the
help text `?` shows), built once at import. The handlers live in handlers.py and acl.py; the walk
that reads a line against a tree is in grammar.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from exams.question_types.ios import show
from exams.question_types.ios.device import (
    ROUTER,
    SWITCH,
)
from exams.question_types.ios.grammar import (
    K,
    Keyword,
    Node,
    Param,
    U,
    address,
    choice,
    interface,
    number,
    rest,
    unsupported,
    vlan_list,
    word,
)

if TYPE_CHECKING:
    pass

from exams.question_types.ios.acl import acl_action_nodes, enter_named_acl, named_entry, numbered_acl
from exams.question_types.ios.handlers import (
    banner_motd,
    configure,
    copy_run_start,
    crypto_rsa,
    crypto_zeroize,
    default_gateway,
    default_originate,
    disable,
    domain_lookup,
    domain_name,
    each,
    enable,
    enable_password,
    enable_secret,
    enter_interface,
    enter_line,
    enter_ospf,
    enter_pool,
    enter_range,
    enter_vlan,
    excluded,
    exit_sub,
    hostname,
    line_access_class,
    line_login,
    line_password,
    line_transport,
    logout,
    nat_pool,
    nat_rule,
    ospf_network,
    passive,
    password_encryption,
    pool_addresses,
    pool_domain,
    pool_network,
    router_id,
    set_access_group,
    set_access_vlan,
    set_address,
    set_allowed,
    set_description,
    set_dot1q,
    set_helper,
    set_mode,
    set_nat,
    set_native,
    set_nonegotiate,
    set_ospf_area,
    set_shutdown,
    set_trunk_encapsulation,
    ssh_version,
    static_route,
    to_exec,
    username,
    vlan_name,
    write_memory,
)


def secret_nodes(run, *, clear_type: str = "0", hashed: tuple[str, ...] = ("5", "8", "9"),
                 what: str = "secret") -> list[Node]:
    """[0|5|8|9] WORD: a type then the value, or the value alone (typed in clear)."""
    value = word(f"The {what}", key="secret", run=run)
    nodes: list[Node] = [K(clear_type, f"Specifies an UNENCRYPTED {what} will follow",
                           word(f"The UNENCRYPTED (cleartext) {what}", key="secret", run=run), key="type")]
    nodes += [K(t, f"Specifies a type {t} hashed {what} will follow",
                word(f"The hashed {what}", key="secret", run=run), key="type") for t in hashed]
    return nodes + [value]


def common_config(mode_exit: Callable) -> list[Node]:
    """What every configuration mode has: exit, end, do and no."""
    return [
        K("do", "To run exec commands in config mode", key=None),
        K("end", "Exit from configure mode", run=to_exec),
        K("exit", "Exit from the current mode", run=mode_exit),
        K("no", "Negate a command or set its defaults"),
    ]


def with_jumps(nodes: list[Node]) -> list[Node]:
    for node in nodes:
        if isinstance(node, Keyword) and node.word == "do":
            node.jump = "exec"
        if isinstance(node, Keyword) and node.word == "no":
            node.jump = "self"
    return sorted(nodes, key=lambda n: n.word if isinstance(n, Keyword) else "~")


def not_shown(node: Node) -> Node:
    """A show command real IOS takes (with whatever follows, as `show interfaces g1/0/24
    switchport`) that this lab does not compute: it says so rather than `% Invalid input`."""
    node.run = node.no_run = unsupported
    node.swallow = True
    return node


def show_nodes(platform: str, *, privileged: bool) -> Keyword:
    def runs(fn):
        return lambda s, a, negate: fn(s.device, a)
    ip_children: list[Node] = [
        K("interface", "IP interface status and configuration",
          K("brief", "Brief summary of IP status and configuration", run=runs(show.ip_interface_brief)),
          not_shown(interface("Interface to show")), run=unsupported),
        K("route", "IP routing table",
          *choice("code", [("connected", "Connected networks"), ("static", "Static routes")],
                  run=runs(show.ip_route)), run=runs(show.ip_route)),
        U("protocols", "IP routing protocol process parameters and statistics"),
        U("arp", "IP ARP table"),
        U("dhcp", "Show items in the DHCP database"),
        U("nat", "IP NAT information"),
        U("ssh", "Information on SSH"),
    ]
    if privileged:
        ip_children.append(K("access-lists", "List IP access lists",
                             word("ACL name or number", key="acl", run=runs(show.access_lists)),
                             run=runs(show.access_lists)))
    if platform == ROUTER:
        ip_children.append(K("ospf", "OSPF information", U("neighbor", "Neighbor list"),
                             U("interface", "Interface information"), U("database", "Database summary"),
                             run=runs(show.ip_ospf)))
    children: list[Node] = [
        K("ip", "IP information", *ip_children),
        K("version", "System hardware and software status", run=runs(show.version)),
        U("clock", "Display the system clock"),
        U("cdp", "CDP information"),
        U("history", "Display the session command history"),
        U("users", "Display information about terminal lines"),
        U("arp", "ARP table"),
    ]
    if platform == SWITCH:
        children += [
            K("vlan", "VTP VLAN status", K("brief", "VTP all VLAN status in brief", run=runs(show.vlan_brief)),
              run=unsupported),
            U("mac", "MAC configuration"),
            U("spanning-tree", "Spanning tree topology"),
            K("interfaces", "Interface status and configuration", K("trunk", "Show interface trunk information",
                                                                     run=runs(show.interfaces_trunk)),
              U("status", "Show interface line status"), not_shown(interface("Interface to show")),
              run=unsupported),
        ]
    else:
        children.append(K("interfaces", "Interface status and configuration",
                          not_shown(interface("Interface to show")), run=unsupported))
    if privileged:
        children += [
            K("running-config", "Current operating configuration",
              K("interface", "Show interface configuration", interface("Interface to show",
                                                                       run=runs(show.show_running))),
              run=runs(show.show_running)),
            K("startup-config", "Contents of startup configuration", run=runs(show.startup)),
            K("access-lists", "List access lists", word("ACL name or number", key="acl", run=runs(show.access_lists)),
              run=runs(show.access_lists)),
        ]
    return K("show", "Show running system information", *children)


def exec_nodes(platform: str, *, privileged: bool) -> list[Node]:
    nodes: list[Node] = [
        show_nodes(platform, privileged=privileged),
        U("ping", "Send echo messages"),
        U("traceroute", "Trace route to destination"),
        U("telnet", "Open a telnet connection"),
        U("ssh", "Open a secure shell client connection"),
        U("terminal", "Set terminal line parameters"),
    ]
    if privileged:
        nodes += [
            K("copy", "Copy from one file to another",
              K("running-config", "Copy from current system configuration",
                K("startup-config", "Copy to startup configuration", run=copy_run_start),
                U("tftp:", "Copy to tftp: file system"), U("flash:", "Copy to flash: file system")),
              U("startup-config", "Copy from startup configuration"), U("tftp:", "Copy from tftp: file system")),
            K("write", "Write running configuration to memory, network, or terminal",
              K("memory", "Write to NV memory", run=write_memory), U("erase", "Erase NV memory"),
              U("terminal", "Write to terminal"), run=write_memory),
            U("clock", "Manage the system clock"),
            U("clear", "Reset functions"),
            U("debug", "Debugging functions"),
            U("undebug", "Disable debugging functions"),
            U("erase", "Erase a filesystem"),
            U("reload", "Halt and perform a cold restart"),
            U("dir", "List files on a filesystem"),
            U("more", "Display the contents of a file"),
        ]
    return nodes


def exec_root(platform: str, *, privileged: bool) -> Node:
    nodes = exec_nodes(platform, privileged=privileged) + [
        K("enable", "Turn on privileged commands", run=enable),
        K("exit", "Exit from the EXEC", run=logout),
        K("logout", "Exit from the EXEC", run=logout),
    ]
    if privileged:
        nodes += [
            K("configure", "Enter configuration mode", K("terminal", "Configure from the terminal", run=configure),
              run=configure),
            K("disable", "Turn off privileged commands", run=disable),
        ]
    return Node(help="", children=sorted(nodes, key=lambda n: n.word))


def interface_nodes(platform: str, *, sub: bool) -> list[Node]:
    """Interface configuration mode (also for ranges and subinterfaces)."""
    acl_name = word("IP access list name or number", key="acl")
    acl_name.children = choice("direction", [("in", "Inbound packets"), ("out", "Outbound packets")],
                               run=each(set_access_group))
    ip_children: list[Node] = [
        K("address", "Set the IP address of an interface",
          address("IP address", address("IP subnet mask", U("secondary", "Make this IP address a secondary address"),
                                        key="mask", run=each(set_address)), key="address"),
          U("dhcp", "IP Address negotiated via DHCP"), no_run=each(set_address)),
        K("access-group", "Specify access control for packets", acl_name, no_run=None),
        K("helper-address", "Specify a destination address for UDP broadcasts",
          address("IP destination address", key="address", run=each(set_helper)), no_run=each(set_helper)),
        U("mtu", "Set IP Maximum Transmission Unit"),
        U("proxy-arp", "Enable proxy ARP"),
        U("dhcp", "Configure DHCP parameters for this interface"),
    ]
    if platform == ROUTER:
        ip_children.append(K("nat", "NAT interface commands",
                             *choice("side", [("inside", "Inside interface for address translation"),
                                              ("outside", "Outside interface for address translation")],
                                     run=each(set_nat))))
        ip_children.append(K("ospf", "OSPF interface commands",
                             number(1, 65535, "Process ID",
                                    K("area", "Set the OSPF area ID",
                                      number(0, 4294967295, "OSPF area ID as a decimal value", key="area",
                                             run=each(set_ospf_area)),
                                      address("OSPF area ID in IP address format", key="area",
                                              run=each(set_ospf_area))), key="pid"),
                             U("cost", "Interface cost"), U("priority", "Router priority"),
                             U("hello-interval", "Time between HELLO packets"),
                             U("dead-interval", "Interval after which a neighbor is declared dead"),
                             U("network", "Network type"), no_run=each(set_ospf_area)))
    nodes: list[Node] = [
        K("description", "Interface specific description", rest("Up to 240 characters describing this interface",
                                                                 key="text", run=each(set_description)),
          no_run=each(set_description)),
        K("shutdown", "Shutdown the selected interface", run=each(set_shutdown)),
        K("ip", "Interface Internet Protocol config commands", *ip_children),
        U("ipv6", "IPv6 interface subcommands"),
        U("cdp", "CDP interface subcommands"),
        U("bandwidth", "Set bandwidth informational parameter"),
        U("standby", "HSRP interface configuration commands"),
    ]
    if sub:
        nodes.append(K("encapsulation", "Set encapsulation type for an interface",
                       K("dot1q", "IEEE 802.1Q Virtual LAN",
                         number(1, 4094, "IEEE 802.1Q VLAN ID", K("native", "Make this as native VLAN", run=each(set_dot1q),
                                                                  key="native"),
                                key="vlan", run=each(set_dot1q)), no_run=each(set_dot1q)), no_run=each(set_dot1q)))
    else:
        nodes += [U("duplex", "Configure duplex operation"), U("speed", "Configure speed operation"),
                  U("negotiation", "Select autonegotiation mode"), U("mtu", "Set the interface Maximum Transmission Unit")]
    if platform == SWITCH and not sub:
        vlans_then = vlan_list("VLAN IDs of the allowed VLANs when this port is in trunking mode", key="vlans",
                               run=each(set_allowed))
        nodes.append(K("switchport", "Set switching mode characteristics",
                       K("mode", "Set trunking mode of the interface",
                         *choice("mode", [("access", "Set trunking mode to ACCESS unconditionally"),
                                          ("trunk", "Set trunking mode to TRUNK unconditionally")], run=each(set_mode)),
                         U("dynamic", "Set trunking mode to dynamically negotiate access or trunk mode"),
                         no_run=each(set_mode)),
                       K("access", "Set access mode characteristics of the interface",
                         K("vlan", "Set VLAN when interface is in access mode",
                           number(1, 4094, "VLAN ID of the VLAN when this port is in access mode", key="vlan",
                                  run=each(set_access_vlan)), no_run=each(set_access_vlan))),
                       K("trunk", "Set trunking characteristics of the interface",
                         K("allowed", "Set allowed VLAN characteristics when interface is in trunking mode",
                           K("vlan", "Set allowed VLANs when interface is in trunking mode", vlans_then,
                             *choice("how", [("add", "add VLANs to the current list"),
                                             ("except", "all VLANs except the following"),
                                             ("remove", "remove VLANs from the current list")],
                                     vlan_list("VLAN IDs", key="vlans", run=each(set_allowed))),
                             *choice("how", [("all", "all VLANs"), ("none", "no VLANs")], run=each(set_allowed)),
                             no_run=each(set_allowed))),
                         K("native", "Set trunking native characteristics when interface is in trunking mode",
                           K("vlan", "Set native VLAN when interface is in trunking mode",
                             number(1, 4094, "VLAN ID of the native VLAN when this port is in trunking mode",
                                    key="vlan", run=each(set_native)), no_run=each(set_native))),
                         K("encapsulation", "Set trunking encapsulation when interface is in trunking mode",
                           K("dot1q", "Interface uses only 802.1q trunking encapsulation when trunking",
                             run=each(set_trunk_encapsulation)), no_run=each(set_trunk_encapsulation))),
                       K("nonegotiate", "Device will not engage in negotiation protocol on this interface",
                         run=each(set_nonegotiate)),
                       U("port-security", "Security related command"),
                       U("voice", "Voice appliance attributes")))
        nodes += [U("spanning-tree", "Spanning Tree Subsystem"), U("channel-group", "Etherchannel/port bundling "
                                                                                     "configuration")]
    return nodes + common_config(exit_sub)


def acl_id(help: str, *children: Node, key: str, run=None, no_run=None) -> Param:
    """An access list named by number or name (IOS takes either wherever a list is applied)."""
    return word(help, *children, key=key, run=run, no_run=no_run)


def global_nodes(platform: str) -> list[Node]:
    username_tail = [
        K("privilege", "Set user privilege level",
          number(0, 15, "User privilege level", key="privilege", run=username), key=None),
        K("secret", "Specify the secret for the user", *secret_nodes(username), key="how"),
        K("password", "Specify the password for the user",
          *secret_nodes(username, hashed=("7",), what="password"), key="how"),
    ]
    privilege = username_tail[0]
    privilege.children[0].children = username_tail[1:]
    modulus = K("modulus", "Provide number of modulus bits on the command line",
                number(360, 4096, "size of the key modulus [360-4096]", key="modulus", run=crypto_rsa))
    nodes: list[Node] = [
        K("hostname", "Set system's network name", word("This system's network name", key="name", run=hostname),
          no_run=hostname),
        K("enable", "Modify enable password parameters",
          K("secret", "Assign the privileged level secret", *secret_nodes(enable_secret), no_run=enable_secret),
          K("password", "Assign the privileged level password",
            *secret_nodes(enable_password, hashed=("7",), what="password"), no_run=enable_password)),
        K("service", "Modify use of network based services",
          K("password-encryption", "Encrypt system passwords", run=password_encryption),
          U("timestamps", "Timestamp debug/log messages"), U("pad", "Enable PAD commands")),
        K("username", "Establish User Name Authentication",
          word("User name", *username_tail, key="name", no_run=username)),
        K("banner", "Define a login banner",
          K("motd", "Set Message of the Day banner", rest("c banner-text c, where 'c' is a delimiting character",
                                                          key="text", run=banner_motd), no_run=banner_motd),
          U("login", "Set login banner"), U("exec", "Set EXEC process creation banner")),
        K("crypto", "Encryption module",
          K("key", "Long term key operations",
            K("generate", "Generate new keys",
              K("rsa", "Generate RSA keys",
                K("general-keys", "Generate a general purpose RSA key pair for signing and encryption", modulus,
                  run=crypto_rsa),
                modulus, run=crypto_rsa)),
            K("zeroize", "Remove keys", K("rsa", "Remove RSA keys", run=crypto_zeroize)))),
        K("interface", "Select an interface to configure",
          interface("Interface to configure", create=True, run=enter_interface),
          K("range", "interface range command", rest("Interfaces, e.g. g1/0/1 - 12, g1/0/20 - 24", key="range",
                                                     run=enter_range))),
        K("line", "Configure a terminal line",
          K("console", "Primary terminal line", number(0, 0, "First Line number", key="first", run=enter_line),
            key="kind"),
          K("vty", "Virtual terminal", number(0, 15, "First Line number",
                                              number(1, 15, "Last Line number", key="last", run=enter_line),
                                              key="first", run=enter_line), key="kind"),
          U("aux", "Auxiliary line")),
        K("access-list", "Add an access list entry",
          *[number(low, high, f"IP {kind} access list", K("remark", "Access list entry comment",
                                                          rest("Comment up to 100 characters", key="remark",
                                                               run=numbered_acl)),
                   *acl_action_nodes(kind, numbered_acl), key="number", no_run=numbered_acl)
            for low, high, kind in ((1, 99, "standard"), (100, 199, "extended"), (1300, 1999, "standard"),
                                    (2000, 2699, "extended"))]),
        K("ip", "Global IP configuration subcommands",
          K("domain-name", "Define the default domain name", word("Default domain name", key="name",
                                                                  run=domain_name), no_run=domain_name),
          K("domain", "IP DNS Resolver",
            K("name", "Define the default domain name", word("Default domain name", key="name", run=domain_name),
              no_run=domain_name),
            K("lookup", "Enable IP Domain Name System hostname translation", run=domain_lookup)),
          K("domain-lookup", "Enable IP Domain Name System hostname translation", run=domain_lookup),
          K("ssh", "Configure ssh options", K("version", "Specify protocol version supported",
                                              number(1, 2, "Protocol version", key="version", run=ssh_version),
                                              no_run=ssh_version),
            U("time-out", "Specify SSH time-out interval"),
            U("authentication-retries", "Specify number of authentication retries")),
          K("access-list", "Named access-list",
            *[K(kind, f"{kind.capitalize()} Access List",
                word("Access-list name or number", key="name", run=enter_named_acl, no_run=enter_named_acl),
                key="kind") for kind in ("standard", "extended")]),
          K("dhcp", "Configure DHCP server and relay parameters",
            K("excluded-address", "Prevent DHCP from assigning certain addresses",
              address("Low IP address", address("High IP address", key="high", run=excluded), key="low",
                      run=excluded)),
            K("pool", "Configure DHCP address pools", word("Pool name", key="name", run=enter_pool)),
            U("snooping", "DHCP Snooping")),
          U("http", "HTTP server configuration"),
          U("name-server", "Specify address of name server to use"),
          U("dns", "Configure DNS server for a zone"),
          U("ftp", "FTP configuration commands"),
          U("tftp", "tftp configuration commands"),
          U("arp", "Set a static ARP entry")),
        U("spanning-tree", "Spanning Tree Subsystem"),
        U("vtp", "Configure global VTP state"),
        U("cdp", "Global CDP configuration subcommands"),
        U("lldp", "Global LLDP configuration subcommands"),
        U("ntp", "Configure NTP"),
        U("logging", "Modify message logging facilities"),
        U("snmp-server", "Modify SNMP engine parameters"),
        U("aaa", "Authentication, Authorization and Accounting."),
        U("clock", "Configure time-of-day clock"),
        U("ipv6", "Global IPv6 configuration commands"),
        U("login", "Enable secure login checking"),
        U("errdisable", "Error disable"),
        U("default", "Set a command to its defaults"),
        U("security", "Infra Security CLIs"),
        U("archive", "Archive the configuration"),
    ]
    ip_node = next(n for n in nodes if isinstance(n, Keyword) and n.word == "ip")
    if platform == ROUTER:
        hop_tail = [number(1, 255, "Distance metric for this route", key="distance", run=static_route),
                    U("name", "Specify name of the next hop"), U("permanent", "permanent route"),
                    U("track", "Install route depending on tracked item")]
        ip_node.children += [
            K("route", "Establish static routes",
              address("Destination prefix",
                      address("Destination prefix mask",
                              address("Forwarding router's address", *hop_tail, key="next_hop", run=static_route),
                              interface("Exit interface",
                                        address("Forwarding router's address", *hop_tail, key="next_hop",
                                                run=static_route),
                                        *hop_tail, run=static_route),
                              key="mask", no_run=static_route), key="prefix")),
            K("nat", "NAT configuration commands",
              K("inside", "Inside address translation",
                K("source", "Source address translation",
                  K("list", "Specify access list describing local addresses",
                    acl_id("Access list number or name for local addresses",
                           K("interface", "Specify interface for global address",
                             interface("Interface whose address is used", K("overload", "Overload an address "
                                                                                        "translation", key="overload",
                                                                                        run=nat_rule), run=nat_rule)),
                           K("pool", "Name pool of global addresses",
                             word("Pool name for global addresses", K("overload", "Overload an address translation",
                                                                       key="overload", run=nat_rule),
                                  key="pool", run=nat_rule)),
                           key="acl", no_run=nat_rule)),
                  K("static", "Specify static local->global mapping",
                    address("Inside local IP address", address("Inside global IP address", key="global",
                                                                run=nat_rule), key="local")))),
              K("pool", "Define pool of addresses",
                word("Pool name", address("Start IP address", address(
                    "End IP address",
                    K("netmask", "Specify the network mask", address("Network mask", key="mask", run=nat_pool)),
                    K("prefix-length", "Specify the prefix length", number(1, 32, "Prefix length", key="length",
                                                                            run=nat_pool)),
                    key="end"), key="start"), key="name", no_run=nat_pool)),
              U("outside", "Outside address translation"),
              U("translation", "NAT translation entry configuration")),
            U("routing", "Enable IP routing"),
        ]
        nodes += [
            K("router", "Enable a routing process",
              K("ospf", "Open Shortest Path First (OSPF)", number(1, 65535, "Process ID", key="pid", run=enter_ospf)),
              U("eigrp", "Enhanced Interior Gateway Routing Protocol (EIGRP)"),
              U("rip", "Routing Information Protocol (RIP)"),
              U("bgp", "Border Gateway Protocol (BGP)")),
        ]
    else:
        ip_node.children += [
            K("default-gateway", "Specify default gateway (if not routing IP)",
              address("IP address of default gateway", key="address", run=default_gateway), no_run=default_gateway),
            U("routing", "Enable IP routing"),
        ]
        nodes += [
            K("vlan", "VLAN commands", vlan_list("ISL VLAN IDs 1-1005, or a range such as 10,20-30", key="vlans",
                                                 run=enter_vlan)),
            U("mac", "Global MAC configuration subcommands"),
            U("port-channel", "EtherChannel configuration"),
        ]
    return nodes + common_config(to_exec)


def router_nodes() -> list[Node]:
    return [
        K("router-id", "router-id for this OSPF process", address("OSPF router-id in IP address format",
                                                                  key="address", run=router_id), no_run=router_id),
        K("network", "Enable routing on an IP network",
          address("Network number", address("OSPF wild card bits",
                                            K("area", "Set the OSPF area ID",
                                              number(0, 4294967295, "OSPF area ID as a decimal value", key="area",
                                                     run=ospf_network),
                                              address("OSPF area ID in IP address format", key="area",
                                                      run=ospf_network)), key="wildcard"), key="address")),
        K("passive-interface", "Suppress routing updates on an interface",
          K("default", "Suppress routing updates on all interfaces", run=passive),
          interface("Interface to make passive", run=passive)),
        K("default-information", "Control distribution of default information",
          K("originate", "Distribute a default route", run=default_originate)),
        U("auto-cost", "Calculate OSPF interface cost according to bandwidth"),
        U("redistribute", "Redistribute information from another routing protocol"),
        U("area", "OSPF area parameters"),
        U("maximum-paths", "Forward packets over multiple paths"),
        U("log-adjacency-changes", "Log changes in adjacency state"),
        U("distance", "Define an administrative distance"),
    ] + common_config(exit_sub)


def line_nodes() -> list[Node]:
    return [
        K("password", "Set a password", *secret_nodes(line_password, hashed=("7",), what="password"),
          no_run=line_password),
        K("login", "Enable password checking", K("local", "Local password checking", key="local", run=line_login),
          run=line_login),
        K("transport", "Define transport protocols for line",
          K("input", "Define which protocols to use when connecting to the terminal server",
            K("ssh", "TCP/IP SSH protocol", K("telnet", "TCP/IP Telnet protocol", key="transport", run=line_transport),
              key="transport", run=line_transport),
            K("telnet", "TCP/IP Telnet protocol", K("ssh", "TCP/IP SSH protocol", key="transport", run=line_transport),
              key="transport", run=line_transport),
            *choice("transport", [("all", "All protocols"), ("none", "No protocols")], run=line_transport),
            no_run=line_transport),
          U("output", "Define which protocols to use for outgoing connections")),
        K("access-class", "Filter connections based on an IP access list",
          acl_id("IP access list", *choice("direction", [("in", "Filter incoming connections"),
                                                          ("out", "Filter outgoing connections")],
                                           run=line_access_class), key="acl", no_run=line_access_class)),
        U("exec-timeout", "Set the EXEC timeout"),
        U("logging", "Modify message logging facilities"),
        U("privilege", "Change privilege level for line"),
        U("history", "Enable and control the command history function"),
    ] + common_config(exit_sub)


def dhcp_nodes() -> list[Node]:
    def addresses(run, help: str) -> Param:
        node = address(help, key="address", run=run)
        chain = node
        for _ in range(7):
            nxt = address(help, key="address", run=run)
            chain.children = [nxt]
            chain = nxt
        return node
    return [
        K("network", "Network number and mask",
          address("Network number in dotted-decimal notation",
                  address("Network mask", key="mask", run=pool_network),
                  word("/nn or A.B.C.D  Network mask or prefix length", key="length", run=pool_network,
                       label="/nn", pattern=r"/([0-9]|[12][0-9]|3[0-2])"), key="address"), no_run=pool_network),
        K("default-router", "Default routers", addresses(pool_addresses("default_router"), "Router's IP address"),
          no_run=pool_addresses("default_router")),
        K("dns-server", "DNS servers", addresses(pool_addresses("dns_server"), "Server's IP address"),
          no_run=pool_addresses("dns_server")),
        K("domain-name", "Domain name", word("Domain name", key="name", run=pool_domain), no_run=pool_domain),
        U("lease", "Address lease time"),
        U("option", "Raw DHCP options"),
        U("netbios-name-server", "NetBIOS (WINS) name servers"),
    ] + common_config(exit_sub)


def nacl_nodes(kind: str) -> list[Node]:
    remark = K("remark", "Access list entry comment", rest("Comment up to 100 characters", key="remark",
                                                           run=named_entry))
    return [
        number(1, 2147483647, "Sequence Number", *acl_action_nodes(kind, named_entry), remark, key="seq",
               no_run=named_entry),
        *acl_action_nodes(kind, named_entry),
        remark,
    ] + common_config(exit_sub)


def vlan_nodes() -> list[Node]:
    return [
        K("name", "Ascii name of the VLAN", word("The ascii name for the VLAN", key="name", run=vlan_name),
          no_run=vlan_name),
        U("state", "Operational state of the VLAN"),
        U("shutdown", "Shutdown VLAN switching"),
    ] + common_config(exit_sub)


def build_roots() -> dict[tuple[str, str], Node]:
    roots: dict[tuple[str, str], Node] = {}
    for platform in (ROUTER, SWITCH):
        roots["user", platform] = exec_root(platform, privileged=False)
        roots["exec", platform] = exec_root(platform, privileged=True)
        roots["do", platform] = Node(help="", children=exec_nodes(platform, privileged=True))
        modes = {
            "config": global_nodes(platform),
            "config-if": interface_nodes(platform, sub=False),
            "config-if-range": interface_nodes(platform, sub=False),
            "config-line": line_nodes(),
            "dhcp-config": dhcp_nodes(),
            "config-std-nacl": nacl_nodes("standard"),
            "config-ext-nacl": nacl_nodes("extended"),
        }
        if platform == ROUTER:
            modes["config-subif"] = interface_nodes(platform, sub=True)
            modes["config-router"] = router_nodes()
        else:
            modes["config-vlan"] = vlan_nodes()
        for mode, nodes in modes.items():
            roots[mode, platform] = Node(help="", children=with_jumps(nodes))
    return roots


ROOTS = build_roots()


def root(mode: str, platform: str) -> Node:
    """The parse tree of a mode on a platform; a mode the platform lacks has an empty tree."""
    return ROOTS.get((mode, platform)) or Node(help="")
