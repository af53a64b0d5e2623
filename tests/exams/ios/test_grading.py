"""Grading reads the devices' state: any correct way of getting there passes, and each check
earns its own points."""

import re

import pytest

from exams.question_types.ios import CHECK_KINDS, grade, grade_fraction
from tests.exams.ios.labs import configure, router, switch

OSPF_CHECK = {"kind": "ospf_network", "covers": "192.168.10.0/24", "area": 0, "says": "OSPF runs on the LAN"}
LAN = ["int g0/0/1", "ip address 192.168.10.1 255.255.255.0", "no shutdown"]


def graded(session, checks):
    return grade({"R1": session.device}, checks)


@pytest.mark.parametrize("lines", [
    ["router ospf 1", "network 192.168.10.0 0.0.0.255 area 0"],
    ["router ospf 1", "network 192.168.10.1 0.0.0.0 area 0"],
    ["router ospf 7", "network 192.0.0.0 0.255.255.255 area 0.0.0.0"],
    ["int g0/0/1", "ip ospf 1 area 0"],
])
def test_it_passes_every_correct_way_of_running_ospf_on_a_subnet(lines):
    r1 = router()
    configure(r1, *LAN, *lines)
    assert graded(r1, [OSPF_CHECK])[0].passed


@pytest.mark.parametrize("lines", [
    ["router ospf 1", "network 192.168.10.0 0.0.0.255 area 1"],  # wrong area
    ["router ospf 1", "network 192.168.1.0 0.0.0.255 area 0"],  # a typo in the network
    ["router ospf 1", "network 192.168.10.0 0.0.0.255 area 0", "no network 192.168.10.0 0.0.0.255 area 0"],
])
def test_it_fails_ospf_that_does_not_cover_the_subnet(lines):
    r1 = router()
    configure(r1, *LAN, *lines)
    assert not graded(r1, [OSPF_CHECK])[0].passed


WEB_CHECKS = [
    {"kind": "acl_permits", "acl": "100", "says": "LAN hosts reach the web server over HTTP",
     "packet": {"protocol": "tcp", "src": "10.1.1.5", "dst": "192.0.2.10", "dport": 80}},
    {"kind": "acl_denies", "acl": "100", "says": "LAN hosts cannot telnet to the web server",
     "packet": {"protocol": "tcp", "src": "10.1.1.5", "dst": "192.0.2.10", "dport": 23}},
    {"kind": "acl_denies", "acl": "100", "says": "Other networks cannot reach the web server",
     "packet": {"protocol": "tcp", "src": "10.2.2.5", "dst": "192.0.2.10", "dport": 80}},
    {"kind": "acl_applied", "acl": "100", "interface": "g0/0/1", "direction": "in",
     "says": "The list filters traffic coming in from the LAN"},
]


@pytest.mark.parametrize("lines", [
    ["access-list 100 permit tcp 10.1.1.0 0.0.0.255 host 192.0.2.10 eq www"],
    ["access-list 100 permit tcp 10.1.1.0 0.0.0.255 192.0.2.10 0.0.0.0 eq 80", "access-list 100 deny ip any any"],
    ["ip access-list extended 100", "deny tcp any any eq telnet", "permit tcp 10.1.1.0 0.0.0.255 any range 80 81"],
])
def test_it_passes_different_acls_that_decide_the_same(lines):
    r1 = router()
    configure(r1, *lines, "int g0/0/1", "ip access-group 100 in")
    results = graded(r1, WEB_CHECKS)
    assert all(r.passed for r in results), [r.says for r in results if not r.passed]


def test_it_evaluates_acl_rules_in_order_first_match_wins():
    deny_host = {"kind": "acl_denies", "acl": "10", "packet": {"src": "192.168.10.5"}, "says": "PC5 is blocked"}
    permit_rest = {"kind": "acl_permits", "acl": "10", "packet": {"src": "192.168.10.6"}, "says": "PC6 gets through"}
    right = router()
    configure(right, "access-list 10 deny host 192.168.10.5", "access-list 10 permit 192.168.10.0 0.0.0.255")
    assert [r.passed for r in graded(right, [deny_host, permit_rest])] == [True, True]
    wrong = router()
    configure(wrong, "access-list 10 permit 192.168.10.0 0.0.0.255", "access-list 10 deny host 192.168.10.5")
    assert [r.passed for r in graded(wrong, [deny_host, permit_rest])] == [False, True]
    implicit = router()
    configure(implicit, "access-list 10 deny host 192.168.10.5")  # and nothing else: the implicit deny
    assert [r.passed for r in graded(implicit, [deny_host, permit_rest])] == [True, False]


def test_it_gives_partial_credit_by_points():
    r1 = router()
    configure(r1, "hostname HQ", *LAN)
    checks = [
        {"kind": "hostname", "value": "HQ", "points": 1, "says": "Named HQ"},
        {"kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1/24", "shutdown": False, "points": 2,
         "says": "LAN port addressed and up"},
        {"kind": "static_route", "prefix": "0.0.0.0/0", "next_hop": "203.0.113.1", "points": 3,
         "says": "Default route to the ISP"},
    ]
    results = graded(r1, checks)
    assert [(r.passed, r.points, r.says) for r in results] == [
        (True, 1, "Named HQ"), (True, 2, "LAN port addressed and up"), (False, 3, "Default route to the ISP")]
    assert grade_fraction(results) == pytest.approx(0.5)
    configure(r1, "ip route 0.0.0.0 0.0.0.0 203.0.113.1")
    assert grade_fraction(graded(r1, checks)) == 1


def test_it_grades_every_kind_on_a_configured_router():
    r1 = router(cabled=["g0/0/0", "g0/0/1"])
    configure(
        r1, "hostname HQ", "enable secret class", "service password-encryption",
        "banner motd #Authorized access only#", "ip domain-name lab.example", "crypto key generate rsa modulus 2048",
        "ip ssh version 2", "username admin privilege 15 secret cisco123",
        *LAN, "ip helper-address 10.0.0.53", "ip nat inside", "ip access-group 100 in",
        "int g0/0/1.20", "encapsulation dot1q 20", "ip address 192.168.20.1 255.255.255.0",
        "int g0/0/0", "ip nat outside",
        "router ospf 1", "router-id 1.1.1.1", "network 192.168.10.0 0.0.0.255 area 0", "passive-interface g0/0/1",
        "default-information originate",
        "ip route 0.0.0.0 0.0.0.0 203.0.113.1",
        "access-list 1 permit 192.168.0.0 0.0.255.255", "access-list 100 permit ip any any",
        "access-list 10 permit host 192.168.10.50",
        "ip nat inside source list 1 interface g0/0/0 overload",
        "ip nat inside source static 192.168.10.80 203.0.113.3",
        "ip dhcp excluded-address 192.168.10.1 192.168.10.10", "ip dhcp pool LAN",
        "network 192.168.10.0 /24", "default-router 192.168.10.1", "dns-server 8.8.8.8 1.1.1.1",
        "domain-name lab.example",
        "line con 0", "password cisco", "login",
        "line vty 0 4", "transport input ssh", "login local", "access-class 10 in", "end")
    r1.run("copy running-config startup-config")
    r1.run("")
    checks = [
        {"kind": "hostname", "value": "HQ"},
        {"kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1/24", "shutdown": False, "up": True,
         "nat": "inside", "helper": "10.0.0.53"},
        {"kind": "interface", "name": "g0/0/1.20", "ip": "192.168.20.1/24", "dot1q": 20},
        {"kind": "interface", "name": "g0/0/2", "ip": None, "shutdown": True},
        {"kind": "static_route", "prefix": "0.0.0.0/0", "next_hop": "203.0.113.1", "installed": True},
        {"kind": "ospf_network", "covers": "192.168.10.0/24", "area": 0, "process": 1},
        {"kind": "ospf_router_id", "value": "1.1.1.1"},
        {"kind": "ospf_passive", "interface": "g0/0/1"},
        {"kind": "ospf_passive", "interface": "g0/0/0", "passive": False},
        {"kind": "ospf_default_originate"},
        {"kind": "acl_permits", "acl": "100", "packet": {"protocol": "udp", "src": "1.2.3.4", "dst": "5.6.7.8"}},
        {"kind": "acl_applied", "acl": "100", "interface": "g0/0/1", "direction": "in"},
        {"kind": "acl_applied", "acl": "10", "line": "vty", "direction": "in"},
        {"kind": "ssh_ready", "min_modulus": 1024, "user": "admin", "version": 2},
        {"kind": "enable_secret", "value": "class"},
        {"kind": "user", "name": "admin", "privilege": 15, "secret": "cisco123"},
        {"kind": "line", "line": "con 0", "login": "line", "password": "cisco"},
        {"kind": "line", "line": "vty 0 4", "login": "local", "transport": ["ssh"], "access_class": "10"},
        {"kind": "nat_overload", "inside_host": "192.168.10.25", "inside_interface": "g0/0/1",
         "outside_interface": "g0/0/0"},
        {"kind": "nat_static", "local": "192.168.10.80", "global": "203.0.113.3"},
        {"kind": "dhcp_pool", "network": "192.168.10.0/24", "name": "LAN", "default_router": ["192.168.10.1"],
         "dns_server": ["8.8.8.8"], "domain_name": "LAB.example", "excluded": ["192.168.10.1", "192.168.10.10"]},
        {"kind": "banner", "contains": "authorized  ACCESS"},
        {"kind": "password_encryption"},
        {"kind": "saved"},
    ]
    checks = [{**c, "says": c["kind"]} for c in checks]
    results = graded(r1, checks)
    assert [r.says for r in results if not r.passed] == []
    fresh = router(cabled=[])
    passed_fresh = [c for c, r in zip(checks, graded(fresh, checks), strict=True) if r.passed]
    assert passed_fresh == [checks[3]]  # G0/0/2 left alone is as it came


def test_it_grades_the_switch_kinds():
    s1 = switch(cabled=["g1/0/1", "g1/0/24"])
    configure(s1, "vlan 10", "name SALES", "vlan 99", "int g1/0/1", "switchport mode access",
              "switchport access vlan 10", "int g1/0/24", "switchport mode trunk",
              "switchport trunk allowed vlan 10,20", "switchport trunk allowed vlan add 99",
              "switchport trunk native vlan 99", "ip default-gateway 192.168.99.1", "end")
    checks = [
        {"kind": "vlan", "id": 10, "name": "SALES"},
        {"kind": "vlan", "id": 30, "exists": False},
        {"kind": "access_vlan", "interface": "Gi1/0/1", "vlan": 10},
        {"kind": "trunk", "interface": "g1/0/24", "allowed": [10, 20, 99], "native": 99},
        {"kind": "default_gateway", "value": "192.168.99.1"},
    ]
    checks = [{**c, "says": c["kind"], "device": "S1"} for c in checks]
    assert all(r.passed for r in grade({"S1": s1.device}, checks))
    configure(s1, "int g1/0/1", "no switchport mode", "int g1/0/24", "switchport trunk allowed vlan remove 20")
    assert [r.passed for r in grade({"S1": s1.device}, checks)] == [True, True, False, False, True]


def test_it_needs_ssh_only_on_the_vty_lines_and_a_local_login():
    r1 = router()
    configure(r1, "ip domain-name lab.example", "crypto key generate rsa modulus 1024", "username admin secret x",
              "line vty 0 4", "login local", "transport input ssh telnet")
    ready = [{"kind": "ssh_ready", "says": "SSH is ready"}]
    assert not graded(r1, ready)[0].passed
    configure(r1, "line vty 0 4", "transport input ssh")
    assert graded(r1, ready)[0].passed


def test_it_fails_rather_than_raises_on_checks_it_cannot_evaluate():
    r1 = router()
    checks = [{"kind": "teleport", "says": "?"}, {"kind": "hostname", "says": "no value"}, "not a dict",
              {"kind": "hostname", "value": "R1", "device": "R9", "says": "unknown device"},
              {"kind": "hostname", "value": "R1", "says": "fine"}]
    assert [r.passed for r in graded(r1, checks)] == [False, False, False, False, True]


def test_it_documents_every_check_kind():
    from exams.question_types.ios import checks
    for kind in CHECK_KINDS:
        assert re.search(rf"^\| [^|]*\b{kind}\b", checks.__doc__, re.MULTILINE), kind
