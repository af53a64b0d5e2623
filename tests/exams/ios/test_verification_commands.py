"""Commands a learner types to check a lab's work: the ones IOS takes are answered, or said to be
unsupported, never refused as invalid input; and what they show matches IOS."""

from exams.question_types.ios import grade
from tests.exams.ios.labs import configure, router, switch, typed


def test_it_shows_ip_access_lists_like_show_access_lists():
    r1 = router()
    configure(r1, "access-list 10 permit 192.168.10.0 0.0.0.255",
              "ip access-list extended WEB", "permit tcp any host 192.0.2.10 eq 80", "end")
    assert typed(r1, "show ip access-lists") == typed(r1, "show access-lists")
    assert typed(r1, "sh ip access-lists WEB") == "\n".join([
        "Extended IP access list WEB",
        "    10 permit tcp any host 192.0.2.10 eq www",
    ])


def test_it_numbers_the_first_rule_after_a_remark_10():
    r1 = router()
    configure(r1, "ip access-list extended WEB", "remark web server only", "permit tcp any host 192.0.2.10 eq 80",
              "remark nothing else", "deny ip any any", "end")
    assert typed(r1, "show access-lists WEB").splitlines()[1:] == [
        "    10 permit tcp any host 192.0.2.10 eq www",
        "    20 deny   ip any any",
    ]
    assert "remark web server only" in typed(r1, "show running-config")


def test_it_takes_a_rule_numbered_like_the_remark_above_it():
    r1 = router()
    outputs = configure(r1, "ip access-list extended WEB", "remark web server only", "10 permit ip any any", "end")
    assert "% Duplicate sequence number" not in outputs
    assert typed(r1, "show access-lists WEB").splitlines()[1:] == ["    10 permit ip any any"]


def test_it_says_show_commands_about_one_interface_are_unsupported_rather_than_invalid():
    r1, s1 = router(), switch()
    typed(r1, "enable")
    typed(s1, "enable")
    assert typed(r1, "show ip interface g0/0/0") == '% This lab does not support "show ip interface g0/0/0".'
    assert typed(r1, "show interfaces GigabitEthernet0/0/1") == (
        '% This lab does not support "show interfaces GigabitEthernet0/0/1".')
    assert typed(s1, "show interfaces g1/0/24 switchport") == (
        '% This lab does not support "show interfaces g1/0/24 switchport".')
    assert "% Invalid input" in typed(r1, "show ip interface g0/0/9")  # a port the router lacks


def test_it_checks_that_a_subinterface_takes_the_native_vlan_untagged():
    r1 = router()
    configure(r1, "int g0/0/1.99", "encapsulation dot1Q 99 native", "int g0/0/1.10", "encapsulation dot1Q 10", "end")
    checks = [{"kind": "interface", "name": "g0/0/1.99", "dot1q": 99, "dot1q_native": True, "says": "native"},
              {"kind": "interface", "name": "g0/0/1.10", "dot1q": 10, "dot1q_native": True, "says": "tagged"}]
    assert [r.passed for r in grade({"R1": r1.device}, checks)] == [True, False]
