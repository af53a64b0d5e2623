"""The CCNA CLI labs of the seed (the cli questions of exams/seed_data/200-301.json), typed through
the interpreter as a learner would: each correct way of doing the task earns every check, and the
untouched lab earns less than half."""

import json
from pathlib import Path

import pytest

from exams.question_types.ios import grade, grade_fraction, lab_errors, lab_sessions

LABS_FILE = Path(__file__).resolve().parents[3] / "exams" / "seed_data" / "200-301.json"


REFUSALS = ("% Invalid input", "% Incomplete command", "% Ambiguous command", "% This lab does not support",
            "overlaps with", "% Duplicate", "% Please")


def labs() -> dict[str, dict]:
    questions = json.loads(LABS_FILE.read_text())["questions"]
    return {q["key"]: q["simulation_data"] for q in questions if q["type"] == "cli"}


def run(lab: dict, typed: dict[str, list[str]]) -> dict:
    """Type each device's lines into a fresh terminal; the devices as left, and every output."""
    sessions = lab_sessions(lab)
    outputs = {}
    for name, lines in typed.items():
        outputs[name] = [sessions[name].run(line).output for line in lines]
    return {"devices": {name: s.device for name, s in sessions.items()}, "outputs": outputs}


def failed(lab: dict, devices: dict) -> list[str]:
    return [r.says for r in grade(devices, lab["checks"]) if not r.passed]


def assert_full_marks(key: str, typed: dict[str, list[str]]) -> dict:
    lab = labs()[key]
    result = run(lab, typed)
    refused = [(name, line, out) for name, lines in typed.items()
               for line, out in zip(lines, result["outputs"][name], strict=True)
               if any(marker in out for marker in REFUSALS)]
    assert refused == []
    assert failed(lab, result["devices"]) == []
    assert grade_fraction(grade(result["devices"], lab["checks"])) == 1.0
    return result


VLANS_AND_TRUNK = [
    "enable", "configure terminal",
    "vlan 10", "name SALES", "vlan 20", "name ENGINEERING", "exit",
    "interface range GigabitEthernet1/0/5 - 6", "switchport mode access", "switchport access vlan 10",
    "interface range GigabitEthernet1/0/13 - 14", "switchport mode access", "switchport access vlan 20",
    "interface GigabitEthernet1/0/24", "switchport mode trunk", "switchport trunk allowed vlan 10,20", "end",
]
ROUTER_ON_A_STICK = [
    "enable", "configure terminal",
    "interface GigabitEthernet0/0/1", "no shutdown",
    "interface GigabitEthernet0/0/1.10", "encapsulation dot1Q 10", "ip address 10.20.10.1 255.255.255.0",
    "interface GigabitEthernet0/0/1.20", "encapsulation dot1Q 20", "ip address 10.20.20.1 255.255.255.0",
    "interface GigabitEthernet0/0/1.99", "encapsulation dot1Q 99 native", "ip address 10.20.99.1 255.255.255.0",
    "end",
]
STATIC_ROUTES = [
    "enable", "configure terminal",
    "interface GigabitEthernet0/0/2", "no shutdown", "exit",
    "ip route 0.0.0.0 0.0.0.0 203.0.113.1",
    "ip route 10.2.0.0 255.255.0.0 10.0.12.2",
    "ip route 0.0.0.0 0.0.0.0 10.0.12.2 250",
    "end",
]
OSPF_NETWORKS = [
    "enable", "configure terminal",
    "router ospf 10", "router-id 10.255.0.2",
    "network 10.0.12.0 0.0.0.3 area 0", "network 172.16.30.0 0.0.0.255 area 0",
    "passive-interface GigabitEthernet0/0/1", "end",
]
NAMED_ACL = [
    "enable", "configure terminal",
    "ip access-list extended SALES-IN",
    "remark Sales may reach the intranet server on HTTP and HTTPS only",
    "permit tcp 10.10.20.0 0.0.0.255 host 10.10.50.10 eq www",
    "permit tcp 10.10.20.0 0.0.0.255 host 10.10.50.10 eq 443",
    "deny ip 10.10.20.0 0.0.0.255 host 10.10.50.10",
    "permit ip any any", "exit",
    "interface GigabitEthernet0/0/0", "ip access-group SALES-IN in", "end",
]
PAT = [
    "enable", "configure terminal",
    "access-list 1 permit 10.30.0.0 0.0.0.255",
    "ip nat inside source list 1 interface GigabitEthernet0/0/0 overload",
    "interface GigabitEthernet0/0/1", "ip nat inside",
    "interface GigabitEthernet0/0/0", "ip nat outside", "end",
]
SSH_ONLY = [
    "enable", "configure terminal",
    "ip default-gateway 10.30.0.1",
    "ip domain name branch3.example.com",
    "crypto key generate rsa modulus 2048",
    "ip ssh version 2",
    "username netops privilege 15 secret Lab-Pass-2026",
    "line vty 0 15", "login local", "transport input ssh", "end",
]


@pytest.mark.parametrize("key", ["200-301-c01", "200-301-c02", "200-301-c03", "200-301-c04", "200-301-c05",
                                 "200-301-c06"])
def test_it_scores_an_untouched_lab_below_half_and_finds_nothing_wrong_with_it(key):
    lab = labs()[key]
    assert lab_errors(lab) == []
    untouched = {name: s.device for name, s in lab_sessions(lab).items()}
    assert grade_fraction(grade(untouched, lab["checks"])) < 0.5


def test_it_has_the_six_labs_as_cli_questions_worth_three_points():
    questions = [q for q in json.loads(LABS_FILE.read_text())["questions"] if q["key"].startswith("200-301-c")]
    assert [q["key"] for q in questions] == [f"200-301-c0{n}" for n in range(1, 7)]
    assert all(q["type"] == "cli" and q["points"] == 3 and "choices" not in q for q in questions)


def test_it_gives_full_marks_for_vlans_access_ports_and_a_pruned_trunk():
    result = assert_full_marks("200-301-c01", {"ACC-SW1": VLANS_AND_TRUNK + ["show vlan brief"]})
    vlan_brief = result["outputs"]["ACC-SW1"][-1]
    assert "10   SALES                            active    Gi1/0/5, Gi1/0/6" in vlan_brief
    assert "Gi1/0/24" not in vlan_brief  # a trunk is not listed under a VLAN


def test_it_gives_full_marks_for_vlans_made_by_access_ports_then_named_and_a_trunk_built_up_with_add():
    assert_full_marks("200-301-c01", {"ACC-SW1": [
        "en", "conf t",
        "int g1/0/5", "sw mode acc", "sw acc vlan 10",
        "int gi1/0/6", "switchport access vlan 10", "switchport mode access",
        "int range gi1/0/13 - 14", "sw mo acc", "sw acc vl 20",
        "vlan 10", "name SALES", "vlan 20", "name ENGINEERING",
        "int g1/0/24", "sw trunk allowed vlan 10", "sw trunk allowed vlan add 20", "sw mode trunk", "end",
    ]})


def test_it_takes_marks_off_a_trunk_that_still_carries_every_vlan():
    lab = labs()["200-301-c01"]
    result = run(lab, {"ACC-SW1": [line for line in VLANS_AND_TRUNK if "allowed" not in line]})
    assert failed(lab, result["devices"]) == ["Gi1/0/24 is a static trunk carrying only VLANs 10 and 20"]


def test_it_gives_full_marks_for_router_on_a_stick():
    result = assert_full_marks("200-301-c02", {"BR2-RTR": ROUTER_ON_A_STICK + ["show ip route"]})
    routes = result["outputs"]["BR2-RTR"][-1]
    assert "C        10.20.10.0/24 is directly connected, GigabitEthernet0/0/1.10" in routes
    assert "C        10.20.99.0/24 is directly connected, GigabitEthernet0/0/1.99" in routes


def test_it_gives_full_marks_for_subinterfaces_made_first_and_the_port_brought_up_last():
    assert_full_marks("200-301-c02", {"BR2-RTR": [
        "en", "conf t",
        "int g0/0/1.99", "encapsulation dot1q 99 native", "ip add 10.20.99.1 255.255.255.0",
        "int gi0/0/1.20", "encap dot1q 20", "ip addr 10.20.20.1 255.255.255.0",
        "int gi 0/0/1.10", "encap dot1q 10", "ip addr 10.20.10.1 255.255.255.0",
        "int g0/0/1", "no shut", "end",
    ]})


def test_it_takes_marks_off_a_native_vlan_subinterface_that_is_tagged():
    lab = labs()["200-301-c02"]
    typed = [line.replace("dot1Q 99 native", "dot1Q 99") for line in ROUTER_ON_A_STICK]
    result = run(lab, {"BR2-RTR": typed})
    assert failed(lab, result["devices"]) == ["Gi0/0/1.99 handles untagged native VLAN 99 with 10.20.99.1/24"]


def test_it_gives_full_marks_for_the_default_hq_and_floating_routes():
    result = assert_full_marks("200-301-c03", {"BR1": STATIC_ROUTES + ["show ip route"]})
    table = result["outputs"]["BR1"][-1]
    assert "Gateway of last resort is 203.0.113.1 to network 0.0.0.0" in table
    assert "S        10.2.0.0/16 [1/0] via 10.0.12.2" in table
    assert "[250/0]" not in table  # the floating route waits outside the table


def test_it_gives_full_marks_for_routes_with_exit_interfaces_typed_before_the_link_is_up():
    assert_full_marks("200-301-c03", {"BR1": [
        "en", "conf t",
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet0/0/0 203.0.113.1",
        "ip route 0.0.0.0 0.0.0.0 GigabitEthernet0/0/2 10.0.12.2 250",
        "ip route 10.2.0.0 255.255.0.0 GigabitEthernet0/0/2 10.0.12.2",
        "int g0/0/2", "no shutdown", "end",
    ]})


def test_it_takes_marks_off_a_route_through_a_link_left_down_and_a_floating_route_at_distance_one():
    lab = labs()["200-301-c03"]
    typed = [line for line in STATIC_ROUTES if line != "no shutdown"]
    typed = [line.replace("10.0.12.2 250", "10.0.12.2") for line in typed]
    result = run(lab, {"BR1": typed})
    assert failed(lab, result["devices"]) == [
        "Gi0/0/2 (the link to HQ1) is up",
        "A route to 10.2.0.0/16 through 10.0.12.2 is in the routing table",
        "A floating default route through 10.0.12.2 has administrative distance 250",
    ]


def test_it_gives_full_marks_for_ospf_network_statements_and_a_passive_lan():
    assert_full_marks("200-301-c04", {"R2": OSPF_NETWORKS})


def test_it_gives_full_marks_for_ospf_enabled_on_interfaces_with_passive_by_default():
    assert_full_marks("200-301-c04", {"R2": [
        "en", "conf t",
        "router ospf 10", "router-id 10.255.0.2", "passive-interface default",
        "no passive-interface gi0/0/0", "exit",
        "int g0/0/0", "ip ospf 10 area 0",
        "int g0/0/1", "ip ospf 10 area 0.0.0.0", "end",
    ]})


def test_it_takes_marks_off_passive_by_default_that_silences_the_link_to_r1():
    lab = labs()["200-301-c04"]
    typed = [line.replace("passive-interface GigabitEthernet0/0/1", "passive-interface default")
             for line in OSPF_NETWORKS]
    result = run(lab, {"R2": typed})
    assert failed(lab, result["devices"]) == ["Gi0/0/0 still sends OSPF hellos (not passive)"]


def test_it_gives_full_marks_for_the_named_acl_inbound_on_the_sales_interface():
    result = assert_full_marks("200-301-c05", {"CORE-RTR": NAMED_ACL + ["show ip access-lists SALES-IN"]})
    assert result["outputs"]["CORE-RTR"][-1].splitlines() == [
        "Extended IP access list SALES-IN",
        "    10 permit tcp 10.10.20.0 0.0.0.255 host 10.10.50.10 eq www",
        "    20 permit tcp 10.10.20.0 0.0.0.255 host 10.10.50.10 eq 443",
        "    30 deny   ip 10.10.20.0 0.0.0.255 host 10.10.50.10",
        "    40 permit ip any any",
    ]


def test_it_gives_full_marks_for_the_acl_written_with_sequence_numbers_and_wildcards():
    assert_full_marks("200-301-c05", {"CORE-RTR": [
        "en", "conf t",
        "int g0/0/0", "ip access-group SALES-IN in", "exit",
        "ip access-list extended SALES-IN",
        "100 permit ip any any",
        "30 deny ip 10.10.20.0 0.0.0.255 10.10.50.10 0.0.0.0",
        "10 permit tcp 10.10.20.0 0.0.0.255 10.10.50.10 0.0.0.0 eq 443",
        "20 permit tcp 10.10.20.0 0.0.0.255 10.10.50.10 0.0.0.0 eq 80", "end",
    ]})


def test_it_takes_marks_off_an_acl_that_forgets_the_final_permit_and_is_applied_outbound():
    lab = labs()["200-301-c05"]
    typed = [line.replace("SALES-IN in", "SALES-IN out") for line in NAMED_ACL if line != "permit ip any any"]
    result = run(lab, {"CORE-RTR": typed})
    assert failed(lab, result["devices"]) == [
        "SALES-IN permits Sales traffic to other servers (SMB to 10.10.50.20)",
        "SALES-IN permits Sales traffic to the Internet (DNS to 203.0.113.53)",
        "SALES-IN filters traffic entering Gi0/0/0 (the Sales interface)",
    ]


def test_it_gives_full_marks_for_pat_on_the_edge_and_ssh_only_on_the_switch():
    assert_full_marks("200-301-c06", {"EDGE1": PAT, "ACC-SW3": SSH_ONLY})


def test_it_gives_full_marks_for_a_named_nat_list_and_a_key_sized_at_the_prompt():
    result = assert_full_marks("200-301-c06", {
        "EDGE1": [
            "en", "conf t",
            "int g0/0/0", "ip nat outside", "int g0/0/1", "ip nat inside", "exit",
            "ip access-list standard BRANCH3-NAT", "permit 10.30.0.0 0.0.0.255", "exit",
            "ip nat inside source list BRANCH3-NAT int gi0/0/0 overload", "end",
        ],
        "ACC-SW3": [
            "en", "conf t",
            "ip domain-name branch3.example.com", "crypto key generate rsa", "2048",
            "ip ssh version 2", "username netops privilege 15 secret Lab-Pass-2026",
            "line vty 0 4", "transport input ssh", "login local",
            "line vty 5 15", "transport input ssh", "login local",
            "exit", "ip default-gateway 10.30.0.1", "end", "show running-config",
        ],
    })
    running = result["outputs"]["ACC-SW3"][-1]
    assert "Lab-Pass-2026" not in running  # a secret is shown hashed, never in clear


def test_it_takes_marks_off_ssh_left_open_to_telnet_on_vty_5_to_15():
    lab = labs()["200-301-c06"]
    typed = [line.replace("line vty 0 15", "line vty 0 4") for line in SSH_ONLY]
    result = run(lab, {"EDGE1": PAT, "ACC-SW3": typed})
    assert failed(lab, result["devices"]) == ["ACC-SW3: all vty lines 0-15 use local login and accept SSH only"]
