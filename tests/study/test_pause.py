"""Pausing timed practice: the clock stops on the server and the questions are hidden; an exam
simulation cannot pause."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import SessionItem, StudySession
from study.services import sessions_expire_due
from tests.factories import session_with_questions

pytestmark = pytest.mark.django_db


def timed(learner, minutes=20, mode=StudySession.Mode.TIMED):
    return session_with_questions(user=learner, mode=mode, deadline=timezone.now() + timedelta(minutes=minutes))


def test_a_paused_session_hides_its_questions_and_refuses_answers(learner_client, learner):
    session = timed(learner)
    response = learner_client.post(reverse("study:pause", args=[session.pk]), follow=True)
    page = response.content.decode()
    assert "Paused" in page and 'name="choice"' not in page and "Resume at question 1" in page
    session.refresh_from_db()
    assert session.is_paused
    answer = learner_client.post(reverse("study:answer", args=[session.pk, 1]), {"choice": "0"}, follow=True)
    assert "paused: resume it to answer" in answer.content.decode()
    assert SessionItem.objects.get(session=session, position=1).response is None


def test_resuming_moves_the_deadline_on_by_the_pause(learner_client, learner):
    session = timed(learner)
    learner_client.post(reverse("study:pause", args=[session.pk]))
    deadline = StudySession.objects.get(pk=session.pk).deadline
    StudySession.objects.filter(pk=session.pk).update(paused_at=timezone.now() - timedelta(minutes=5))
    learner_client.post(reverse("study:unpause", args=[session.pk]))
    session.refresh_from_db()
    assert not session.is_paused
    assert abs((session.deadline - deadline).total_seconds() - 300) < 5
    assert abs(session.paused_seconds - 300) < 5
    assert 'name="choice"' in learner_client.get(reverse("study:question", args=[session.pk, 1])).content.decode()


def test_a_pause_outlasting_the_deadline_does_not_end_the_session(learner_client, learner):
    session = timed(learner, minutes=1)
    learner_client.post(reverse("study:pause", args=[session.pk]))
    StudySession.objects.filter(pk=session.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert sessions_expire_due() == 0
    assert "Paused" in learner_client.get(reverse("study:question", args=[session.pk, 1])).content.decode()
    assert not StudySession.objects.get(pk=session.pk).is_finished


def test_an_exam_simulation_cannot_pause(learner_client, learner):
    session = timed(learner, mode=StudySession.Mode.EXAM)
    page = learner_client.get(reverse("study:question", args=[session.pk, 1])).content.decode()
    assert "⏸ Pause" not in page
    response = learner_client.post(reverse("study:pause", args=[session.pk]), follow=True)
    assert "cannot be paused, as the real exam cannot" in response.content.decode()
    assert not StudySession.objects.get(pk=session.pk).is_paused
