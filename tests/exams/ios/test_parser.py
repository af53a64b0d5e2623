"""Abbreviations, ambiguity, `?`, the caret and unsupported commands, the way IOS answers them."""

from tests.exams.ios.labs import router, switch, typed


def test_it_takes_any_unambiguous_prefix():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1", "ip add 192.168.10.1 255.255.255.0", "no shut", "end")
    assert "GigabitEthernet0/0/1   192.168.10.1    YES manual up" in typed(r1, "sh ip int br")
    assert "interface GigabitEthernet0/0/1\n ip address 192.168.10.1 255.255.255.0\n!" in typed(r1, "sh run")


def test_it_accepts_every_form_of_an_interface_name():
    r1 = router()
    typed(r1, "en", "conf t")
    for name in ("g0/0/1", "gi0/0/1", "Gig 0/0/1", "GigabitEthernet0/0/1", "GIGABITETHERNET0/0/1"):
        assert r1.run(f"interface {name}").prompt == "R1(config-if)#", name
        assert r1.context["interfaces"] == ["GigabitEthernet0/0/1"]
    assert r1.run("interface lo 0").prompt == "R1(config-if)#"
    assert r1.context["interfaces"] == ["Loopback0"]
    assert r1.device.interface("Loopback0") is not None


def test_it_refuses_a_port_the_device_does_not_have_with_the_caret_under_it():
    r1 = router()
    typed(r1, "en", "conf t")
    output = typed(r1, "interface g0/0/9")
    assert output.splitlines()[0] == " " * len("R1(config)#interface ") + "^"
    s1 = switch()
    typed(s1, "en", "conf t")
    assert "% Invalid input" in typed(s1, "interface g1/0/1.10")  # no subinterfaces on a layer-2 switch


def test_it_says_which_command_is_ambiguous():
    r1 = router()
    assert typed(r1, "s").startswith('% Ambiguous command:  "s"')
    typed(r1, "en")
    assert typed(r1, "show i").startswith('% Ambiguous command:  "show i"')  # interfaces, ip


def test_it_puts_the_caret_under_the_first_word_it_cannot_take():
    r1 = router()
    typed(r1, "en", "conf t")
    lines = typed(r1, "interfce g0/0/0").splitlines()
    assert lines[0] == " " * len("R1(config)#") + "^"
    assert lines[1] == "% Invalid input detected at '^' marker."
    lines = typed(r1, "ip route 10.0.0.0 255.0.0.0 banana").splitlines()
    assert lines[0] == " " * len("R1(config)#ip route 10.0.0.0 255.0.0.0 ") + "^"
    lines = typed(r1, "hostname R2 extra").splitlines()
    assert lines[0].index("^") == len("R1(config)#hostname R2 ")


def test_it_counts_leading_spaces_and_do_when_placing_the_caret():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    lines = typed(r1, "do  show ip intfoo").splitlines()
    assert lines[0].index("^") == len("R1(config-if)#do  show ip ")


def test_it_says_when_a_command_is_incomplete():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    assert typed(r1, "ip address").startswith("% Incomplete command.")
    assert typed(r1, "ip address 10.0.0.1").startswith("% Incomplete command.")


def test_it_lists_what_may_follow_with_help_after_a_question_mark():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    reply = r1.run("ip address ?")
    assert reply.output.splitlines() == ["  A.B.C.D  IP address", "  dhcp     IP Address negotiated via DHCP"]
    assert reply.refill == "ip address "
    assert reply.prompt == "R1(config-if)#"
    assert "  <cr>" in typed(r1, "shutdown ?")
    output = typed(r1, "ip address 10.0.0.1 255.255.255.0 ?")
    assert output.splitlines() == ["  secondary  Make this IP address a secondary address", "  <cr>"]


def test_it_lists_the_words_a_prefix_could_be():
    r1 = router()
    typed(r1, "en")
    reply = r1.run("sh?")
    assert (reply.output, reply.refill) == ("show  ", "sh")
    assert typed(r1, "co?").split() == ["configure", "copy"]
    assert typed(r1, "show ip int?").split() == ["interface"]
    assert typed(r1, "xyz?") == "% Unrecognized command"


def test_it_answers_a_question_mark_after_a_bad_word_with_the_caret():
    r1 = router()
    typed(r1, "en")
    assert "% Invalid input detected" in typed(r1, "show bogus ?")


def test_it_lists_interface_types_where_an_interface_goes():
    r1 = router()
    typed(r1, "en", "conf t")
    output = typed(r1, "interface ?")
    assert "  GigabitEthernet" in output and "  Loopback" in output and "  range" in output
    assert "Vlan" not in output  # routers have no SVIs
    s1 = switch()
    typed(s1, "en", "conf t")
    assert "  Vlan" in typed(s1, "interface ?")


def test_it_says_plainly_when_the_lab_does_not_support_a_command():
    s1 = switch()
    typed(s1, "en", "conf t")
    assert typed(s1, "spanning-tree mode rapid-pvst") == '% This lab does not support "spanning-tree mode rapid-pvst".'
    assert typed(s1, "span mode rapid") == '% This lab does not support "spanning-tree mode rapid".'
    typed(s1, "int g1/0/1")
    assert typed(s1, "switchport port-security") == '% This lab does not support "switchport port-security".'
    assert typed(s1, "do ping 10.0.0.1") == '% This lab does not support "ping 10.0.0.1".'
    assert typed(s1, "no cdp enable") == '% This lab does not support "no cdp enable".'
    assert s1.prompt == "S1(config-if)#"


def test_it_ignores_comment_and_empty_lines():
    r1 = router()
    typed(r1, "en")
    assert typed(r1, "") == ""
    assert typed(r1, "! a comment") == ""
    assert r1.prompt == "R1#"


def test_it_filters_show_output_with_a_pipe():
    r1 = router()
    typed(r1, "en")
    assert typed(r1, "show running-config | include hostname") == "hostname R1"
    section = typed(r1, "sh run | sec interface GigabitEthernet0/0/0")
    assert section.splitlines() == ["interface GigabitEthernet0/0/0", " description to ISP",
                                    " ip address 203.0.113.2 255.255.255.252"]
    assert typed(r1, "show run | begin ^line").splitlines()[0] == "line con 0"
    assert "hostname" not in typed(r1, "show run | exclude hostname")
    assert typed(r1, "show run | i h.stname R1$") == "hostname R1"
    assert typed(r1, "show run | include (a+)+$") == ""  # literal text, never a regular expression to run
    assert "% Invalid input" in typed(r1, "show run | frobnicate x")


def test_it_helps_with_a_global_command_typed_in_a_sub_mode():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    assert typed(r1, "hostname ?") == "  WORD  This system's network name"
    assert r1.prompt == "R1(config-if)#"
