"""The state is plain data: stored and restored without replaying lines, and the same either way."""

import json

import pytest

from exams.question_types.ios import Device, Session, start_session
from tests.exams.ios.labs import R1_CONFIG, router, typed

LINES = [
    "en", "conf t", "hostname EDGE", "enable secret class", "ip domain-name lab.example",
    "crypto key generate rsa modulus 2048", "username admin privilege 15 secret cisco123",
    "int g0/0/1", "description LAN", "ip address 192.168.10.1 255.255.255.0", "ip nat inside", "no shut",
    "int g0/0/1.20", "encapsulation dot1q 20", "ip address 192.168.20.1 255.255.255.0",
    "int g0/0/0", "ip nat outside", "ip access-group WEB in",
    "router ospf 1", "router-id 1.1.1.1", "network 192.168.10.0 0.0.0.255 area 0", "passive-interface g0/0/1",
    "ip route 0.0.0.0 0.0.0.0 203.0.113.1",
    "access-list 1 permit 192.168.0.0 0.0.255.255",
    "ip nat inside source list 1 interface g0/0/0 overload",
    "ip access-list extended WEB", "permit tcp any host 203.0.113.2 eq 443", "deny ip any any",
    "ip dhcp excluded-address 192.168.10.1 192.168.10.10", "ip dhcp pool LAN", "network 192.168.10.0 255.255.255.0",
    "default-router 192.168.10.1", "dns-server 8.8.8.8",
    "line vty 0 4", "transport input ssh", "login local", "end", "copy run start", "",
]


def test_it_restores_a_session_from_its_dict_exactly():
    r1 = router()
    for line in LINES:
        r1.run(line)
    stored = json.loads(json.dumps(r1.to_dict()))  # what a database column would give back
    restored = Session.from_dict(stored)
    assert restored.to_dict() == r1.to_dict()
    assert restored.prompt == "EDGE#"
    assert typed(restored, "show running-config") == typed(r1, "show running-config")


def test_it_reaches_the_same_state_by_replaying_the_lines_as_by_restoring_midway():
    straight = router()
    for line in LINES:
        straight.run(line)
    halves = router()
    for line in LINES[:20]:
        halves.run(line)
    halves = Session.from_dict(json.loads(json.dumps(halves.to_dict())))
    for line in LINES[20:]:
        halves.run(line)
    assert halves.to_dict() == straight.to_dict()


def test_it_restores_a_question_the_terminal_was_asking():
    r1 = router()
    typed(r1, "en", "conf t", "hostname R9", "ip domain-name x.example", "crypto key generate rsa")
    restored = Session.from_dict(r1.to_dict())
    assert restored.prompt == "How many bits in the modulus [512]: "
    assert "2048 bit RSA keys" in typed(restored, "2048")
    assert restored.device.rsa_modulus == 2048


def test_it_refuses_data_that_is_not_a_stored_session():
    good = router().to_dict()
    for bad in (None, [], {}, {**good, "mode": "root"}, {**good, "lines_run": -1},
                {**good, "device": {"hostname": 5}}, {**good, "device": {**good["device"], "extra": 1}},
                {**good, "device": {**good["device"], "interfaces": [{"name": "x", "cabled": "yes"}]}},
                {**good, "pending": {"kind": "format-disk", "ask": "Sure? "}}, {**good, "pending": {"kind": "copy"}}):
        with pytest.raises(ValueError):
            Session.from_dict(bad)


def test_it_loads_a_starting_config_through_the_interpreter():
    session = router()
    device = session.device
    port = device.interface("GigabitEthernet0/0/0")
    assert (device.hostname, port.description, port.address, port.shutdown) == ("R1", "to ISP", "203.0.113.2", False)
    assert port.address_method == "NVRAM"
    assert session.prompt == "R1>" and session.lines_run == 0


def test_it_reports_the_starting_config_lines_it_refuses():
    _, refused = start_session({"name": "R1", "config": R1_CONFIG + "interface g0/0/7\nspanning-tree mode pvst\n"
                                                                     "ip domain-name x.example\n"
                                                                     "crypto key generate rsa\n"})
    assert len(refused) == 3
    assert refused[0].startswith("Line 9 (interface g0/0/7) is refused: Invalid input")
    assert "does not support" in refused[1]
    assert "asks a question" in refused[2]


def test_it_keeps_the_device_dict_json_able():
    device = Device.new("switch")
    assert json.loads(json.dumps(device.to_dict())) == device.to_dict()
    assert Device.from_dict(device.to_dict()) == device
