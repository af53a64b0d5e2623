"""Small labs the CLI tests start terminals on, and a helper to type into them."""

from exams.question_types.ios import Session, start_session

R1_CONFIG = """\
hostname R1
!
interface GigabitEthernet0/0/0
 description to ISP
 ip address 203.0.113.2 255.255.255.252
 no shutdown
!
end
"""


def router(config: str = R1_CONFIG, cabled=("g0/0/0", "g0/0/1")) -> Session:
    session, refused = start_session({"name": "R1", "platform": "router", "cabled": list(cabled), "config": config})
    assert refused == []
    return session


def switch(config: str = "hostname S1\n", cabled=("g1/0/1", "g1/0/24")) -> Session:
    session, refused = start_session({"name": "S1", "platform": "switch", "cabled": list(cabled), "config": config})
    assert refused == []
    return session


def typed(session: Session, *lines: str) -> str:
    """Type lines one after another; the output of the last one."""
    output = ""
    for line in lines:
        output = session.run(line).output
    return output


def configure(session: Session, *lines: str) -> list[str]:
    """From user EXEC into global configuration, then the lines; every output, in order."""
    typed(session, "enable", "configure terminal")
    return [session.run(line).output for line in lines]
