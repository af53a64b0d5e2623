from datetime import timedelta

import pytest
from django.utils import timezone

from study.models import StudySession
from study.tasks import sessions_expire_due_task

pytestmark = pytest.mark.django_db


def test_it_submits_only_sessions_past_their_deadline(learner, pro, start):  # two simulations of one exam
    due = start(learner, mode=StudySession.Mode.EXAM)
    running = start(learner, mode=StudySession.Mode.EXAM)
    untimed = start(learner)
    StudySession.objects.filter(pk=due.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert sessions_expire_due_task.delay().get() == 1
    statuses = dict(StudySession.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "submitted", running.pk: "in_progress", untimed.pk: "in_progress"}
    assert StudySession.objects.get(pk=due.pk).expired
