"""Exam day by keyboard in a real Chromium: M marks, Shift + a letter strikes a choice out, the
title and the live region follow the question, a time warning is said, and the review screen
asks before submitting with open questions. At desktop and phone width, light and dark."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from study.models import SessionItem, StudySession
from tests.browser.journeys import (
    EXAM_CODE,
    answer_current_question,
    expect_question,
    expect_saved,
    log_in,
    start_simulation,
    tab_to,
    wait_for_settle,
)
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport,scheme", [((1366, 900), "light"), ((390, 844), "dark")])
def test_an_exam_simulation_by_keyboard(page: Page, live_server, learner, password, seeded_exam, shoot,
                                        viewport, scheme):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.emulate_media(color_scheme=scheme)
    prefix = f"keyboard-exam-{scheme}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix=prefix)
    session = start_simulation(page, live_server, shoot, prefix)
    expect(page).to_have_title(re.compile(rf"^Question 1 of \d+ · {EXAM_CODE} exam simulation"))
    expect(page.locator("[data-leave-exam]")).to_be_visible()  # focus mode: the exam alone
    expect(page.locator("nav[aria-label=Main]")).to_have_count(0)

    total = session.question_total

    def next_question(position: int) -> None:
        """N from the card's heading; the title and the live region follow."""
        page.locator("#question-title").focus()
        page.keyboard.press("n")
        expect_question(page, position)
        expect(page).to_have_title(re.compile(rf"^Question {position} of {total} · {EXAM_CODE} exam simulation"))
        expect(page.locator("[data-announce]")).to_have_text(f"Question {position} of {total}")

    # Strike-out is for questions answered by picking: go to the first one (the draw is random).
    pick = next(i.position for i in session.items.select_related("question").order_by("position")
                if i.question.type in ("single", "multiple", "truefalse"))
    for position in range(2, pick + 1):
        next_question(position)
    page.locator("#question-title").focus()
    page.keyboard.press("Shift+A")  # strike choice A out
    expect(page.locator("#session-main .choice-row").first).to_have_class(re.compile(r"\bis-struck\b"))
    expect(page.locator("[data-announce]")).to_have_text(re.compile(r"Choice A struck out"))
    assert not page.locator('#session-main input[name="choice"]:checked').count()  # striking picks nothing
    answer_current_question(page, session, correct=True)
    expect_saved(page)
    page.locator("#question-title").focus()
    page.keyboard.press("m")  # mark for review
    expect(page.locator("#session-main .badge-warn")).to_have_text("⚑ Flagged")
    wait_for_settle(page)
    item = SessionItem.objects.get(session=session, position=pick)
    assert item.flagged and item.response is not None and item.struck == [item.choice_order[0]]
    expect(page.locator("#session-main .choice-row").first).to_have_class(re.compile(r"\bis-struck\b"))
    expect(page.locator("[data-pause]")).to_have_count(0)  # an exam simulation cannot pause
    shoot(f"{prefix}-struck-and-flagged")

    # The rest of the exam by keyboard: every other question answered, the others left open.
    for position in range(pick + 1, total + 1):
        next_question(position)
        if position % 2 == 0:
            answer_current_question(page, session, correct=position % 4 == 0)
            expect_saved(page)
    shoot(f"{prefix}-last-question")
    unanswered = SessionItem.objects.filter(session=session, response__isnull=True).count()

    page.goto(f"{live_server.url}/sessions/{session.pk}/finish/")
    confirm = page.locator('input[name="confirm"]')
    expect(confirm).to_be_visible()
    expect(page.locator(".confirm-submit")).to_contain_text("1 flagged for review")
    if unanswered:
        expect(page.locator(".confirm-submit")).to_contain_text(f"{unanswered} question")
    tab_to(page, "#submit-session")
    page.keyboard.press("Enter")  # not ticked: the browser keeps the form
    assert not StudySession.objects.get(pk=session.pk).is_finished
    shoot(f"{prefix}-confirm-submit")
    tab_to(page, 'input[name="confirm"]')
    page.keyboard.press("Space")
    tab_to(page, "#submit-session")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/results/$"))
    assert StudySession.objects.get(pk=session.pk).is_finished


def test_a_time_warning_is_said_once(page: Page, live_server, learner, password, seeded_exam, shoot):
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="time-warning")
    session = start_simulation(page, live_server, shoot, "time-warning")
    StudySession.objects.filter(pk=session.pk).update(deadline=timezone.now() + timedelta(seconds=302))
    page.reload()
    expect(page.locator("[data-announce]")).to_have_text("5 minutes left.", timeout=8_000)


def test_moving_an_ordering_step_is_said(page: Page, live_server, learner, password, seeded_exam, shoot):
    question = QuestionFactory(objective=seeded_exam.domains.first().objectives.first(), type="ordering")
    session = StudySession.objects.create(user=learner, exam=seeded_exam, mode=StudySession.Mode.PRACTICE,
                                          question_total=1)
    SessionItem.objects.create(session=session, position=1, question=question,
                               choice_order=list(question.choices.values_list("id", flat=True)))
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="ordering-announce")
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    page.locator("[data-position-select]").first.select_option("3")
    expect(page.locator("[data-announce]")).to_have_text("Moved to position 3 of 4.")
    expect(page.locator(".ordering-step").nth(2)).to_contain_text(question.choices.order_by("id").first().text)
