"""Flag in practice, sent alone by the page's script (X-Flag-Only): the flag is kept and nothing
else changes, so a choice picked but not yet submitted is neither lost nor saved (with instant
feedback an answer is final). Without script the form posts as before; in exam simulation Flag is a
button of the answer form (tests/study/test_navigation_saves.py)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import SessionItem, StudySession
from tests.factories import UserFactory, session_with_questions

pytestmark = pytest.mark.django_db
ALONE = {"HTTP_X_FLAG_ONLY": "1"}


def flag_url(session, position=1):
    return reverse("study:flag", args=[session.pk, position])


def item(session, position=1) -> SessionItem:
    return SessionItem.objects.get(session=session, position=position)


@pytest.fixture
def practice(learner):
    return session_with_questions(user=learner)


def test_it_flags_and_unflags_alone_with_no_content(learner_client, practice):
    response = learner_client.post(flag_url(practice), {"flagged": "1"}, **ALONE)
    assert response.status_code == 204 and response.content == b""
    assert item(practice).flagged
    assert learner_client.post(flag_url(practice), {"flagged": "0"}, **ALONE).status_code == 204
    assert not item(practice).flagged


def test_a_pick_sent_along_is_not_saved_as_the_answer(learner_client, practice):
    """Only the flag counts: in practice an answer is final, so a flag must never submit one."""
    response = learner_client.post(flag_url(practice), {"flagged": "1", "choice": "0"}, **ALONE)
    assert response.status_code == 204
    flagged = item(practice)
    assert flagged.flagged and flagged.response is None and flagged.answered_at is None


def test_the_practice_card_sends_its_flag_apart_from_the_answer(learner_client, practice):
    """The card's Flag is a form of its own, marked for the script to send alone."""
    card = learner_client.get(reverse("study:question", args=[practice.pk, 1])).content.decode()
    action = re.escape(flag_url(practice))
    [form] = re.findall(rf'<form[^>]*action="{action}"[^>]*>', card)
    assert "data-flag-alone" in form
    answer_form = card[card.index('id="answer-form"'):card.index("</form>", card.index('id="answer-form"'))]
    assert "data-flag" not in answer_form


def test_it_refuses_a_finished_session_and_says_why(learner_client, learner):
    finished = session_with_questions(user=learner, status=StudySession.Status.SUBMITTED, submitted_at=timezone.now())
    response = learner_client.post(flag_url(finished), {"flagged": "1"}, **ALONE)
    assert response.status_code == 409 and response.content.decode() == "This session is already finished."
    assert not item(finished).flagged


def test_it_refuses_a_session_whose_time_ran_out(learner_client, learner):
    expired = session_with_questions(user=learner, mode=StudySession.Mode.TIMED,
                                     started_at=timezone.now() - timedelta(hours=2),
                                     deadline=timezone.now() - timedelta(seconds=1))
    assert learner_client.post(flag_url(expired), {"flagged": "1"}, **ALONE).status_code == 409
    assert not item(expired).flagged


def test_it_404s_for_someone_elses_session(client, practice):
    client.force_login(UserFactory())
    assert client.post(flag_url(practice), {"flagged": "1"}, **ALONE).status_code == 404
    assert not item(practice).flagged
