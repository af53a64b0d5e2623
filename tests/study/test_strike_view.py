"""Striking out a choice as eliminated (POST .../q/<position>/strike/): kept for the item, never
costing the learner what they picked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import SessionItem, StudySession
from tests.factories import UserFactory, session_with_questions

pytestmark = pytest.mark.django_db
ALONE = {"HTTP_X_STRIKE_ONLY": "1"}


def strike_url(session, position=1):
    return reverse("study:strike", args=[session.pk, position])


def item(session, position=1) -> SessionItem:
    return SessionItem.objects.get(session=session, position=position)


@pytest.fixture
def exam_session(learner):
    return session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                  deadline=timezone.now() + timedelta(minutes=30))


def test_it_strikes_a_choice_and_brings_it_back(learner_client, exam_session):
    response = learner_client.post(strike_url(exam_session), {"strike": "2"}, **ALONE)
    assert response.status_code == 204
    assert item(exam_session).struck == [item(exam_session).choice_order[2]]
    card = learner_client.get(reverse("study:question", args=[exam_session.pk, 1])).content.decode()
    assert card.count('class="choice-row is-struck"') == 1 and card.count('aria-pressed="true">Strike') == 1
    assert learner_client.post(strike_url(exam_session), {"strike": "2"}, **ALONE).status_code == 204
    assert item(exam_session).struck == []


def test_without_script_it_keeps_what_was_picked_on_the_card(learner_client, exam_session):
    response = learner_client.post(strike_url(exam_session), {"strike": "3", "choice": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="1" checked>' in page and 'class="choice-row is-struck"' in page
    assert item(exam_session).response is None  # struck, not answered: the pick waits for Save


@pytest.mark.parametrize("bad", ["9", "-1", "x", "", "99999999999999999999999"])
def test_it_refuses_a_choice_outside_the_question(learner_client, exam_session, bad):
    response = learner_client.post(strike_url(exam_session), {"strike": bad}, **ALONE)
    assert response.status_code == 409 and "not one of this question's options" in response.content.decode()
    assert item(exam_session).struck == []


def test_it_refuses_once_the_answer_is_final(learner_client, learner):
    practice = session_with_questions(user=learner)
    SessionItem.objects.filter(session=practice, position=1).update(response=[1], answered_at=timezone.now())
    response = learner_client.post(strike_url(practice), {"strike": "0"}, **ALONE)
    assert response.status_code == 409 and "can no longer change" in response.content.decode()


def test_it_404s_for_someone_elses_session(client, exam_session):
    client.force_login(UserFactory())
    assert client.post(strike_url(exam_session), {"strike": "0"}, **ALONE).status_code == 404
    assert item(exam_session).struck == []


def test_enter_in_the_form_answers_rather_than_strikes(learner_client, exam_session):
    """Without script, Enter submits with the form's first submit button: it must be the answer's."""
    card = learner_client.get(reverse("study:question", args=[exam_session.pk, 1])).content.decode()
    form = card[card.index('id="answer-form"'):]
    first = form[form.index("<button"):]
    first = first[:first.index(">") + 1]
    assert 'type="submit"' in first and 'name="strike"' not in first and "formaction" not in first
