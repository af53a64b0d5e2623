"""The question page on exam day: its title follows the question, single-key shortcuts can be
turned off, submitting with open questions is confirmed, and ordering and matching answers are
marked part by part."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import SessionItem, StudySession
from tests.factories import QuestionFactory, session_with_questions

pytestmark = pytest.mark.django_db


def test_the_title_names_the_question_and_the_card_carries_it_for_htmx(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                     deadline=timezone.now() + timedelta(minutes=30))
    code = session.exam.code
    page = learner_client.get(reverse("study:question", args=[session.pk, 2])).content.decode()
    assert f"<title>Question 2 of 3 · {code} exam simulation ·" in page
    card = learner_client.get(reverse("study:question", args=[session.pk, 3]), HTTP_HX_REQUEST="true").content.decode()
    assert f'data-title="Question 3 of 3 · {code} exam simulation"' in card
    assert 'role="status" aria-live="polite" data-announce' in page  # where the page says it


def test_single_key_shortcuts_can_be_turned_off(learner_client, learner):
    session = session_with_questions(user=learner)
    url = reverse("study:question", args=[session.pk, 1])
    page = learner_client.get(url).content.decode()
    assert "data-shortcuts-off" not in page and "<kbd>M</kbd></dt><dd>Mark (flag) for review" in page
    learner.keyboard_shortcuts = False
    learner.save(update_fields=["keyboard_shortcuts"])
    page = learner_client.get(url).content.decode()
    assert "data-shortcuts-off" in page and "Single-key shortcuts are off" in page


def test_the_settings_page_turns_shortcuts_off(learner_client, learner):
    form = learner_client.get(reverse("accounts:settings")).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and v is not False}
    data.pop("keyboard_shortcuts", None)
    response = learner_client.post(reverse("accounts:settings"), data)
    assert response.status_code in (200, 302)
    learner.refresh_from_db()
    assert learner.keyboard_shortcuts is False


def test_submitting_with_open_questions_asks_to_confirm_with_the_counts(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                     deadline=timezone.now() + timedelta(minutes=30))
    SessionItem.objects.filter(session=session, position=1).update(response=[1], flagged=True)
    page = learner_client.get(reverse("study:submit_review", args=[session.pk])).content.decode()
    assert 'name="confirm" value="1" required' in page
    assert "submit with 2 questions not answered and 1 flagged for review" in page
    SessionItem.objects.filter(session=session).update(response=[1], flagged=False)
    page = learner_client.get(reverse("study:submit_review", args=[session.pk])).content.decode()
    assert 'name="confirm"' not in page


def _answered(learner, question, response):
    session = session_with_questions(user=learner, questions=0)
    choices = list(question.choices.all())
    item = SessionItem.objects.create(session=session, position=1, question=question, response=response,
                                      choice_order=[c.pk for c in choices], match_order=[c.pk for c in choices],
                                      answered_at=timezone.now(), is_correct=False)
    StudySession.objects.filter(pk=session.pk).update(question_total=1)
    return session, item


def test_an_ordering_answer_is_marked_step_by_step(learner_client, learner):
    question = QuestionFactory(type="ordering")
    steps = list(question.choices.order_by("position"))
    session, _ = _answered(learner, question, [steps[1].pk, steps[0].pk, steps[2].pk, steps[3].pk])
    page = learner_client.get(reverse("study:question", args=[session.pk, 1])).content.decode()
    assert page.count("✗ You put it at") == 2 and page.count("✓ You put it at") == 2
    assert "✗ You put it at 2." in page and "✓ You put it at 3." in page


def test_a_matching_answer_is_marked_pair_by_pair(learner_client, learner):
    question = QuestionFactory(type="matching")
    items = list(question.choices.order_by("position"))
    given = {str(items[0].pk): items[1].pk, str(items[1].pk): items[0].pk, str(items[2].pk): items[2].pk}
    session, _ = _answered(learner, question, given)
    page = learner_client.get(reverse("study:question", args=[session.pk, 1])).content.decode()
    assert f"✗ You matched: {items[1].match_text}" in page and f"✓ You matched: {items[2].match_text}" in page


def test_an_exam_simulation_hides_the_site_around_it(learner_client, learner):
    exam = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                  deadline=timezone.now() + timedelta(minutes=30))
    for url in (reverse("study:question", args=[exam.pk, 1]), reverse("study:submit_review", args=[exam.pk])):
        page = learner_client.get(url).content.decode()
        assert "data-leave-exam" in page and 'aria-label="Main"' not in page and "site-footer" not in page
    practice = learner_client.get(reverse("study:question", args=[session_with_questions(user=learner).pk, 1]))
    page = practice.content.decode()
    assert 'aria-label="Main"' in page and "data-leave-exam" not in page
