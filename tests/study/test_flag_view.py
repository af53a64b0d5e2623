"""Flagging a question for review (POST .../q/<position>/flag/), with and without HTMX."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import SessionItem, StudySession
from tests.factories import UserFactory, session_with_questions

pytestmark = pytest.mark.django_db


def flag_url(session, position=2):
    return reverse("study:flag", args=[session.pk, position])


def flagged(session, position=2) -> bool:
    return SessionItem.objects.get(session=session, position=position).flagged


def test_it_flags_a_question_and_the_card_says_so(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.TIMED,
                                     deadline=timezone.now() + timedelta(minutes=20))
    response = learner_client.post(flag_url(session), {"flagged": "1"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/q/2/"
    assert flagged(session) and not flagged(session, position=1)
    page = learner_client.get(response["Location"]).content.decode()
    assert "⚑ Flagged" in page and "⚑ Unflag" in page


def test_it_unflags_a_flagged_question(learner_client, learner):
    session = session_with_questions(user=learner)
    SessionItem.objects.filter(session=session, position=2).update(flagged=True)
    response = learner_client.post(flag_url(session), {"flagged": "0"})
    assert response.status_code == 302
    assert not flagged(session)
    page = learner_client.get(response["Location"]).content.decode()
    assert "⚑ Flagged" not in page and "⚐ Flag for review" in page


def test_it_swaps_the_card_over_htmx_for_one_showing_the_flag(learner_client, learner):
    session = session_with_questions(user=learner)
    response = learner_client.post(flag_url(session), {"flagged": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="session-main"') and "<html" not in body
    assert "Question 2" in body and "⚑ Flagged" in body
    assert flagged(session)


def test_it_404s_for_someone_elses_session_and_a_question_outside_it(client, learner):
    session = session_with_questions(user=learner)
    client.force_login(UserFactory())
    assert client.post(flag_url(session), {"flagged": "1"}).status_code == 404
    assert client.post(flag_url(session), {"flagged": "1"}, HTTP_HX_REQUEST="true").status_code == 404
    assert not flagged(session)
    client.force_login(learner)
    assert client.post(flag_url(session, position=4), {"flagged": "1"}).status_code == 404


def test_it_leaves_a_finished_session_as_it_was_and_says_why(learner_client, learner):
    session = session_with_questions(user=learner, status=StudySession.Status.SUBMITTED, submitted_at=timezone.now())
    response = learner_client.post(flag_url(session), {"flagged": "1"}, follow=True)
    assert response.redirect_chain[0] == (f"/sessions/{session.pk}/results/", 302)
    assert "This session is already finished." in response.content.decode()
    htmx = learner_client.post(flag_url(session), {"flagged": "1"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == f"/sessions/{session.pk}/results/"
    assert not flagged(session)


def test_it_submits_an_expired_session_and_saves_no_flag(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                     started_at=timezone.now() - timedelta(hours=2),
                                     deadline=timezone.now() - timedelta(seconds=1))
    response = learner_client.post(flag_url(session), {"flagged": "1"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/results/"
    session.refresh_from_db()
    assert session.is_finished and session.expired
    assert not flagged(session)


def test_it_takes_only_a_signed_in_post(client, learner):
    session = session_with_questions(user=learner)
    anonymous = client.post(flag_url(session), {"flagged": "1"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(learner)
    assert client.get(flag_url(session)).status_code == 405
    assert not flagged(session)
