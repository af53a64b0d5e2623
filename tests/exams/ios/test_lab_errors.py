"""A moderator learns everything wrong with a lab's data, in sentences, before a learner meets it."""

from exams.question_types.ios import lab_errors, lab_sessions

GOOD = {
    "devices": [
        {"name": "R1", "platform": "router", "cabled": ["g0/0/0", "g0/0/1"],
         "config": "hostname R1\ninterface g0/0/0\n ip address 203.0.113.2 255.255.255.252\n no shutdown\n",
         "task": "Address G0/0/1 and bring it up."},
        {"name": "S1", "platform": "switch", "interfaces": ["g1/0/1", "g1/0/2"], "cabled": ["g1/0/1"]},
    ],
    "checks": [
        {"device": "R1", "kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1/24", "shutdown": False,
         "points": 2, "says": "G0/0/1 has 192.168.10.1/24 and is up"},
        {"device": "S1", "kind": "vlan", "id": 10, "name": "SALES", "says": "VLAN 10 is SALES"},
    ],
}


def with_changes(devices=None, checks=None, **extra):
    return {"devices": devices if devices is not None else GOOD["devices"],
            "checks": checks if checks is not None else GOOD["checks"], **extra}


def test_it_accepts_a_good_lab_and_starts_its_terminals():
    assert lab_errors(GOOD) == []
    sessions = lab_sessions(GOOD)
    assert [s.prompt for s in sessions.values()] == ["R1>", "Switch>"]
    assert [i.name for i in sessions["S1"].device.interfaces] == ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2",
                                                                  "Vlan1"]


def test_it_names_unknown_check_kinds_devices_and_fields():
    errors = lab_errors(with_changes(checks=[
        {"device": "R1", "kind": "teleport", "says": "x"},
        {"device": "R7", "kind": "hostname", "value": "R1", "says": "x"},
        {"device": "R1", "kind": "hostname", "says": "x", "colour": "red"},
        {"kind": "hostname", "value": "R1", "says": "x"},
        {"device": "R1", "kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1", "says": "x"},
        {"device": "R1", "kind": "interface", "name": "g0/0/9", "says": "x"},
        {"device": "R1", "kind": "hostname", "value": "R1", "points": 0},
        {"device": "R1", "kind": "acl_applied", "acl": "10", "direction": "in", "says": "x"},
    ]))
    assert errors[0].startswith("Check 1: has an unknown kind 'teleport'; the kinds are: ")
    assert "Check 2: names a device 'R7' the lab does not have." in errors
    assert "Check 3: needs the field 'value'." in errors
    assert "Check 3: has fields this kind does not use: colour." in errors
    assert "Check 4: needs a 'device', as the lab has several." in errors
    assert "Check 5: has a field 'ip' that is not well formed ('192.168.10.1')." in errors
    assert "Check 6: names 'g0/0/9', a port the device does not have." in errors
    assert "Check 7: needs a 'says' sentence telling the learner what it checks." in errors
    assert "Check 7: needs points above zero." in errors
    assert "Check 8: needs exactly one of 'interface' or 'line'." in errors


def test_it_lists_the_starting_config_lines_the_interpreter_refuses():
    devices = [{**GOOD["devices"][0], "config": "hostname R1\ninterface g0/0/0\n ip adress 10.0.0.1 255.0.0.0\n"
                                              "router eigrp 1\nenable secret 9 $9$abc\n"}, GOOD["devices"][1]]
    errors = lab_errors(with_changes(devices=devices))
    assert "R1, starting configuration: Line 3 (ip adress 10.0.0.1 255.0.0.0) is refused: Invalid input " \
           "detected at '^' marker." in errors
    assert 'R1, starting configuration: Line 4 (router eigrp 1) is refused: This lab does not support ' \
           '"router eigrp 1".' in errors
    assert any("given as a hash" in e for e in errors)


def test_it_checks_the_devices():
    errors = lab_errors(with_changes(devices=[
        {"name": "R1", "platform": "firewall"},
        {"name": "R1", "interfaces": ["Loopback0", "g0/0/0", "g0/0/0"], "cabled": ["g0/0/5"], "config": 5,
         "shape": "round"},
        "S1",
    ], checks=[{"device": "R1", "kind": "hostname", "value": "R1", "says": "x"}]))
    assert "R1: has an unknown platform 'firewall'; use 'router' or 'switch'." in errors
    assert "R1: has the same name as another device." in errors
    assert "R1: has a field it does not use: 'shape'." in errors
    assert "R1: lists 'Loopback0', which is not a physical port name (e.g. GigabitEthernet0/0/0)." in errors
    assert "R1: lists a port twice." in errors
    assert "R1: has a cable on 'g0/0/5', which is not one of its ports." in errors
    assert "R1: needs its 'config' as text (the running configuration, one command a line)." in errors
    assert "Device 3: is not an object." in errors


def test_it_refuses_a_lab_without_devices_or_checks_or_already_solved():
    assert lab_errors([]) == ["The lab must be an object with 'devices' and 'checks'."]
    assert lab_errors({"checks": []}) == ["The lab needs a list of 'devices' with at least one device."]
    assert "The lab needs a list of 'checks' with at least one check." in lab_errors(with_changes(checks=[]))
    assert "The lab has a field it does not use: 'answer'." in lab_errors(with_changes(answer=1))
    solved = with_changes(checks=[{"device": "R1", "kind": "hostname", "value": "R1", "says": "Named R1"}])
    assert lab_errors(solved) == ["Every check already passes on the starting configuration: there is nothing to do."]
