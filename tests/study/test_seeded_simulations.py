"""A full-length exam simulation of each seeded exam: the real exam's number of questions, no
repeats, each domain's share as the blueprint's, and the exam's profile (SY0-701 opens with its
performance-based questions, 200-301 moves forward only, SAA-C03 has 15 of 65 unscored)."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from exams.models import Exam
from study.models import StudySession
from study.services import SessionRequest, session_start

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed", "--env", "dev", stdout=StringIO())
    yield
    # The seed committed outside any test's transaction: exams, demo users, the site's name, the
    # review queue. Leave the database as a transactional test does, or the tests this worker runs
    # next find the demo users (a test of `seed --env prod` counts users).
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("code", ["SY0-701", "SAA-C03", "200-301"])
def test_a_full_length_simulation_follows_the_blueprint_and_the_profile(seeded, learner, pro, code):
    exam = Exam.objects.get(code=code)
    session = session_start(user=learner, exam=exam, request=SessionRequest(mode=StudySession.Mode.EXAM),
                            rng=random.Random(7))
    items = list(session.items.select_related("question__objective__domain").order_by("position"))
    assert len(items) == exam.question_count
    assert len({item.question_id for item in items}) == len(items)  # no repeats
    per_domain = Counter(item.question.objective.domain.number for item in items)
    for domain in exam.domains.all():
        assert abs(per_domain[domain.number] - exam.question_count * domain.weight / 100) <= 1.5, domain.number
    assert not any(item.question.kind.key == "truefalse" for item in items)
    performance_based = [item.question.kind.performance_based for item in items]
    if exam.pbq_first:
        first_others = performance_based.index(False)
        assert first_others > 0 and not any(performance_based[first_others:])
    assert session.forward_only == (code == "200-301")
    assert sum(item.unscored for item in items) == (15 if code == "SAA-C03" else 0)
