"""Helpers for browser journeys: signing in, reading the page, answering like a learner, and
checking what the page shows with axe-core."""

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import SessionItem, StudySession

EXAM_CODE = "PTP-100"
QUESTION_URL = re.compile(r"/sessions/(\d+)/q/(\d+)/$")
TIMEOUT_MS = 10_000

# axe-core, vendored from its npm package (`npm pack axe-core@4.14.1`) for the tests only: it is
# never served to users. It is evaluated through the DevTools protocol, so the page's CSP (no
# inline scripts) neither blocks it nor reports it.
AXE_SOURCE = Path(__file__).parent / "assets" / "axe-core-4.14.1.min.js"
# WCAG 2.0, 2.1 and 2.2 at A and AA and axe's best practices, with two of its experimental rules:
# a control's name must contain its visible label (WCAG 2.5.3), and every data cell of a table
# must have a header (1.3.1). (Its other experimental rules guess, e.g. that a big price is a heading.)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_EXPERIMENTAL = ["label-content-name-mismatch", "td-has-header"]
BLOCKING_IMPACTS = ("serious", "critical")
# Serious violations in templates other engineers are changing now, each reported to them with its
# fix: (rule, page path pattern, why). Delete an entry when its fix lands, and the check is whole again.
KNOWN_ELSEWHERE: list[tuple[str, re.Pattern, str]] = []  # (rule, path, why): none left
# The rules whose outcome depends on the colours: checked again in the other theme.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


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
        tab_to(page, '#answer-form button.btn-primary[type="submit"]')
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




# --- accessibility ----------------------------------------------------------------------------
@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page, *, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now: rule, impact, help and the nodes' targets."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    # No preload: axe would copy the stylesheets into <style> elements, which the CSP refuses.
    options = {"resultTypes": ["violations"], "preload": False}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    else:
        options["runOnly"] = {"type": "tag", "values": AXE_TAGS}
        options["rules"] = {rule: {"enabled": True} for rule in AXE_EXPERIMENTAL}
    return page.evaluate(
        """options => axe.run(document, options).then(results => results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))})))""",
        options,
    )


def _with_theme(page: Page, theme: str):
    """Show the page in `theme` (the site's and Django admin's data-theme); returns the undo."""
    before = page.evaluate("() => document.documentElement.getAttribute('data-theme')")
    page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
    # Colours may ease into the theme's (Django admin's links do): measure them once they are there.
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
    return lambda: page.evaluate(
        "t => t === null ? document.documentElement.removeAttribute('data-theme')"
        " : document.documentElement.setAttribute('data-theme', t)", before)


def page_violations(page: Page, *, themes=("light", "dark")) -> list[dict]:
    """Every rule on the page as shown, then the colour rules again in each of `themes`."""
    found = [dict(v, theme="as shown") for v in axe_violations(page)]
    for theme in themes:
        undo = _with_theme(page, theme)
        try:
            shown = {(v["id"], n["target"]) for v in found for n in v["nodes"]}
            for v in axe_violations(page, rules=COLOUR_RULES):
                nodes = [n for n in v["nodes"] if (v["id"], n["target"]) not in shown]
                if nodes:
                    found.append(dict(v, nodes=nodes, theme=theme))
        finally:
            undo()
    return found


def blocking(violations: list[dict], url: str) -> list[dict]:
    """The serious and critical violations, but those already reported for a file not ours."""
    path = urlsplit(url).path
    known = {rule for rule, pattern, _ in KNOWN_ELSEWHERE if pattern.match(path)}
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS and v["id"] not in known]


def describe_violations(violations: list[dict], *, limit: int = 4) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(n["target"] for n in v["nodes"][:limit])
        more = f" (+{len(v['nodes']) - limit} more)" if len(v["nodes"]) > limit else ""
        lines.append(f"  {v['impact']} {v['id']} [{v['theme']}] {v['help']}: {targets}{more}")
        if v["nodes"]:
            lines.append("    " + v["nodes"][0]["summary"].replace("\n", "\n    "))
    return "\n".join(lines)


def record_violations(log: Path, where: str, url: str, violations: list[dict]) -> None:
    """Add what axe found on one page to the run's log (one JSON line a page), for the totals."""
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps({"where": where, "url": url, "violations": violations}) + "\n")


def assert_accessible(page: Page, where: str, *, log: Path | None = None) -> None:
    """No serious or critical axe-core violation on the page as it is now, in light and dark.
    With a `log`, every violation found is also written down."""
    violations = page_violations(page)
    if log:
        record_violations(log, where, page.url, violations)
    found = blocking(violations, page.url)
    assert not found, f"axe-core on {where} ({page.url}):\n{describe_violations(found)}"
