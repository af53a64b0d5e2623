"""Exam profiles: an exam simulation behaves as the real exam does (performance-based questions
first, forward only, unscored items), and practice is never constrained by them."""

import random

import pytest

from exams.models import Question
from study.models import StudySession
from study.services import SessionRequest, session_start
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import DomainFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def exam_with(pbqs=2, singles=8, **profile):
    objective = ObjectiveFactory(domain=DomainFactory(weight=100))
    exam = objective.domain.exam
    for field, value in profile.items():
        setattr(exam, field, value)
    exam.question_count = pbqs + singles
    exam.save()
    for _ in range(singles):
        QuestionFactory(objective=objective)
    for n in range(pbqs):
        QuestionFactory(objective=objective, type=Question.Type.TABLE if n % 2 else Question.Type.HOTSPOT, points=2)
    return exam


def simulation(user, exam, seed=1):
    return session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.EXAM),
                         rng=random.Random(seed))


@pytest.mark.parametrize("seed", range(5))
def test_performance_based_questions_open_the_simulation(learner, pro, seed):
    session = simulation(learner, exam_with(pbq_first=True), seed)
    kinds = [item.question.kind.performance_based for item in session.items.order_by("position")]
    assert kinds == [True, True] + [False] * 8


def test_without_the_profile_they_are_drawn_anywhere(learner, pro):
    exam = exam_with()
    firsts = {simulation(learner, exam, seed).items.get(position=1).question.kind.performance_based for seed in range(12)}
    assert firsts == {True, False}


def test_practice_ignores_the_profile(learner, pro):
    exam = exam_with(pbq_first=True, forward_only=True, unscored_items=3)
    session = session_start(user=learner, exam=exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=10),
                            rng=random.Random(3))
    assert not session.items.filter(unscored=True).exists() and not session.forward_only


def test_a_forward_only_simulation_never_goes_back(learner_client, learner, pro):
    session = simulation(learner, exam_with(forward_only=True))
    first = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "question-grid" not in first and "← Previous" not in first
    learner_client.get(f"/sessions/{session.pk}/q/2/")
    back = learner_client.get(f"/sessions/{session.pk}/q/1/", follow=True)
    assert back.redirect_chain[-1][0] == f"/sessions/{session.pk}/q/2/"
    assert "moves forward only" in back.content.decode()
    review = learner_client.get(f"/sessions/{session.pk}/finish/").content.decode()
    assert "grid-buttons" not in review and "moves forward only" in review


def test_unscored_items_do_not_count_and_are_not_named(learner_client, learner, pro):
    exam = exam_with(pbqs=0, singles=10, unscored_items=3)
    session = simulation(learner, exam)
    unscored = list(session.items.filter(unscored=True))
    assert len(unscored) == 3
    first = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "Some questions in this exam are unscored" in first
    for item in session.items.select_related("question"):
        data = wrong_post_data(item) if item.unscored else correct_post_data(item)
        learner_client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", data)
    learner_client.post(f"/sessions/{session.pk}/submit/")
    session.refresh_from_db()
    assert session.scaled_score == exam.score_max  # the three wrong answers were the unscored ones
    assert session.report["domains"][0]["total"] == 7


def test_the_exam_page_says_how_its_simulation_behaves(client, learner, pro):
    exam = exam_with(pbq_first=True, forward_only=True, unscored_items=2)
    client.force_login(learner)
    page = client.get(f"/exams/{exam.code}/").content.decode()
    assert "performance-based questions (hands-on tables, diagrams and labs) come first" in page
    assert "it moves forward only" in page and "2 of its 10 questions are unscored" in page
