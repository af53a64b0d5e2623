"""The plan for the learner's exam day (study/planning.py), on hand-made histories: readiness on
that day as well as today, and the fewest answers a day that would have the site show the
learner ready by then."""

from datetime import UTC, date, datetime, timedelta

import pytest

from study import planning
from study.models import ExamProgress, ObjectiveMastery, StudyDay

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 6)


def _progress(learner, exam, *, theta, days_ahead, answered=60):
    last = datetime(2026, 12, 5, 18, tzinfo=UTC)
    progress = ExamProgress.objects.create(user=learner, exam=exam, answered=answered, correct=answered // 2,
                                           theta=theta, variance=0.05, last_answer_at=last,
                                           exam_date=TODAY + timedelta(days=days_ahead))
    for objective in exam.domains.first().objectives.all():
        ObjectiveMastery.objects.create(user=learner, exam=exam, objective=objective, answered=10, correct=5,
                                        theta=theta - 0.3, variance=0.2, last_answer_at=last)
    return progress


def _ready_on_day(progress, plan, per_day):
    masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=progress.user, exam=progress.exam)}
    weakest = [oid for oid, _, _ in planning._weakest(progress, masteries)]
    return planning._readiness_on_day(progress, masteries, weakest, today=TODAY, per_day=per_day,
                                      accuracy=plan.accuracy)


def test_it_finds_the_fewest_answers_a_day_that_show_the_learner_ready(learner, test_exam):
    progress = _progress(learner, test_exam, theta=0.6, days_ahead=21)
    plan = planning.exam_day_plan(progress=progress, today=TODAY)
    assert plan.days_left == 21 and plan.readiness_on_day.probability < 0.8
    assert plan.per_day and plan.per_day > 0
    assert _ready_on_day(progress, plan, plan.per_day) >= 0.8 > _ready_on_day(progress, plan, plan.per_day - 1)
    assert len(plan.objectives) == 3 and plan.objectives[0][1] <= plan.objectives[-1][1]  # weakest first


def test_staying_away_until_the_exam_only_lowers_readiness(learner, test_exam):
    plan = planning.exam_day_plan(progress=_progress(learner, test_exam, theta=1.2, days_ahead=60), today=TODAY)
    assert plan.readiness_on_day.probability < plan.readiness_today.probability


def test_more_days_ask_fewer_answers_a_day(learner, test_exam):
    near = planning.exam_day_plan(progress=_progress(learner, test_exam, theta=0.6, days_ahead=10), today=TODAY)
    ExamProgress.objects.all().delete()
    ObjectiveMastery.objects.all().delete()
    far = planning.exam_day_plan(progress=_progress(learner, test_exam, theta=0.6, days_ahead=40), today=TODAY)
    assert far.per_day < near.per_day


def test_a_ready_learner_needs_nothing_more_and_pace_counts_the_last_week(learner, test_exam):
    progress = _progress(learner, test_exam, theta=3.5, days_ahead=3)
    for back in range(7):
        StudyDay.objects.create(user=learner, date=TODAY - timedelta(days=back), answered=14)
    StudyDay.objects.create(user=learner, date=TODAY - timedelta(days=8), answered=500)  # before the week
    plan = planning.exam_day_plan(progress=progress, today=TODAY)
    assert plan.per_day == 0 and plan.on_pace and plan.recent_per_day == 14


def test_there_is_no_plan_without_a_day_or_after_it(learner, test_exam):
    progress = _progress(learner, test_exam, theta=0.6, days_ahead=-1)
    assert planning.exam_day_plan(progress=progress, today=TODAY) is None
    progress.exam_date = None
    assert planning.exam_day_plan(progress=progress, today=TODAY) is None


def test_below_the_answers_readiness_needs_there_is_no_figure_yet(learner, test_exam):
    plan = planning.exam_day_plan(progress=_progress(learner, test_exam, theta=0.6, days_ahead=14, answered=5),
                                  today=TODAY)
    assert plan.readiness_on_day is None and plan.per_day is None and not plan.on_pace
