"""Performance-based questions in a real Chromium: a rule table filled in by keyboard only, a
hotspot placed with the mouse (dragging, tapping) and by its list boxes, a "choose the spot"
hotspot, and a CLI lab typed into the terminal (help, history, reload, reset, grading, and an exam
simulation moving away and back). On a desktop in light and a phone in dark; every card is
screenshot unanswered and answered, and checked by axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import SessionItem, StudySession
from study.services import SessionRequest, session_start, session_submit
from tests.browser.journeys import log_in, tab_to, wait_for_settle
from tests.factories import DomainFactory, ObjectiveFactory, QuestionFactory, network_hotspot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREENS = [pytest.param((1366, 900), "light", id="desktop-light"), pytest.param((390, 844), "dark", id="phone-dark")]


def choose_the_spot() -> dict:
    """The network diagram with one label: the learner clicks where the firewall goes."""
    data = network_hotspot()
    data.update(tokens=[{"id": "fw", "label": "Firewall"}], key={"edge": "fw"},
                explanations={"fw": "The firewall filters at the network edge."})
    return data


@pytest.fixture
def pbq_exam(db, pro):
    """An exam of one objective: a rule table, a hotspot, a "choose the spot" hotspot, a CLI lab and
    a single-choice question. The learner is on Pro."""
    objective = ObjectiveFactory(domain=DomainFactory(weight=100))
    questions = {
        "table": QuestionFactory(objective=objective, type=Question.Type.TABLE, points=3,
                                 stem="Complete the firewall's rules so staff reach the web server over HTTPS."),
        "hotspot": QuestionFactory(objective=objective, type=Question.Type.HOTSPOT, points=2,
                                   stem="Place the security controls on the network."),
        "spot": QuestionFactory(objective=objective, type=Question.Type.HOTSPOT, simulation_data=choose_the_spot(),
                                stem="Where does the firewall go?"),
        "lab": QuestionFactory(objective=objective, type=Question.Type.CLI, points=3, stem="Configure the edge router."),
        "single": QuestionFactory(objective=objective, stem="Which port does HTTPS use?"),
    }
    return objective.domain.exam, questions


def start(user, exam, mode=StudySession.Mode.PRACTICE) -> StudySession:
    return session_start(user=user, exam=exam, request=SessionRequest(mode=mode, count=5))


def item_of(session: StudySession, question) -> SessionItem:
    return session.items.get(question=question)


def open_card(page: Page, live_server, session: StudySession, question) -> SessionItem:
    item = item_of(session, question)
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/{item.position}/")
    wait_for_settle(page)
    return item


def on_screen(page: Page, viewport, scheme: str) -> None:
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.emulate_media(color_scheme=scheme)


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def feedback(page: Page):
    return page.locator("#session-main .feedback")


# --- rule table --------------------------------------------------------------------------------
def choose_by_keyboard(page: Page, steps: int) -> None:
    """In the focused list box: the first option ("— choose —"), then `steps` down."""
    page.keyboard.press("Home")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def type_in_cell(page: Page, name: str, text: str) -> None:
    tab_to(page, f'#answer-form input[name="{name}"]')
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("viewport,scheme", SCREENS)
def test_a_rule_table_by_keyboard_only(page: Page, live_server, learner, password, pbq_exam, shoot, viewport, scheme):
    exam, questions = pbq_exam
    on_screen(page, viewport, scheme)
    prefix = f"pbq-table-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start(learner, exam)
    item = open_card(page, live_server, session, questions["table"])
    cells = page.locator("#answer-form .task-table")
    expect(cells.locator('select[name^="cell-"]')).to_have_count(3)
    expect(cells.locator('input[name^="cell-"]')).to_have_count(3)
    shoot(f"{prefix}-unanswered")

    # Every asked cell in turn, by Tab: options picked with the arrow keys, values typed. The
    # source is not a network, and row 2's port is wrong.
    tab_to(page, '#answer-form select[name="cell-0-action"]')
    choose_by_keyboard(page, 1)
    page.keyboard.press("Tab")
    assert focused(page, '#answer-form input[name="cell-0-source"]')
    page.keyboard.type("10.1.0")
    page.keyboard.press("Tab")
    page.keyboard.type("443")
    page.keyboard.press("Tab")
    assert focused(page, '#answer-form select[name="cell-1-action"]')
    choose_by_keyboard(page, 2)
    page.keyboard.press("Tab")
    page.keyboard.type("22")
    page.keyboard.press("Tab")
    assert focused(page, '#answer-form select[name="cell-2-action"]')
    choose_by_keyboard(page, 2)
    assert page.eval_on_selector_all('#answer-form [name^="cell-"]', "els => els.map(e => [e.name, e.value])") == [
        ["cell-0-action", "Allow"], ["cell-0-source", "10.1.0"], ["cell-0-port", "443"],
        ["cell-1-action", "Deny"], ["cell-1-port", "22"], ["cell-2-action", "Deny"]]
    shoot(f"{prefix}-filled")
    page.keyboard.press("Enter")  # in a list box: the card submits the answer

    alert = page.locator("#session-main .alert-error")
    expect(alert).to_have_text("Row 1, Source: '10.1.0' is not an address with a prefix (such as 192.0.2.0/24) or \"any\".")
    wait_for_settle(page)
    expect(page.locator('#answer-form input[name="cell-0-source"]')).to_have_value("10.1.0")
    expect(page.locator('#answer-form input[name="cell-1-port"]')).to_have_value("22")
    expect(page.locator('#answer-form select[name="cell-1-action"]')).to_have_value("Deny")
    assert SessionItem.objects.get(pk=item.pk).response is None
    shoot(f"{prefix}-refused")

    type_in_cell(page, "cell-0-source", "10.1.0.0/16")
    page.keyboard.press("Enter")  # in a typed cell: the form's own submit
    expect(feedback(page)).to_contain_text("Partly right: 83% of the points.")
    wait_for_settle(page)
    wrong = page.locator("#session-main .parts-review .part.is-wrong")
    expect(wrong).to_have_count(1)
    expect(wrong).to_contain_text("2 · Port")
    expect(wrong.locator("code")).to_have_text(["22", "23"])
    expect(wrong).to_contain_text("Telnet is refused from anywhere.")
    expect(page.locator("#session-main .parts-review .part.is-correct")).to_have_count(5)
    item.refresh_from_db()
    assert item.score == pytest.approx(5 / 6)
    shoot(f"{prefix}-answered")


# --- hotspot -----------------------------------------------------------------------------------
def zone_values(page: Page) -> list[str]:
    return page.eval_on_selector_all("#answer-form [data-zone-select]", "els => els.map(e => e.value)")


def zone_label(page: Page, index: int):
    return page.locator(f'#session-main [data-zone-text="{index}"]')


def assert_zone_in_view(page: Page, index: int) -> None:
    shown = page.locator("#answer-form .hotspot-diagram").evaluate(
        "svg => { const box = svg.parentNode.getBoundingClientRect(); return [box.left, box.right]; }")
    zone = page.locator(f'#answer-form [data-zone="{index}"]').bounding_box()
    assert shown[0] <= zone["x"] and zone["x"] + zone["width"] <= shown[1], (shown, zone)


@pytest.mark.parametrize("viewport,scheme", SCREENS)
def test_a_hotspot_with_the_mouse(page: Page, live_server, learner, password, pbq_exam, shoot, viewport, scheme):
    exam, questions = pbq_exam
    on_screen(page, viewport, scheme)
    prefix = f"pbq-hotspot-mouse-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start(learner, exam)
    item = open_card(page, live_server, session, questions["hotspot"])
    expect(zone_label(page, 0)).to_have_text("1")
    shoot(f"{prefix}-unanswered")

    # Dragged: the label lands on the zone, and the zone's list box follows.
    page.locator('#answer-form [data-token]:text-is("Firewall")').drag_to(page.locator('#answer-form [data-zone="0"] .hs-zone-shape'))
    expect(zone_label(page, 0)).to_have_text("1: Firewall")
    expect(page.locator('#answer-form [data-zone="0"]')).to_have_class(re.compile(r"\bis-filled\b"))
    assert zone_values(page) == ["0", "", ""]
    expect(page.locator("[data-announce]")).to_have_text("Placed Firewall on zone 1.")

    # Tapped, then its zone tapped (as on a phone); a second tap on a label disarms it.
    waf = page.locator('#answer-form [data-token]:text-is("WAF")')
    waf.click()
    expect(waf).to_have_class(re.compile(r"\bis-armed\b"))
    waf.click()
    expect(waf).not_to_have_class(re.compile(r"\bis-armed\b"))
    waf.click()
    page.locator('#answer-form [data-zone="1"] .hs-zone-shape').click()
    expect(zone_label(page, 1)).to_have_text("2: WAF")
    expect(waf).not_to_have_class(re.compile(r"\bis-armed\b"))
    page.locator('#answer-form [data-token]:text-is("Access point")').click()
    page.locator('#answer-form [data-zone="2"] .hs-zone-shape').click()  # a decoy: it belongs nowhere
    expect(zone_label(page, 2)).to_have_text("3: Access point")
    assert zone_values(page) == ["0", "1", "2"]
    shoot(f"{prefix}-placed")

    page.get_by_role("button", name="Submit answer").click()
    expect(feedback(page)).to_contain_text("Partly right: 67% of the points.")
    wait_for_settle(page)
    wrong = page.locator("#session-main .parts-review .part.is-wrong")
    expect(wrong).to_have_count(1)
    expect(wrong).to_contain_text("Access point")
    expect(wrong.locator("code")).to_have_text([re.compile(r"^zone 3\b"), "nowhere: it belongs on none of the zones"])
    expect(page.locator("#session-main .parts-review .part.is-correct")).to_have_count(2)
    expect(page.locator("#session-main .parts-review")).to_contain_text("The WAF inspects HTTP in front of the web tier.")
    item.refresh_from_db()
    assert item.score == pytest.approx(2 / 3)
    shoot(f"{prefix}-answered")


@pytest.mark.parametrize("viewport,scheme", SCREENS)
def test_a_hotspot_by_keyboard_only(page: Page, live_server, learner, password, pbq_exam, shoot, viewport, scheme):
    exam, questions = pbq_exam
    on_screen(page, viewport, scheme)
    prefix = f"pbq-hotspot-keyboard-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start(learner, exam)
    item = open_card(page, live_server, session, questions["hotspot"])

    tab_to(page, '#answer-form select[name="zone-0"]')
    choose_by_keyboard(page, 1)  # Firewall
    expect(zone_label(page, 0)).to_have_text("1: Firewall")
    page.keyboard.press("Tab")
    assert focused(page, '#answer-form select[name="zone-1"]')
    choose_by_keyboard(page, 2)  # WAF
    expect(zone_label(page, 1)).to_have_text("2: WAF")
    assert_zone_in_view(page, 1)  # on a phone the diagram scrolls sideways to it
    page.keyboard.press("Tab")
    assert focused(page, '#answer-form select[name="zone-2"]')  # left empty
    assert zone_values(page) == ["0", "1", ""]
    shoot(f"{prefix}-placed")
    page.keyboard.press("Enter")  # in a list box: the card submits the answer

    expect(feedback(page)).to_contain_text("Correct!")
    wait_for_settle(page)
    expect(page.locator("#session-main .parts-review .part.is-correct")).to_have_count(2)
    item.refresh_from_db()
    assert item.score == 1.0
    shoot(f"{prefix}-answered")


@pytest.mark.parametrize("viewport,scheme", SCREENS)
def test_choosing_the_spot_with_a_click(page: Page, live_server, learner, password, pbq_exam, shoot, viewport, scheme):
    exam, questions = pbq_exam
    on_screen(page, viewport, scheme)
    prefix = f"pbq-spot-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start(learner, exam)
    item = open_card(page, live_server, session, questions["spot"])
    expect(page.locator("#answer-form .hotspot-spots legend")).to_have_text("Where does “Firewall” go?")
    expect(page.locator("#answer-form [data-token-palette]")).to_have_count(0)
    shoot(f"{prefix}-unanswered")

    spots = page.locator('#answer-form input[name="spot"]')
    page.locator('#answer-form [data-zone="2"] .hs-zone-shape').click()
    expect(spots.nth(2)).to_be_checked()
    page.locator('#answer-form [data-zone="0"] .hs-zone-shape').click()  # changed its mind: the radio follows
    expect(spots.nth(0)).to_be_checked()
    expect(spots.nth(2)).not_to_be_checked()
    expect(page.locator('#answer-form [data-zone="0"]')).to_have_class(re.compile(r"\bis-filled\b"))
    expect(page.locator('#answer-form [data-zone="2"]')).not_to_have_class(re.compile(r"\bis-filled\b"))
    expect(page.locator("#answer-form label.choice.is-picked")).to_have_count(1)
    shoot(f"{prefix}-picked")

    page.get_by_role("button", name="Submit answer").click()
    expect(feedback(page)).to_contain_text("Correct!")
    wait_for_settle(page)
    item.refresh_from_db()
    assert item.score == 1.0 and item.response == {"edge": "fw"}
    shoot(f"{prefix}-answered")


# --- CLI lab -----------------------------------------------------------------------------------
TERMINAL = "#term-log-R1"


def terminal_entries(page: Page):
    return page.locator(f"{TERMINAL} .term-entry")


def run_line(page: Page, line: str, *, prompt: str) -> None:
    """Type a line in R1's terminal and press Enter: its entry is appended, the prompt follows the
    mode, and the input is empty and focused for the next line."""
    before = terminal_entries(page).count()
    page.keyboard.type(line)
    page.keyboard.press("Enter")
    expect(terminal_entries(page)).to_have_count(before + 1)
    expect(page.locator("#term-prompt-R1")).to_have_text(prompt)
    expect(page.locator("#cli-line-R1")).to_be_focused()


@pytest.mark.parametrize("viewport,scheme", SCREENS)
def test_a_cli_lab_by_keyboard_only(page: Page, live_server, learner, password, pbq_exam, shoot, viewport, scheme):
    exam, questions = pbq_exam
    on_screen(page, viewport, scheme)
    prefix = f"pbq-cli-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start(learner, exam)
    item = open_card(page, live_server, session, questions["lab"])
    expect(page.locator("#term-prompt-R1")).to_have_text("Router>")
    expect(terminal_entries(page)).to_have_count(0)
    shoot(f"{prefix}-unanswered")

    tab_to(page, "#cli-line-R1")
    run_line(page, "en", prompt="Router#")
    expect(terminal_entries(page).last).to_have_text("Router>en")
    run_line(page, "conf t", prompt="Router(config)#")
    run_line(page, "hostnme X", prompt="Router(config)#")
    expect(terminal_entries(page).last).to_contain_text("% Invalid input detected at '^' marker.")
    run_line(page, "hostname EDGE1", prompt="EDGE1(config)#")
    run_line(page, "int g0/0/1", prompt="EDGE1(config-if)#")
    page.keyboard.type("ip add ")
    page.keyboard.press("?")  # help at once, as on the device, and the line typed again
    expect(terminal_entries(page)).to_have_count(6)
    expect(terminal_entries(page).last).to_contain_text("EDGE1(config-if)#ip add ?")
    expect(terminal_entries(page).last).to_contain_text("A.B.C.D")
    expect(page.locator("#cli-line-R1")).to_have_value("ip add ")
    expect(page.locator("#cli-line-R1")).to_be_focused()
    run_line(page, "192.168.10.254 255.255.255.0", prompt="EDGE1(config-if)#")  # not the first usable address
    expect(terminal_entries(page).last).to_contain_text("ip add 192.168.10.254 255.255.255.0")
    run_line(page, "no shut", prompt="EDGE1(config-if)#")
    expect(terminal_entries(page).last).to_contain_text("changed state to up")
    page.keyboard.press("ArrowUp")  # the line before comes back
    expect(page.locator("#cli-line-R1")).to_have_value("no shut")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#cli-line-R1")).to_have_value("ip add 192.168.10.254 255.255.255.0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#cli-line-R1")).to_have_value("")
    run_line(page, "end", prompt="EDGE1#")
    shoot(f"{prefix}-typed")
    typed = terminal_entries(page).all_inner_texts()
    shown = page.locator(TERMINAL).inner_text()

    page.reload()  # the same terminal, where it was left, drawn as it was (no blank lines between replies)
    wait_for_settle(page)
    assert terminal_entries(page).all_inner_texts() == typed
    assert page.locator(TERMINAL).inner_text() == shown
    expect(page.locator("#term-prompt-R1")).to_have_text("EDGE1#")

    # Reset asks first: "no" keeps the terminal, "yes" starts R1 again.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    tab_to(page, '#answer-form button[name="reset"][value="R1"]')
    page.keyboard.press("Enter")
    expect(terminal_entries(page)).to_have_count(len(typed))
    assert asked == ["Start R1 again from the lab's starting configuration?"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")
    expect(page.locator(TERMINAL)).to_have_text("R1 was reset to the lab's starting configuration.")
    expect(page.locator("#term-prompt-R1")).to_have_text("Router>")
    assert SessionItem.objects.get(pk=item.pk).draft["transcripts"]["R1"] == []

    tab_to(page, "#cli-line-R1")
    for line, prompt in [("enable", "Router#"), ("configure terminal", "Router(config)#"), ("hostname EDGE1", "EDGE1(config)#"),
                         ("interface g0/0/1", "EDGE1(config-if)#"), ("ip address 192.168.10.254 255.255.255.0", "EDGE1(config-if)#"),
                         ("no shutdown", "EDGE1(config-if)#"), ("end", "EDGE1#")]:
        run_line(page, line, prompt=prompt)
    tab_to(page, '#answer-form button.btn-primary[type="submit"]')
    page.keyboard.press("Enter")
    expect(feedback(page)).to_contain_text("Partly right: 33% of the points.")
    wait_for_settle(page)
    parts = page.locator("#session-main .parts-review .part")
    expect(parts.filter(has_text="The router is named EDGE1")).to_have_class(re.compile(r"\bis-correct\b"))
    expect(parts.filter(has_text="G0/0/1 has 192.168.10.1/24 and is up")).to_have_class(re.compile(r"\bis-wrong\b"))
    expect(page.locator("#session-main .parts-review")).to_contain_text("no shutdown")  # the check's explanation
    item.refresh_from_db()
    assert item.score == pytest.approx(1 / 3)
    shoot(f"{prefix}-answered")


def test_a_cli_lab_in_an_exam_simulation_keeps_its_terminal(page: Page, live_server, learner, password, pbq_exam, shoot):
    exam, questions = pbq_exam
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="pbq-cli-exam")
    session = start(learner, exam, StudySession.Mode.EXAM)
    item = open_card(page, live_server, session, questions["lab"])
    shoot("pbq-cli-exam-unanswered")

    # Typed ahead, without waiting for the device: every line runs, in order, and none is lost.
    tab_to(page, "#cli-line-R1")
    for line in ("enable", "configure terminal", "hostname EDGE1"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(terminal_entries(page)).to_have_count(3)
    expect(page.locator("#term-prompt-R1")).to_have_text("EDGE1(config)#")
    typed = terminal_entries(page).all_inner_texts()
    assert [entry.splitlines()[0] for entry in typed] == ["Router>enable", "Router#configure terminal", "Router(config)#hostname EDGE1"]
    expect(page.locator("#cli-line-R1")).to_have_value("")
    expect(page.locator("#cli-line-R1")).to_be_focused()
    shoot("pbq-cli-exam-typed")

    # Away by keyboard (N, or P from the last question) and back: the lab was saved on the way
    # and its terminal is as it was left.
    away, back = ("n", "p") if item.position < session.question_total else ("p", "n")
    other = item.position + 1 if away == "n" else item.position - 1
    page.keyboard.press("Tab")  # out of the terminal's input (where N is a letter) to its Run button
    page.keyboard.press(away)
    expect(page.locator("#question-title")).to_have_text(re.compile(rf"^Question {other}\s+of"))
    wait_for_settle(page)
    lab = SessionItem.objects.get(pk=item.pk)
    assert lab.response is not None and lab.response["lines"]["R1"] == ["enable", "configure terminal", "hostname EDGE1"]
    page.keyboard.press(back)  # focus is on the new card's heading
    expect(page.locator("#question-title")).to_have_text(re.compile(rf"^Question {item.position}\s+of"))
    wait_for_settle(page)
    assert terminal_entries(page).all_inner_texts() == typed
    expect(page.locator("#term-prompt-R1")).to_have_text("EDGE1(config)#")
    expect(page.locator("#session-main [role=status].badge")).to_have_text("Answer saved")
    tab_to(page, "#cli-line-R1")
    run_line(page, "end", prompt="EDGE1#")  # the terminal goes on where it was
    page.keyboard.type("show running-config | include hostname")
    page.get_by_role("button", name="Run", exact=True).click()  # Run, with the mouse, does what Enter does
    expect(terminal_entries(page)).to_have_count(len(typed) + 2)
    expect(terminal_entries(page).last).to_have_text("EDGE1#show running-config | include hostname\nhostname EDGE1")
    expect(page.locator("#cli-line-R1")).to_have_value("")
    expect(page.locator("#cli-line-R1")).to_be_focused()
    shoot("pbq-cli-exam-back")

    # Once the exam is submitted (here, in another tab), a line is refused, and the terminal says why.
    session_submit(session=StudySession.objects.get(pk=session.pk))
    page.keyboard.type("show run")
    page.keyboard.press("Enter")
    expect(terminal_entries(page).last).to_have_text("% This session is already finished; its terminals are closed.")
    expect(page.locator("#term-prompt-R1")).to_have_text("EDGE1#")
