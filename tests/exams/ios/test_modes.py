"""Modes and prompts: the terminal goes where IOS would and shows the prompt IOS would."""

from tests.exams.ios.labs import router, switch, typed


def prompts(session, *lines):
    return [session.run(line).prompt for line in lines]


def test_it_walks_through_the_modes_with_their_prompts():
    r1 = router()
    assert r1.prompt == "R1>"
    assert prompts(r1, "enable", "configure terminal", "interface g0/0/1", "exit", "router ospf 1", "end") == [
        "R1#", "R1(config)#", "R1(config-if)#", "R1(config)#", "R1(config-router)#", "R1#"]
    assert prompts(r1, "conf t", "line vty 0 4", "exit", "ip access-list standard MGMT", "exit",
                   "ip access-list extended WEB", "exit", "ip dhcp pool LAN", "exit", "interface g0/0/1.10",
                   "exit", "end", "disable") == [
        "R1(config)#", "R1(config-line)#", "R1(config)#", "R1(config-std-nacl)#", "R1(config)#",
        "R1(config-ext-nacl)#", "R1(config)#", "R1(dhcp-config)#", "R1(config)#", "R1(config-subif)#",
        "R1(config)#", "R1#", "R1>"]


def test_it_has_vlan_and_range_modes_on_a_switch():
    s1 = switch()
    assert prompts(s1, "en", "conf t", "vlan 10", "end", "conf t", "interface range g1/0/1 - 4") == [
        "S1#", "S1(config)#", "S1(config-vlan)#", "S1#", "S1(config)#", "S1(config-if-range)#"]


def test_it_announces_configuration_mode_and_leaving_it():
    r1 = router()
    typed(r1, "enable")
    assert typed(r1, "configure terminal") == "Enter configuration commands, one per line.  End with CNTL/Z."
    assert typed(r1, "end") == "%SYS-5-CONFIG_I: Configured from console by console"


def test_it_takes_a_global_command_in_a_sub_mode_and_lands_in_global_configuration():
    r1 = router()
    typed(r1, "en", "conf t", "interface g0/0/1")
    assert r1.run("hostname EDGE").prompt == "EDGE(config)#"
    typed(r1, "interface g0/0/1")
    assert r1.run("interface g0/0/0").prompt == "EDGE(config-if)#"
    assert r1.context["interfaces"] == ["GigabitEthernet0/0/0"]


def test_it_runs_exec_commands_with_do_without_leaving_the_mode():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    reply = r1.run("do show ip interface brief")
    assert "GigabitEthernet0/0/0   203.0.113.2" in reply.output
    assert reply.prompt == "R1(config-if)#"


def test_it_keeps_privileged_commands_from_user_exec():
    r1 = router()
    assert "% Invalid input detected" in typed(r1, "configure terminal")
    assert "% Invalid input detected" in typed(r1, "show running-config")
    assert typed(r1, "show ip interface brief").startswith("Interface")


def test_it_asks_for_the_enable_secret_and_gives_up_after_three_tries():
    r1 = router()
    typed(r1, "en", "conf t", "enable secret class", "end", "disable")
    reply = r1.run("enable")
    assert (reply.prompt, reply.secret) == ("Password: ", True)
    assert r1.run("class").prompt == "R1#"
    typed(r1, "disable", "enable", "wrong")
    assert r1.prompt == "Password: "
    typed(r1, "wrong")
    reply = r1.run("wrong")
    assert "% Bad secrets" in reply.output
    assert (reply.prompt, reply.secret) == ("R1>", False)


def test_it_logs_out_with_exit_from_exec():
    r1 = router()
    typed(r1, "enable")
    reply = r1.run("exit")
    assert "Press RETURN to get started." in reply.output
    assert reply.prompt == "R1>"
