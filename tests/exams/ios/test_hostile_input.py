"""Whatever is typed, the terminal answers in text and never raises or stores without bound."""

import random

from exams.question_types.ios import MAX_LINES, Session
from exams.question_types.ios.commands import ROOTS
from exams.question_types.ios.grammar import Keyword
from tests.exams.ios.labs import router, switch, typed

INTERNAL_ERROR = "% The simulator could not run that line."


def test_it_refuses_a_line_over_256_characters():
    r1 = router()
    typed(r1, "en", "conf t", "int g0/0/1")
    reply = r1.run("description " + "x" * 245)
    assert reply.output == "% Line too long: at most 256 characters are accepted."
    assert r1.device.interface("GigabitEthernet0/0/1").description == ""
    typed(r1, "description " + "x" * 240)
    assert r1.device.interface("GigabitEthernet0/0/1").description == "x" * 240


def test_it_strips_control_characters_and_refuses_non_ascii():
    r1 = router()
    typed(r1, "en", "conf t")
    assert r1.run("host\x00name\x1b R2\x07\x7f").prompt == "R2(config)#"  # NUL, ESC, BEL, DEL removed
    assert r1.run("hostname\tR3").prompt == "R3(config)#"  # a tab is a space
    reply = r1.run("hostname R\u00e9")
    assert reply.output == "% Only plain ASCII characters are accepted."
    assert r1.device.hostname == "R3"
    assert "% Invalid input" in typed(r1, "hostname R4\r\nhostname R5")  # one line, never two commands
    assert r1.device.hostname == "R3"


def test_it_stops_after_500_lines_and_says_so():
    r1 = router()
    for _ in range(MAX_LINES):
        assert "limit" not in r1.run("show version").output
    reply = r1.run("enable")
    assert "the limit was reached" in reply.output
    assert reply.prompt == "R1>"
    restored = Session.from_dict(r1.to_dict())
    assert "the limit was reached" in restored.run("enable").output  # a reload does not reset the count


def test_it_never_raises_on_garbage():
    r1 = router()
    for line in ["?", " ?", "??", "no", "no ?", "do", "do ?", "|", "| include", "show run |", "show run | ?",
                 "show run | include", "en", "conf t", "int", "int ?", "int range", "int range g0/0/0 - ",
                 "int range x", "int range g0/0/2 - 0", "ip route ? ?", "access-list 10 permit 300.1.1.1",
                 "access-list 100 permit tcp any any range 90 80", "ip address", "router ospf 0",
                 "router ospf 70000", "line vty 4 1", "vlan 4095", "banner motd #", "banner motd x",
                 "ip nat inside source list 1 pool NOPE", "\x00\x00", "", "   ", "end", "copy run start", "bogus",
                 "enable", "exit"]:
        reply = r1.run(line)
        assert isinstance(reply.output, str) and isinstance(reply.prompt, str)
        assert INTERNAL_ERROR not in reply.output, line


def vocabulary() -> list[str]:
    words: set[str] = set()
    seen: set[int] = set()
    stack = list(ROOTS.values())
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Keyword):
            words.add(node.word)
        stack.extend(node.children)
    return sorted(words)


def test_it_survives_thousands_of_random_lines_in_every_mode():
    words = vocabulary() + ["g0/0/1", "g0/0/0.10", "g1/0/1", "lo0", "vlan", "10", "1", "0", "99", "100",
                            "10.0.0.1", "255.255.255.0", "0.0.0.255", "any", "host", "-", ",", "10,20-30",
                            "R1", "WEB", "?", "|", "/24", "65535", "4096"]
    rng = random.Random(20240601)
    for make in (router, switch):
        session = make()
        typed(session, "enable")
        for n in range(1, 2000):
            if n % 400 == 0:  # keep well below the session's line limit
                session = Session.from_dict(session.to_dict())
                session.lines_run = 0
            line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
            reply = session.run(line)
            assert INTERNAL_ERROR not in reply.output, (session.mode, line)
            if session.pending:
                session.run("")
            if rng.random() < 0.05:
                typed(session, "end", "conf t")
        assert Session.from_dict(session.to_dict()).to_dict() == session.to_dict()


SAMPLES = {
    "A.B.C.D": ["10.0.0.1", "192.168.10.0", "255.255.255.0", "0.0.0.255", "255.255.255.255", "203.0.113.1"],
    "WORD": ["R2", "WEB", "10", "100", "LAN", "cisco", "10,20", "1-5"],
    "LINE": ["uplink to core", "#hello#", "g1/0/1 - 3", "g0/0/0"],
    "<interface>": ["g0/0/0", "g0/0/1", "g0/0/1.10", "lo1", "g1/0/1", "vlan 10", "g1/0/24"],
    "/nn": ["/24"],
    "<0-65535>": ["80", "www", "53"],
}


def sample(node, rng: random.Random) -> str:
    if isinstance(node, Keyword):
        return node.word[:rng.randint(max(1, len(node.word) - 3), len(node.word))]
    low_high = node.label[1:-1].split("-") if node.label.startswith("<") and node.label[1].isdigit() else None
    if low_high:
        low, high = int(low_high[0]), int(low_high[1])
        return str(rng.choice([low, high, min(high, low + 9), (low + high) // 2]))
    return rng.choice(SAMPLES.get(node.label, ["x"]))


def test_it_survives_random_walks_of_every_commands_tree():
    """Lines built by walking the grammar itself reach the handlers (random words mostly do not)."""
    rng = random.Random(7)
    for make in (router, switch):
        session = make()
        typed(session, "enable", "configure terminal")
        for n in range(1500):
            if n % 400 == 399:
                session.lines_run = 0
            node, words = session.root(), []
            while True:
                children = node.children if not node.jump else session.root_for_jump(node.jump).children \
                    if node.jump == "exec" else session.root().children
                if not children or (node.run and rng.random() < 0.3):
                    break
                node = rng.choice(children)
                words.append(sample(node, rng))
            reply = session.run(" ".join(words))
            assert INTERNAL_ERROR not in reply.output, (session.mode, words)
            if session.pending:
                session.run(rng.choice(["", "yes", "1024", "class"]))
            if session.mode in ("user", "exec"):
                typed(session, "enable", "configure terminal")
        assert Session.from_dict(session.to_dict()).to_dict() == session.to_dict()
