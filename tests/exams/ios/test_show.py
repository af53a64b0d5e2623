"""Show commands are computed from the device's state, in IOS's layout."""

from tests.exams.ios.labs import configure, router, switch, typed


def test_it_shows_ip_interface_brief_from_addresses_cables_and_shutdown():
    r1 = router(cabled=["g0/0/0", "g0/0/1"])
    configure(r1, "int g0/0/1", "ip address 192.168.10.1 255.255.255.0", "no shutdown",
              "int g0/0/2", "no shutdown", "int lo0", "ip address 1.1.1.1 255.255.255.255", "end")
    assert typed(r1, "show ip interface brief") == "\n".join([
        "Interface              IP-Address      OK? Method Status                Protocol",
        "Loopback0              1.1.1.1         YES manual up                    up",
        "GigabitEthernet0/0/0   203.0.113.2     YES NVRAM  up                    up",
        "GigabitEthernet0/0/1   192.168.10.1    YES manual up                    up",
        "GigabitEthernet0/0/2   unassigned      YES unset  down                  down",
    ])
    configure(r1, "int g0/0/1", "shutdown", "end")
    assert "GigabitEthernet0/0/1   192.168.10.1    YES manual administratively down down" in typed(
        r1, "show ip interface brief")


def test_it_prints_link_messages_when_a_port_goes_up_or_down():
    r1 = router()
    outputs = configure(r1, "int g0/0/1", "no shutdown", "shutdown")
    assert outputs[1].splitlines() == [
        "%LINK-3-UPDOWN: Interface GigabitEthernet0/0/1, changed state to up",
        "%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/0/1, changed state to up"]
    assert outputs[2].splitlines() == [
        "%LINK-5-CHANGED: Interface GigabitEthernet0/0/1, changed state to administratively down",
        "%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/0/1, changed state to down"]


def test_it_shows_the_routing_table_with_connected_local_and_reachable_static_routes():
    r1 = router()
    configure(r1, "int g0/0/1", "ip add 192.168.10.1 255.255.255.0", "no shut",
              "ip route 0.0.0.0 0.0.0.0 203.0.113.1",
              "ip route 172.16.0.0 255.255.0.0 192.168.10.254",
              "ip route 172.17.0.0 255.255.0.0 10.9.9.2",  # no way to reach 10.9.9.2: not installed
              "end")
    output = typed(r1, "show ip route")
    assert output.startswith("Codes: L - local, C - connected, S - static")
    assert output.split("\n\n", 1)[1] == "\n".join([
        "Gateway of last resort is 203.0.113.1 to network 0.0.0.0",
        "",
        "S*    0.0.0.0/0 [1/0] via 203.0.113.1",
        "S     172.16.0.0/16 [1/0] via 192.168.10.254",
        "      192.168.10.0/24 is variably subnetted, 2 subnets, 2 masks",
        "C        192.168.10.0/24 is directly connected, GigabitEthernet0/0/1",
        "L        192.168.10.1/32 is directly connected, GigabitEthernet0/0/1",
        "      203.0.113.0/24 is variably subnetted, 2 subnets, 2 masks",
        "C        203.0.113.0/30 is directly connected, GigabitEthernet0/0/0",
        "L        203.0.113.2/32 is directly connected, GigabitEthernet0/0/0",
    ])
    assert "S     172.17.0.0/16" in r1.device.to_dict() and False or "172.17" not in output


def test_it_drops_routes_of_a_port_that_goes_down():
    r1 = router()
    configure(r1, "ip route 0.0.0.0 0.0.0.0 203.0.113.1", "int g0/0/0", "shutdown", "end")
    output = typed(r1, "show ip route")
    assert "Gateway of last resort is not set" in output
    assert "203.0.113" not in output.split("not set", 1)[1]


def test_it_groups_subnets_of_one_classful_network_under_a_header():
    r1 = router()
    configure(r1, "ip route 10.1.0.0 255.255.0.0 203.0.113.1", "ip route 10.2.0.0 255.255.0.0 g0/0/0", "end")
    output = typed(r1, "show ip route static")
    assert "      10.0.0.0/16 is subnetted, 2 subnets\n" \
           "S        10.1.0.0/16 [1/0] via 203.0.113.1\n" \
           "S        10.2.0.0/16 is directly connected, GigabitEthernet0/0/0" in output
    assert not any(line.startswith(("C ", "L ")) for line in output.splitlines())


def test_it_shows_vlan_brief_with_access_ports_but_not_trunks():
    s1 = switch(cabled=["g1/0/1", "g1/0/24"])
    configure(s1, "vlan 10", "name SALES", "int range g1/0/1 - 5", "switchport mode access",
              "switchport access vlan 10", "int g1/0/24", "switchport mode trunk", "end")
    lines = typed(s1, "show vlan brief").splitlines()
    assert lines[1:3] == ["VLAN Name                             Status    Ports",
                          "---- -------------------------------- --------- -------------------------------"]
    assert lines[3] == "1    default                          active    Gi1/0/6, Gi1/0/7, Gi1/0/8, Gi1/0/9"
    assert lines[8] == "10   SALES                            active    Gi1/0/1, Gi1/0/2, Gi1/0/3, Gi1/0/4"
    assert lines[9] == " " * 48 + "Gi1/0/5"
    assert lines[10:] == ["1002 fddi-default                     act/unsup",
                          "1003 token-ring-default               act/unsup",
                          "1004 fddinet-default                  act/unsup",
                          "1005 trnet-default                    act/unsup"]
    assert "Gi1/0/24" not in "\n".join(lines)


def test_it_shows_access_lists_in_order_with_sequence_numbers():
    r1 = router()
    configure(r1, "access-list 10 permit 192.168.10.0 0.0.0.255", "access-list 10 deny any",
              "ip access-list extended WEB", "permit tcp 192.168.10.0 0.0.0.255 host 192.0.2.10 eq 80",
              "15 permit udp any any eq 53", "deny ip any any log", "end")
    assert typed(r1, "show access-lists") == "\n".join([
        "Standard IP access list 10",
        "    10 permit 192.168.10.0, wildcard bits 0.0.0.255",
        "    20 deny   any",
        "Extended IP access list WEB",
        "    10 permit tcp 192.168.10.0 0.0.0.255 host 192.0.2.10 eq www",
        "    15 permit udp any any eq domain",
        "    20 deny   ip any any log",
    ])
    assert typed(r1, "show access-lists 10").splitlines()[0] == "Standard IP access list 10"


def test_it_shows_the_running_config_in_ios_order():
    r1 = router()
    configure(r1, "enable secret class", "no ip domain-lookup", "ip domain-name lab.example", "username admin "
              "privilege 15 secret cisco123", "int g0/0/1", "ip address 192.168.10.1 255.255.255.0",
              "ip access-group 10 in", "ip nat inside", "no shutdown", "int g0/0/0", "ip nat outside",
              "router ospf 1", "router-id 1.1.1.1", "network 192.168.10.0 0.0.0.255 area 0",
              "passive-interface g0/0/1", "ip route 0.0.0.0 0.0.0.0 203.0.113.1",
              "access-list 10 permit 192.168.10.0 0.0.0.255",
              "ip nat inside source list 10 interface g0/0/0 overload", "line vty 0 4", "login local",
              "transport input ssh", "end")
    text = typed(r1, "show running-config")
    lines = text.splitlines()
    assert lines[:3] == ["Building configuration...", "", f"Current configuration : {len(text.split(chr(10), 3)[3]) + 1} bytes"]
    body = "\n".join(lines[3:])
    order = ["hostname R1", "enable secret 9 $9$", "no ip domain-lookup", "ip domain-name lab.example",
             "username admin privilege 15 secret 9 ", "interface GigabitEthernet0/0/0", "interface GigabitEthernet0/0/1",
             "router ospf 1", "ip nat inside source list 10 interface GigabitEthernet0/0/0 overload",
             "ip route 0.0.0.0 0.0.0.0 203.0.113.1", "access-list 10 permit 192.168.10.0 0.0.0.255",
             "line con 0", "line vty 0 4", "end"]
    positions = [body.index(item) for item in order]
    assert positions == sorted(positions)
    assert "interface GigabitEthernet0/0/1\n ip address 192.168.10.1 255.255.255.0\n ip access-group 10 in\n" \
           " ip nat inside\n!" in body
    assert "router ospf 1\n router-id 1.1.1.1\n passive-interface GigabitEthernet0/0/1\n" \
           " network 192.168.10.0 0.0.0.255 area 0\n!" in body
    assert "line vty 0 4\n login local\n transport input ssh\n" in body
    assert "class" not in body and "cisco123" not in body  # secrets are shown hashed, never as typed
    assert body.startswith("!\n") and body.endswith("!\nend")


def test_it_shows_one_interface_of_the_running_config():
    r1 = router()
    typed(r1, "en")
    assert typed(r1, "show running-config interface g0/0/0").split("\n", 3)[3] == (
        "!\ninterface GigabitEthernet0/0/0\n description to ISP\n ip address 203.0.113.2 255.255.255.252\nend")


def test_it_saves_the_configuration_to_startup():
    r1 = router()
    typed(r1, "en")
    assert typed(r1, "show startup-config") == "startup-config is not present"
    reply = r1.run("copy running-config startup-config")
    assert reply.prompt == "Destination filename [startup-config]? "
    assert typed(r1, "") == "Building configuration...\n[OK]"
    assert "hostname R1" in typed(r1, "show startup-config")
    assert typed(r1, "wr") == "Building configuration...\n[OK]"


def test_it_shows_a_switch_default_gateway_instead_of_a_routing_table():
    s1 = switch()
    configure(s1, "ip default-gateway 192.168.1.1", "end")
    assert typed(s1, "show ip route").startswith("Default gateway is 192.168.1.1")


def test_it_shows_trunks():
    s1 = switch(cabled=["g1/0/24"])
    configure(s1, "vlan 10,20", "int g1/0/24", "switchport mode trunk", "switchport trunk allowed vlan 10,20,30",
              "switchport trunk native vlan 99", "end")
    assert typed(s1, "show interfaces trunk").splitlines() == [
        "",
        "Port        Mode             Encapsulation  Status        Native vlan",
        "Gi1/0/24    on               802.1q         trunking      99",
        "",
        "Port        Vlans allowed on trunk",
        "Gi1/0/24    10,20,30",
        "",
        "Port        Vlans allowed and active in management domain",
        "Gi1/0/24    10,20",
    ]


def test_it_says_in_show_version_that_the_device_is_simulated():
    assert typed(router(), "show version").splitlines()[:2] == [
        "PingToPass simulated Cisco IOS router (a lab, not a real device)", "R1 uptime is 0 minutes"]


def test_it_shows_the_ospf_process_and_its_router_id():
    r1 = router()
    configure(r1, "int lo0", "ip address 2.2.2.2 255.255.255.255", "router ospf 10",
              "network 203.0.113.0 0.0.0.3 area 0", "end")
    output = typed(r1, "show ip ospf")
    assert ' Routing Process "ospf 10" with ID 2.2.2.2' in output
    assert "Area BACKBONE(0)\n        Number of interfaces in this area is 1" in output


def test_it_never_shows_what_the_checks_look_for():
    from exams.question_types.ios import lab_sessions
    lab = {"devices": [{"name": "R1", "config": "hostname R1\n"}],
           "checks": [{"kind": "interface", "name": "g0/0/1", "ip": "198.51.100.77/24", "says": "Secret-ish goal"}]}
    r1 = lab_sessions(lab)["R1"]
    typed(r1, "enable")
    outputs = [typed(r1, line) for line in ("show running-config", "show ip interface brief", "show ip route",
                                            "show access-lists", "show version", "show ?", "show ip ?")]
    assert not any("198.51.100.77" in o or "Secret-ish" in o for o in outputs)


def test_it_brings_an_svi_up_only_while_a_port_in_its_vlan_is_up():
    s1 = switch(cabled=["g1/0/1"])
    outputs = configure(s1, "interface vlan 10", "ip address 192.168.10.2 255.255.255.0", "vlan 10", "exit",
                        "int g1/0/1", "switchport mode access", "switchport access vlan 10", "shutdown")
    assert outputs[0] == "%LINK-3-UPDOWN: Interface Vlan10, changed state to up"  # no VLAN, no port yet
    assert "%LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan10, changed state to up" in outputs[6]
    assert "%LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan10, changed state to down" in outputs[7]
    assert "Vlan1                  unassigned      YES unset  administratively down down" in typed(
        s1, "do show ip interface brief")
