"""What configuration commands do to the device, and how they refuse what IOS refuses."""

from tests.exams.ios.labs import configure, router, switch, typed


def port(session, name):
    return session.device.interface(name)


def test_it_shuts_and_unshuts_a_port():
    r1 = router()
    configure(r1, "int g0/0/1", "no shutdown")
    assert port(r1, "GigabitEthernet0/0/1").shutdown is False
    configure(r1, "int g0/0/1", "shut")
    assert port(r1, "GigabitEthernet0/0/1").shutdown is True
    assert " shutdown" in typed(r1, "do show running-config interface g0/0/1")


def test_it_removes_an_address_with_no_ip_address():
    r1 = router()
    configure(r1, "int g0/0/0", "no ip address")
    assert (port(r1, "GigabitEthernet0/0/0").address, port(r1, "GigabitEthernet0/0/0").mask) == (None, None)
    assert "GigabitEthernet0/0/0   unassigned      YES unset" in typed(r1, "do show ip interface brief")


def test_it_refuses_bad_masks_network_addresses_and_overlaps_as_ios_does():
    r1 = router()
    outputs = configure(r1, "int g0/0/1", "ip address 10.0.0.1 255.0.255.0", "ip address 192.168.1.0 255.255.255.0",
                        "ip address 203.0.113.1 255.255.255.0", "ip address 192.168.1.1 255.255.255.0")
    assert outputs[1:] == ["Bad mask 0xFF00FF00 for address 10.0.0.1", "Bad mask /24 for address 192.168.1.0",
                           "% 203.0.113.0 overlaps with GigabitEthernet0/0/0", ""]
    assert port(r1, "GigabitEthernet0/0/1").address == "192.168.1.1"


def test_it_applies_an_interface_range_to_every_port():
    s1 = switch()
    outputs = configure(s1, "interface range g1/0/1 - 3, g1/0/10", "switchport mode access",
                        "switchport access vlan 20")
    assert outputs[2] == "% Access VLAN does not exist. Creating vlan 20"
    assert [port(s1, f"GigabitEthernet1/0/{n}").access_vlan for n in (1, 2, 3, 4, 10)] == [20, 20, 20, 1, 20]
    assert "does not exist" in configure(s1, "interface range g1/0/20 - 30")[0]


def test_it_builds_the_trunk_allowed_list_like_ios():
    s1 = switch()
    configure(s1, "int g1/0/24", "switchport mode trunk", "switchport trunk allowed vlan 10,20-22")
    assert port(s1, "GigabitEthernet1/0/24").trunk_allowed == [10, 20, 21, 22]
    configure(s1, "int g1/0/24", "switchport trunk allowed vlan remove 21", "switchport trunk allowed vlan add 30")
    assert "switchport trunk allowed vlan 10,20,22,30" in typed(s1, "do show running-config interface g1/0/24")
    configure(s1, "int g1/0/24", "switchport trunk allowed vlan except 1-999")
    assert "switchport trunk allowed vlan 1000-4094" in typed(s1, "do show run int g1/0/24")
    configure(s1, "int g1/0/24", "switchport trunk allowed vlan all")
    assert port(s1, "GigabitEthernet1/0/24").trunk_allowed is None


def test_it_keeps_default_vlans_and_deletes_others():
    s1 = switch()
    outputs = configure(s1, "vlan 10", "exit", "no vlan 1", "vlan 1", "name MGMT", "exit", "no vlan 10")
    assert outputs[2] == "%Default VLAN 1 may not be deleted."
    assert outputs[4] == "%Default VLAN 1 may not have its name changed."
    assert [v.id for v in s1.device.vlans] == [1]


def test_it_removes_a_whole_numbered_acl_with_any_no_access_list():
    r1 = router()
    configure(r1, "access-list 10 permit host 10.0.0.1", "access-list 10 permit host 10.0.0.2",
              "no access-list 10 permit host 10.0.0.2")
    assert r1.device.acl("10") is None  # the classic trap: IOS drops the whole list


def test_it_edits_a_named_acl_by_sequence_number():
    r1 = router()
    outputs = configure(r1, "ip access-list standard MGMT", "permit host 10.0.0.1", "deny any", "15 permit host 10.0.0.2",
                        "10 permit host 10.0.0.9", "no 20", "no permit host 10.0.0.1")
    assert outputs[4] == "% Duplicate sequence number"
    assert [(e.seq, e.src) for e in r1.device.acl("MGMT").entries] == [(15, "10.0.0.2 0.0.0.0")]
    assert "ip access-list standard MGMT\n permit 10.0.0.2\n!" in typed(r1, "do show running-config")
    assert "Access-list type conflicts" in configure(r1, "ip access-list extended MGMT")[0]


def test_it_normalises_acl_addresses_to_their_wildcard():
    r1 = router()
    configure(r1, "access-list 10 permit 192.168.10.77 0.0.0.255", "access-list 10 permit 0.0.0.0 255.255.255.255")
    assert typed(r1, "do show access-lists").splitlines()[1:] == [
        "    10 permit 192.168.10.0, wildcard bits 0.0.0.255", "    20 permit any"]


def test_it_needs_a_hostname_and_domain_before_rsa_keys():
    r1 = router(config="")
    assert configure(r1, "crypto key generate rsa modulus 2048")[0] == \
        "% Please define a hostname other than Router."
    outputs = configure(r1, "hostname R1", "crypto key generate rsa modulus 2048", "ip domain-name lab.example",
                        "crypto key generate rsa general-keys modulus 2048")
    assert outputs[1] == "% Please define a domain-name first."
    assert outputs[3].startswith("The name for the keys will be: R1.lab.example")
    assert r1.device.rsa_modulus == 2048
    reply = r1.run("crypto key generate rsa modulus 1024")
    assert reply.prompt == "% Do you really want to replace them? [yes/no]: "
    typed(r1, "no")
    assert r1.device.rsa_modulus == 2048


def test_it_creates_vty_lines_beyond_four_on_a_router_when_asked():
    r1 = router()
    configure(r1, "line vty 0 15", "login local", "transport input ssh")
    text = typed(r1, "do show running-config")
    assert "line vty 0 4\n login local\n transport input ssh\nline vty 5 15\n login local\n transport input ssh" in text


def test_it_warns_that_login_needs_a_password():
    r1 = router()
    assert configure(r1, "line con 0", "login")[1] == "% Login disabled on line, until 'password' is set"
    assert configure(r1, "line con 0", "password cisco", "login")[2] == ""


def test_it_needs_an_encapsulation_before_a_subinterface_address():
    r1 = router()
    outputs = configure(r1, "int g0/0/1.10", "ip address 192.168.10.1 255.255.255.0", "encapsulation dot1Q 10",
                        "ip address 192.168.10.1 255.255.255.0")
    assert "encapsulation dot1Q first" in outputs[1]
    assert port(r1, "GigabitEthernet0/0/1.10").address == "192.168.10.1"
    assert "interface GigabitEthernet0/0/1.10\n encapsulation dot1Q 10\n ip address 192.168.10.1 255.255.255.0" in \
        typed(r1, "do show running-config")
    configure(r1, "no interface g0/0/1.10")
    assert port(r1, "GigabitEthernet0/0/1.10") is None
    assert "not permitted" in configure(r1, "no interface g0/0/1")[0]


def test_it_keeps_static_routes_consistent():
    r1 = router()
    outputs = configure(r1, "ip route 10.1.1.5 255.255.255.0 203.0.113.1", "ip route 10.0.0.0 255.0.0.0 203.0.113.2",
                        "ip route 10.0.0.0 255.0.0.0 203.0.113.1 5", "no ip route 10.0.0.0 255.0.0.0 203.0.113.1",
                        "no ip route 10.0.0.0 255.0.0.0 203.0.113.1")
    assert outputs[0] == "%Inconsistent address and mask"
    assert outputs[1] == "%Invalid next hop address (it's this router)"
    assert outputs[4] == "%No matching route to delete"
    assert r1.device.static_routes == []


def test_it_configures_nat_and_dhcp():
    r1 = router()
    outputs = configure(r1, "ip nat inside source list 1 pool PUBLIC overload",
                        "ip nat pool PUBLIC 203.0.113.8 203.0.113.15 netmask 255.255.255.248",
                        "ip nat inside source list 1 pool PUBLIC overload",
                        "ip dhcp pool LAN", "network 192.168.10.0 255.255.255.0", "default-router 192.168.10.1",
                        "dns-server 8.8.8.8 8.8.4.4")
    assert outputs[0] == "%Pool PUBLIC not found"
    text = typed(r1, "do show running-config")
    assert "ip nat pool PUBLIC 203.0.113.8 203.0.113.15 netmask 255.255.255.248\n" \
           "ip nat inside source list 1 pool PUBLIC overload" in text
    assert "ip dhcp pool LAN\n network 192.168.10.0 255.255.255.0\n default-router 192.168.10.1\n" \
           " dns-server 8.8.8.8 8.8.4.4\n!" in text


def test_it_sets_passive_interfaces_under_passive_interface_default():
    r1 = router()
    configure(r1, "router ospf 1", "passive-interface default", "no passive-interface g0/0/0")
    process = r1.device.ospf_process(1)
    assert process.is_passive("GigabitEthernet0/0/1") and not process.is_passive("GigabitEthernet0/0/0")
    assert "passive-interface default\n no passive-interface GigabitEthernet0/0/0" in typed(r1, "do sh run")


def test_it_encrypts_shown_passwords_with_service_password_encryption():
    r1 = router()
    configure(r1, "line con 0", "password cisco", "login")
    assert " password cisco\n" in typed(r1, "do show running-config")
    configure(r1, "service password-encryption")
    text = typed(r1, "do show running-config")
    assert " password 7 " in text and "cisco" not in text
    assert r1.device.lines["con 0"].password == "cisco"  # what a check compares against
