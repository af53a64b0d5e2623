"""Helpers for browser journeys: signing in, reading the page, answering like a learner."""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import SessionItem, StudySession

EXAM_CODE = "PTP-100"
QUESTION_URL = re.compile(r"/sessions/(\d+)/q/(\d+)/$")
TIMEOUT_MS = 10_000


# --- helpers ----------------------------------------------------------------------------------
def log_in(page: Page, live_server, shoot, *, email: str, password: str, prefix: str) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    shoot(f"{prefix}-login")
    page.locator("form.auth-form [type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_exam(page: Page, live_server, shoot, prefix: str) -> None:
    page.goto(f"{live_server.url}/exams/{EXAM_CODE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("PingToPass Test Exam")
    shoot(f"{prefix}-exam-detail")


def start_simulation(page: Page, live_server, shoot, prefix: str) -> StudySession:
    open_exam(page, live_server, shoot, prefix)
    page.get_by_role("button", name="Start exam simulation").click()
    page.wait_for_url(QUESTION_URL)
    expect_question(page, 1)
    return current_session(page)


def current_session(page: Page) -> StudySession:
    match = QUESTION_URL.search(page.url)
    assert match, f"not on a question page: {page.url}"
    return StudySession.objects.get(pk=int(match.group(1)))


def current_position(page: Page) -> int:
    match = QUESTION_URL.search(page.url)
    assert match, f"not on a question page: {page.url}"
    return int(match.group(2))


def get_item(session: StudySession, position: int) -> SessionItem:
    return (
        SessionItem.objects.select_related("question__objective__domain")
        .prefetch_related("question__choices")
        .get(session=session, position=position)
    )


def mark_document(page: Page) -> None:
    """Tag the current document; the tag survives HTMX swaps but not a full page load."""
    page.evaluate("window.__journeyDocument = 'still-the-same-document'")


def wait_for_settle(page: Page) -> None:
    """Wait until HTMX has finished settling swapped-in content.

    htmx 2 wires up the new #session-main (its hx-post forms and hx-get links) only after the
    settle delay (20 ms) and marks it `htmx-added` until then; a shortcut pressed inside that
    window would submit the new flag/answer form natively (a full page load).
    """
    expect(page.locator("#session-main")).not_to_have_class(re.compile(r"\bhtmx-(added|settling|swapping)\b"))
    expect(page.locator("#session-main")).to_have_count(1)


def expect_question(page: Page, position: int) -> None:
    expect(page.locator("#question-title")).to_have_text(re.compile(rf"^Question {position}\s+of \d+$"))
    wait_for_settle(page)


def expect_saved(page: Page) -> None:
    """Exam simulation: the answer was saved (and, unlike practice, nothing says if it was right)."""
    expect(page.locator("#session-main [role=status].badge")).to_have_text("Answer saved")
    wait_for_settle(page)


def assert_same_document(page: Page, what: str) -> None:
    assert page.evaluate("window.__journeyDocument") == "still-the-same-document", (
        f"{what} caused a full page load instead of an HTMX swap"
    )


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(
        f"Tab never reached {selector!r} (focus is on {page.evaluate('document.activeElement.outerHTML')[:200]})"
    )


@dataclass
class Plan:
    """What to enter for one question, in display terms (indices into the shown choices)."""

    kind: str  # pick, ordering, matching
    correct: bool
    domain: str
    picks: list[int] = field(default_factory=list)  # pick: display indices to tick
    targets: dict[int, int] = field(default_factory=dict)  # ordering: index -> position; matching: index -> option


def plan_answer(item: SessionItem, *, correct: bool) -> Plan:
    question = item.question
    choices = {c.pk: c for c in question.choices.all()}
    order = item.choice_order
    domain = question.objective.domain.number
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE, Question.Type.MULTIPLE):
        right = [i for i, pk in enumerate(order) if choices[pk].is_correct]
        wrong = [i for i, pk in enumerate(order) if not choices[pk].is_correct]
        picks = right if correct else right[:-1] + wrong[:1]
        return Plan("pick", correct, domain, picks=picks)
    if question.type == Question.Type.ORDERING:
        rank = {c.pk: n for n, c in enumerate(sorted(choices.values(), key=lambda c: (c.position, c.pk)), start=1)}
        targets = {i: rank[pk] for i, pk in enumerate(order)}
        if not correct:  # swap the first two steps
            first, second = (next(i for i, r in targets.items() if r == n) for n in (1, 2))
            targets[first], targets[second] = 2, 1
        return Plan("ordering", correct, domain, targets=targets)
    if question.type == Question.Type.MATCHING:
        targets = {i: item.match_order.index(pk) for i, pk in enumerate(order)}
        if not correct:
            targets[0], targets[1] = targets[1], targets[0]
        return Plan("matching", correct, domain, targets=targets)
    raise AssertionError(f"unexpected question type {question.type}")


def enter_answer_with_keyboard(page: Page, plan: Plan, *, submit: bool = True) -> None:
    """Fill in the answer and (unless told not to) submit it using only the keyboard."""
    if plan.kind == "pick":
        for n, index in enumerate(plan.picks):
            # Alternate digits and letters: both are documented shortcuts.
            key = str(index + 1) if n % 2 == 0 else "ABCDE"[index]
            page.keyboard.press(key)
        checked = page.eval_on_selector_all(
            '#answer-form input[name="choice"]:checked', "els => els.map(e => Number(e.value))"
        )
        assert sorted(checked) == sorted(plan.picks), f"keyboard picks did not tick the right boxes: {checked}"
        if submit:
            page.keyboard.press("Enter")  # focus is on the last picked input
        return
    if plan.kind == "ordering":
        # Place steps first to last: typing a position into a step's list moves it there.
        for position in sorted(plan.targets.values()):
            index = next(i for i, p in plan.targets.items() if p == position)
            tab_to(page, f'#answer-form select[name="pos-{index}"]')
            page.keyboard.type(str(position))
    else:
        for index, option in plan.targets.items():
            tab_to(page, f'#answer-form select[name="match-{index}"]')
            page.keyboard.press("Home")
            for _ in range(option + 1):  # option 0 is "— choose —"
                page.keyboard.press("ArrowDown")
    assert_selects_show(page, plan)
    if submit:
        tab_to(page, '#answer-form button[type="submit"]')
        page.keyboard.press("Enter")


def select_values(page: Page, prefix: str) -> dict[int, str]:
    values = page.eval_on_selector_all(
        f'#answer-form select[name^="{prefix}"]', "els => els.map(e => [e.name, e.value])"
    )
    return {int(name.rsplit("-", 1)[1]): value for name, value in values}


def assert_selects_show(page: Page, plan: Plan) -> None:
    prefix = "pos-" if plan.kind == "ordering" else "match-"
    assert select_values(page, prefix) == {i: str(v) for i, v in plan.targets.items()}


def assert_answer_shown(page: Page, plan: Plan) -> None:
    """The question form shows the saved answer (exam simulation keeps the form after answering)."""
    if plan.kind == "pick":
        checked = page.eval_on_selector_all(
            '#answer-form input[name="choice"]:checked', "els => els.map(e => Number(e.value))"
        )
        assert sorted(checked) == sorted(plan.picks)
    else:
        assert_selects_show(page, plan)


def grid_cell(page: Page, position: int):
    return page.locator(f'.question-grid .grid-buttons .grid-cell:text-is("{position}")')


def assert_grid(page: Page, cells_selector: str, *, total: int, answered: set[int], flagged: set[int]) -> None:
    cells = page.locator(cells_selector)
    expect(cells).to_have_count(total)
    for position in range(1, total + 1):
        cell = cells.nth(position - 1)
        expect(cell).to_have_text(str(position))
        label = f"Question {position}, {'answered' if position in answered else 'not answered'}"
        if position in flagged:
            label += ", flagged"
        expect(cell).to_have_attribute("aria-label", label)
        classes = cell.get_attribute("class").split()
        assert ("is-answered" in classes) == (position in answered), f"cell {position}: {classes}"
        assert ("is-flagged" in classes) == (position in flagged), f"cell {position}: {classes}"


def answer_current_question(page: Page, session: StudySession, *, correct: bool) -> Plan:
    position = current_position(page)
    plan = plan_answer(get_item(session, position), correct=correct)
    enter_answer_with_keyboard(page, plan)
    return plan


