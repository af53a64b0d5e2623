"""Conditional GET: the catalogue, an exam, a session and a finished session's results and review
carry an ETag; sent back in If-None-Match, an unchanged answer is a 304 without a body, and any
change (an edited explanation, a renamed exam) gives a new one."""

import pytest

from exams.models import Exam, Question
from study.models import StudySession
from tests.api.conftest import API, AppClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def conditional(app, path):
    """The first answer, then the same request with its ETag sent back."""
    first = app.get(path)
    assert first.status_code == 200, first.content
    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    return first, app.get(path, headers={"If-None-Match": first["ETag"]})


@pytest.mark.parametrize("path", ["/exams", "/exams/PTP-100"])
def test_the_catalogue_and_an_exam_answer_304_while_unchanged(app, test_exam, path):
    first, again = conditional(app, API + path)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]


def test_an_edited_exam_has_a_new_etag(app, test_exam):
    first = app.get(f"{API}/exams/PTP-100")
    Exam.objects.filter(pk=test_exam.pk).update(description="Rewritten for the new objectives.")

    after = app.get(f"{API}/exams/PTP-100", headers={"If-None-Match": first["ETag"]})

    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert after.json()["description"] == "Rewritten for the new objectives."


@pytest.fixture
def finished(signed_in_app, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    signed_in_app.post(f"{API}/sessions/{session.pk}/submit")
    return session


@pytest.mark.parametrize("part", ["", "/results", "/review"])
def test_a_finished_sessions_reads_answer_304_while_unchanged(signed_in_app, finished, part):
    first, again = conditional(signed_in_app, f"{API}/sessions/{finished.pk}{part}")

    assert again.status_code == 304 and again.content == b""
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]


def test_a_review_whose_explanation_was_edited_comes_back_whole(signed_in_app, finished):
    path = f"{API}/sessions/{finished.pk}/review"
    first = signed_in_app.get(path)
    question = finished.items.get(position=1).question
    Question.objects.filter(pk=question.pk).update(explanation="A clearer explanation.")

    after = signed_in_app.get(path, headers={"If-None-Match": first["ETag"]})

    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "A clearer explanation." in after.content.decode()


def test_a_session_that_moved_on_comes_back_whole(signed_in_app, learner, start):
    session = start(learner, count=3)
    first = signed_in_app.get(f"{API}/sessions/{session.pk}")
    signed_in_app.post(f"{API}/sessions/{session.pk}/questions/1/flag", {"flagged": True})

    after = signed_in_app.get(f"{API}/sessions/{session.pk}", headers={"If-None-Match": first["ETag"]})

    assert after.status_code == 200 and after.json()["items"][0]["flagged"] is True


def test_an_etag_opens_nothing_of_someone_elses(signed_in_app, finished, password):
    mine = signed_in_app.get(f"{API}/sessions/{finished.pk}/results")
    other = UserFactory(email="other@example.com")
    stranger = AppClient()
    stranger.sign_in(other.email, password)

    response = stranger.get(f"{API}/sessions/{finished.pk}/results", headers={"If-None-Match": mine["ETag"]})

    assert response.status_code == 404
