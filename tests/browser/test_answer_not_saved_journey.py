"""An answer the site could not save, in a real Chromium: the card stays as the learner left it,
their pick included, with a notice saying what happened; submitting again saves it once
(static/js/study.js, pingtopass/faults.py)."""

import pytest
from django.db import OperationalError
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import StudySession
from study.services import SessionRequest, session_start
from study.views import card as study_views
from tests.browser.journeys import (
    assert_same_document,
    enter_answer_with_keyboard,
    get_item,
    log_in,
    mark_document,
    plan_answer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_SAVED = ("Your answer was not saved: our database did not respond in time. "
             "What you picked is still on the page: try again in a moment.")


@pytest.fixture
def on_a_choice_question(page: Page, live_server, learner, password, seeded_exam, shoot):
    session = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=8))
    item = next(get_item(session, p) for p in range(1, 9)
                if get_item(session, p).question.type in (Question.Type.SINGLE, Question.Type.MULTIPLE))
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="not-saved")
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    mark_document(page)
    plan = plan_answer(item, correct=True)
    enter_answer_with_keyboard(page, plan, submit=False)
    return item, plan


def _checked(page: Page) -> list[int]:
    return sorted(page.eval_on_selector_all('#answer-form input[name="choice"]:checked', "els => els.map(e => Number(e.value))"))


def _submit(page: Page):
    page.locator('#answer-form button.btn-primary[type="submit"]').click()


def test_a_refused_answer_keeps_the_pick_and_says_it_was_not_saved(page: Page, on_a_choice_question, monkeypatch, shoot):
    item, plan = on_a_choice_question
    # The first save meets the database refusing it, as answer_record does when SQLite's lock is
    # held past the busy timeout (tests/study/test_answer_not_saved.py holds it for real).
    record, refused = study_views.answer_record, []

    def refuse_once(**kwargs):
        if not refused:
            refused.append(kwargs["item"].pk)
            raise OperationalError("database is locked")
        return record(**kwargs)

    monkeypatch.setattr(study_views, "answer_record", refuse_once)
    _submit(page)

    notice = page.locator("#session-main [data-fault-notice]")
    expect(notice).to_have_text(NOT_SAVED)
    shoot("not-saved-notice")
    assert _checked(page) == sorted(plan.picks)
    expect(page.locator('#answer-form button.btn-primary[type="submit"]')).to_be_enabled()
    assert_same_document(page, "the refused answer")
    item.refresh_from_db()
    assert refused == [item.pk] and item.response is None

    _submit(page)
    expect(page.locator("#session-main .feedback")).to_have_text("Correct!")
    expect(notice).to_have_count(0)
    item.refresh_from_db()
    assert item.is_correct
    assert item.session.items.exclude(response=None).count() == 1


def test_a_bare_error_or_no_reply_keeps_the_pick_and_claims_nothing(page: Page, on_a_choice_question):
    item, plan = on_a_choice_question
    notice = page.locator("#session-main [data-fault-notice]")
    page.route("**/answer/", lambda route: route.fulfill(status=502, body="<html><body>Bad gateway</body></html>"))
    _submit(page)
    expect(notice).to_have_text("Something went wrong on our side, so this may not have been saved. "
                                "What you picked is still on the page: try again in a moment.")
    page.unroute("**/answer/")

    page.route("**/answer/", lambda route: route.abort())
    _submit(page)
    expect(notice).to_have_text("We could not reach PingToPass, so this may not have been saved. "
                                "What you picked is still on the page: try again when you are back online.")
    expect(notice).to_have_count(1)
    assert _checked(page) == sorted(plan.picks)
    page.unroute("**/answer/")

    _submit(page)
    expect(page.locator("#session-main .feedback")).to_have_text("Correct!")
    assert_same_document(page, "answering after the failures")
    item.refresh_from_db()
    assert item.is_correct
