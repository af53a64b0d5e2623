"""Flag before answering keeps the learner's pick, in a real Chromium (issue 29). In practice the
flag is sent alone: the pick stays on the card, unsaved (an answer there is final). In an exam
simulation Flag is a button of the answer form, and saves the pick with the flag. Without script
the practice flag posts and reloads, as it always did. (Each screenshot also runs axe-core and fails
on any console error or CSP violation.)"""

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import SessionItem, StudySession
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.journeys import assert_same_document, expect_question, mark_document, wait_for_settle
from tests.browser.test_accessibility import sign_in
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHOICES = '#answer-form input[name="choice"]'


def one_question_session(user, exam, mode: str) -> StudySession:
    objective = exam.domains.first().objectives.first()
    question = QuestionFactory(objective=objective, type=Question.Type.SINGLE, stem="Which port does HTTPS use?",
                               choices=[("443", True, ""), ("80", False, ""), ("22", False, ""), ("25", False, "")])
    session = StudySession.objects.create(user=user, exam=exam, mode=mode, question_total=1)
    SessionItem.objects.create(session=session, position=1, question=question,
                               choice_order=list(question.choices.order_by("id").values_list("id", flat=True)))
    return session


def item_of(session: StudySession) -> SessionItem:
    return SessionItem.objects.get(session=session, position=1)


@pytest.mark.parametrize("size,theme", [(DESKTOP, "light"), (PHONE, "dark")])
def test_in_practice_a_flag_keeps_the_pick_on_the_card(page: Page, live_server, learner, seeded_exam, shoot,
                                                       size, theme):
    session = one_question_session(learner, seeded_exam, StudySession.Mode.PRACTICE)
    sign_in(page, live_server, learner)
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=theme)
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    expect_question(page, 1)
    mark_document(page)
    flag = page.locator("#session-main [data-flag]")

    # Pick A by keyboard, then M: flagged, and A still picked (and not submitted).
    page.locator("#question-title").focus()
    page.keyboard.press("a")
    expect(page.locator(CHOICES).first).to_be_checked()
    page.keyboard.press("m")
    expect(flag).to_have_attribute("aria-pressed", "true")
    expect(flag).to_have_text("⚑ Unflag")
    expect(page.locator("#session-main .question-card .badge-warn")).to_have_text("⚑ Flagged")
    expect(page.locator("[data-announce]")).to_have_text("Flagged for review.")
    expect(page.locator(CHOICES).first).to_be_checked()
    assert_same_document(page, "flagging")
    item = item_of(session)
    assert item.flagged and item.response is None
    shoot(f"practice-flag-kept-pick-{theme}")

    # Change the pick to B and click the button: unflagged, B still picked.
    page.locator(CHOICES).nth(1).check()
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "false")
    expect(flag).to_have_text("⚐ Flag for review")
    expect(page.locator("#session-main .question-card .badge-warn")).to_have_count(0)
    expect(page.locator(CHOICES).nth(1)).to_be_checked()
    assert not item_of(session).flagged and item_of(session).response is None

    # Flag again by click, then submit: the answer is B, the flag stays.
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Submit answer", exact=True).click()
    expect(page.locator("#session-main .feedback")).to_contain_text("Not quite")
    wait_for_settle(page)
    expect(page.locator("#session-main .question-card .badge-warn")).to_have_text("⚑ Flagged")
    assert_same_document(page, "flagging and answering")
    item = item_of(session)
    assert item.flagged and item.response is not None and item.is_correct is False
    shoot(f"practice-flag-then-answered-{theme}")


def test_in_an_exam_simulation_a_flag_saves_the_pick(page: Page, live_server, learner, seeded_exam, shoot):
    session = one_question_session(learner, seeded_exam, StudySession.Mode.EXAM)
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    expect_question(page, 1)
    page.locator("#question-title").focus()
    page.keyboard.press("b")
    page.keyboard.press("m")
    expect(page.locator("#session-main [data-flag]")).to_have_attribute("aria-pressed", "true")
    wait_for_settle(page)
    expect(page.locator(CHOICES).nth(1)).to_be_checked()
    item = item_of(session)
    assert item.flagged and item.response is not None  # saved with the flag: answers can change until the end
    shoot("simulation-flag-saves-pick")


def test_without_script_the_practice_flag_posts_and_reloads(browser, live_server, learner, seeded_exam):
    session = one_question_session(learner, seeded_exam, StudySession.Mode.PRACTICE)
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, live_server, learner)
        page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
        page.get_by_role("button", name="⚐ Flag for review").click()
        page.wait_for_load_state()
        expect(page).to_have_url(f"{live_server.url}/sessions/{session.pk}/q/1/")
        expect(page.get_by_role("button", name="⚑ Unflag")).to_have_attribute("aria-pressed", "true")
        assert item_of(session).flagged
    finally:
        context.close()
