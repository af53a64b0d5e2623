"""Reporting a problem with a question to the moderators (POST .../q/<position>/report/), with and without HTMX."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import QuestionFeedback, SessionItem, StudySession
from tests.factories import UserFactory, session_with_questions

pytestmark = pytest.mark.django_db

THANKS = "Thanks — a moderator will look at your report."


def report_url(session, position=2):
    return reverse("study:report", args=[session.pk, position])


def question_of(session, position=2):
    return SessionItem.objects.get(session=session, position=position).question


def test_it_files_an_open_report_on_the_question_and_thanks_the_learner(learner_client, learner):
    session = session_with_questions(user=learner)
    response = learner_client.post(report_url(session), {"kind": "wrong_answer", "message": "  B is right, not A.  "})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/q/2/"
    report = QuestionFeedback.objects.get()
    assert (report.user, report.question, report.kind, report.message, report.status) == (
        learner, question_of(session), "wrong_answer", "B is right, not A.", "open")
    assert THANKS in learner_client.get(response["Location"]).content.decode()


def test_it_swaps_the_card_over_htmx_with_the_thanks(learner_client, learner):
    session = session_with_questions(user=learner)
    response = learner_client.post(report_url(session), {"kind": "typo", "message": "Typo in the stem."},
                                   HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="session-main"') and "<html" not in body
    assert "Question 2" in body and THANKS in body
    assert QuestionFeedback.objects.get().question == question_of(session)


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "typo", "message": "bad"}, "Tell us a little more (at least 5 characters)."),
    ({"kind": "typo", "message": "x" * 2001}, "Ensure this value has at most 2000 characters (it has 2001)."),
    ({"kind": "bogus", "message": "Something is off here."}, "Select a valid choice. bogus is not one of the available choices."),
    ({"message": "Something is off here."}, "This field is required."),
])
def test_it_refuses_a_bad_report_with_a_clear_message(learner_client, learner, data, message):
    session = session_with_questions(user=learner)
    page = learner_client.post(report_url(session), data, follow=True)
    htmx = learner_client.post(report_url(session), data, HTTP_HX_REQUEST="true")
    assert page.status_code == htmx.status_code == 200
    assert f"Report not sent: {message}" in page.content.decode()
    assert f"Report not sent: {message}" in htmx.content.decode()
    assert not QuestionFeedback.objects.exists()


def test_it_takes_a_message_of_2000_characters(learner_client, learner):
    session = session_with_questions(user=learner)
    assert learner_client.post(report_url(session), {"kind": "other", "message": "m" * 2000}).status_code == 302
    assert len(QuestionFeedback.objects.get().message) == 2000


def test_it_404s_for_someone_elses_session_and_a_question_outside_it(client, learner):
    session = session_with_questions(user=learner)
    data = {"kind": "typo", "message": "Not my session."}
    client.force_login(UserFactory())
    assert client.post(report_url(session), data).status_code == 404
    assert client.post(report_url(session), data, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(learner)
    assert client.post(report_url(session, position=4), data).status_code == 404
    assert not QuestionFeedback.objects.exists()


def test_it_files_a_report_from_a_finished_sessions_review(learner_client, learner):
    session = session_with_questions(user=learner, status=StudySession.Status.SUBMITTED, submitted_at=timezone.now())
    response = learner_client.post(report_url(session), {"kind": "unclear", "message": "Which version is meant?"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/review/#q2"
    assert QuestionFeedback.objects.get().question == question_of(session)
    assert THANKS in learner_client.get(response["Location"]).content.decode()


# Guards a bug fix: the report view skipped the deadline check the other session views make,
# so it treated an expired session as still running and sent the learner back to it.
def test_it_submits_an_expired_session_first(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                     started_at=timezone.now() - timedelta(hours=2),
                                     deadline=timezone.now() - timedelta(seconds=1))
    response = learner_client.post(report_url(session), {"kind": "typo", "message": "Typo in choice C."})
    session.refresh_from_db()
    assert session.is_finished and session.expired
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/review/#q2"


def test_it_limits_how_many_reports_a_learner_sends(learner_client, learner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": "2/3600"}
    session = session_with_questions(user=learner)
    data = {"kind": "typo", "message": "Typo in choice C."}
    assert [learner_client.post(report_url(session, n), data).status_code for n in (1, 2)] == [302, 302]

    refused = learner_client.post(report_url(session, 3), data)
    htmx = learner_client.post(report_url(session, 3), data, HTTP_HX_REQUEST="true")
    assert refused.status_code == htmx.status_code == 429
    assert int(refused["Retry-After"]) > 0 and "Too many requests" in refused.content.decode()
    assert htmx["HX-Retarget"] == "#flash" and "Too many requests" in htmx.content.decode()
    assert QuestionFeedback.objects.count() == 2


def test_it_takes_only_a_signed_in_post(client, learner):
    session = session_with_questions(user=learner)
    anonymous = client.post(report_url(session), {"kind": "typo", "message": "Typo in choice C."})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(learner)
    assert client.get(report_url(session)).status_code == 405
    assert not QuestionFeedback.objects.exists()
