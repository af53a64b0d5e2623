"""What axe-core cannot see, checked in Chromium: text at 200 % on a 320 px screen, focus on a
form's first error, the account menu by keyboard, code blocks that scroll, controls that keep
their size, a phone's header."""

import re

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import StudySession
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data
from tests.browser.conftest import PHONE
from tests.browser.journeys import answer_current_question, assert_same_document, mark_document
from tests.browser.test_accessibility import learner_pages, moderator_pages, sign_in
from tests.factories import ObjectiveFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def browser_text_size(page: Page, pixels: int) -> None:
    """Set Chromium's own text size (Settings › Appearance › Font size), as a learner would."""
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": pixels, "fixed": round(pixels * 13 / 16)}})


def assert_fits(page: Page, what: str, artifacts_dir: str) -> None:
    """The page follows the browser's text size and is no wider than the window. Checked before any
    full-page screenshot: taking one resets the emulated text size."""
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px", (
        f"{what} ignores the browser's text size")
    page.screenshot(path=f"{artifacts_dir}/text-200-320px-{what.replace(' ', '-')}.png")
    wider = page.evaluate("""() => document.documentElement.scrollWidth - document.documentElement.clientWidth""")
    culprits = page.evaluate("""() => [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .filter(e => !e.parentElement.closest("[data-scroll-tabstop], .table-wrap, pre, .main-nav"))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className + ": " + (e.textContent || "").trim().slice(0, 40))""")
    assert wider <= 0, f"{what} is {wider} px wider than a 320 px screen at 200 % text: {culprits}"


def test_text_at_200_percent_on_a_320px_screen_reflows(page: Page, live_server, learner, pro, seeded_exam, artifacts_dir):
    pages = learner_pages(learner, seeded_exam)
    sign_in(page, live_server, learner)
    page.set_viewport_size({"width": 320, "height": 640})
    browser_text_size(page, 32)
    for name in ("exam page", "dashboard", "results", "review", "sessions", "settings", "pricing"):
        page.goto(f"{live_server.url}{pages[name]}")
        assert_fits(page, name, artifacts_dir)


def test_the_start_form_fits_a_320px_screen_at_200_percent_text(page: Page, live_server, learner, seeded_exam,
                                                                artifacts_dir):
    sign_in(page, live_server, learner)
    page.set_viewport_size({"width": 320, "height": 640})
    browser_text_size(page, 32)
    page.goto(f"{live_server.url}/exams/{seeded_exam.code}/")
    form = page.locator("#practice form.start-form")
    form.scroll_into_view_if_needed()
    box = form.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    assert_fits(page, "start form", artifacts_dir)


def test_a_form_returned_with_errors_puts_focus_on_the_first(page: Page, live_server, shoot):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "learner@example.com")
    page.fill("input[name=password1]", "a")
    page.fill("input[name=password2]", "b")
    page.locator("form.auth-form [type=submit]").click()
    page.wait_for_load_state()
    first_invalid = page.locator("form [aria-invalid=true]").first
    expect(first_invalid).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_have_attribute("role", "alert")
    shoot("signup-errors-focused")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "nobody@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form.auth-form [type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("not correct")
    expect(summary).to_be_focused()  # no field is named: the summary takes focus
    shoot("login-errors-focused")


def test_the_account_menu_works_by_keyboard(page: Page, live_server, learner, shoot):
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/dashboard/")
    toggle = page.locator(".account-menu > summary")
    expect(toggle).to_contain_text(learner.name)
    toggle.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("navigation", name="Your account")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("listitem")).to_have_count(5)
    page.keyboard.press("Tab")
    expect(panel.get_by_role("link", name="Settings")).to_be_focused()
    shoot("account-menu-open")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()
    # "Sign out" is a plain item of the list, not a primary button.
    toggle.click()
    sign_out = panel.get_by_role("button", name="Sign out")
    colours = sign_out.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert colours[0] in ("rgba(0, 0, 0, 0)", "transparent"), colours


def long_question(exam, **fields) -> Question:
    objective = ObjectiveFactory(domain=exam.domains.first(), number="1.9", name="Long texts")
    words = "a choice whose text runs long enough to wrap onto three or four lines on a phone screen " * 2
    return QuestionFactory(objective=objective, choices=[(f"{words} ({n})", n == 0, "") for n in range(4)], **fields)


def test_choice_buttons_keep_their_size_when_the_text_wraps(page: Page, live_server, learner, seeded_exam, shoot):
    question = long_question(seeded_exam)
    session = session_start(user=learner, exam=seeded_exam, request=SessionRequest(
        mode=StudySession.Mode.PRACTICE, count=10, objective_ids=(question.objective_id,)))
    sign_in(page, live_server, learner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    sizes = page.eval_on_selector_all(
        '#answer-form input[name="choice"]', "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
    shoot("choices-wrapping-phone")
    assert len(sizes) == 4 and all(abs(w - 17.6) < 0.5 and abs(h - 17.6) < 0.5 for w, h in sizes), sizes


def test_code_that_scrolls_sideways_can_be_reached_by_keyboard(page: Page, live_server, learner, seeded_exam, shoot):
    command = "iptables -A INPUT -p tcp --dport 22 -s 10.0.0.0/8 -j ACCEPT"
    question = long_question(seeded_exam, explanation=f"Allow SSH from the LAN only:\n\n    {command}\n")
    session = session_start(user=learner, exam=seeded_exam, request=SessionRequest(
        mode=StudySession.Mode.PRACTICE, count=10, objective_ids=(question.objective_id,)))
    item = session.items.get()
    answer_record(item=item, data=correct_post_data(item), client_seconds=10)
    session_submit(session=session)
    sign_in(page, live_server, learner)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/sessions/{session.pk}/review/")
    code = page.locator(".explanation pre", has_text=command)
    expect(code).to_have_attribute("tabindex", "0")
    expect(code).to_have_attribute("aria-label", re.compile("Code"))
    code.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("pre => pre.scrollLeft > 0", arg=code.element_handle())  # smooth scrolling takes a moment
    shoot("review-code-scrolls-phone")

    page.set_viewport_size({"width": 1366, "height": 900})  # wide enough: no extra tab stop
    expect(code).not_to_have_attribute("tabindex", "0")


def test_a_phones_header_keeps_each_link_on_one_line(page: Page, live_server, learner, seeded_exam, shoot):
    sign_in(page, live_server, learner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dashboard/")
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="My sessions")
    line = link.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
    assert link.bounding_box()["height"] < 2 * line
    assert page.locator(".site-header").bounding_box()["height"] <= 100
    shoot("header-phone")


def test_a_swap_never_applies_an_inline_style(page: Page, live_server, learner, seeded_exam, page_problems):
    """htmx settles some attributes of a swapped element from its old copy; "style" among them was
    refused by the CSP whenever an element had one (a learner resizing a text box gives it one)."""
    session = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=8))
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    page.evaluate("() => { document.getElementById('question-title').style.height = 'auto'; }")
    mark_document(page)
    answer_current_question(page, session, correct=True)
    expect(page.locator("#session-main .feedback")).to_be_visible()
    assert_same_document(page, "answering")
    page_problems.assert_none("answering after an element got a style attribute")


def test_the_moderators_preview_and_cost_pages_reflow_at_320px(page: Page, live_server, moderator, seeded_exam,
                                                                artifacts_dir):
    pages = moderator_pages(seeded_exam)
    sign_in(page, live_server, moderator)
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ("question preview", "AI cost"):
        page.goto(f"{live_server.url}{pages[name]}")
        page.screenshot(path=f"{artifacts_dir}/reflow-320px-{name.replace(' ', '-')}.png", full_page=True)
        wider = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wider <= 0, f"{name} is {wider} px wider than a 320 px screen"
