from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from fsrs import Rating

from study import estimator as est
from study.dashboard import streak_days
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, StudyDay, StudySession, WeeklyStat
from study.progress import progress_catch_up
from study.scheduling import review_rating
from study.services import SessionRequest, adaptive_selection, answer_record, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def answer(item, right=True, **kwargs):
    """Answer, then fold the answer into progress as the next page the learner opens would."""
    data = correct_post_data(item) if right else wrong_post_data(item)
    outcome = answer_record(item=item, data=data, **kwargs)
    progress_catch_up(user=item.session.user)
    return outcome


def test_each_answer_updates_progress_mastery_day_week_and_review_once(learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    answer(item, right=True, client_seconds=30)
    answer(item, right=False, client_seconds=30)  # a repeat changes nothing
    progress = ExamProgress.objects.get(user=learner)
    assert (progress.answered, progress.correct, progress.study_seconds) == (1, 1, 30)
    mastery = ObjectiveMastery.objects.get(user=learner)
    assert mastery.objective_id == item.question.objective_id and mastery.theta > 0 and mastery.answered == 1
    assert StudyDay.objects.get(user=learner).answered == 1
    assert WeeklyStat.objects.get(user=learner).correct == 1
    assert ReviewCard.objects.get(user=learner).reviews == 1


def test_exam_simulation_answers_count_into_progress_only_at_submission(learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    for item in session.items.all()[:3]:
        answer(item, right=False)
        answer(item, right=True)  # the final answer is what counts
    assert not ExamProgress.objects.filter(user=learner).exists()
    session_submit(session=session)
    progress = ExamProgress.objects.get(user=learner)
    assert (progress.answered, progress.correct) == (3, 3)


def test_readiness_says_not_enough_data_below_the_stated_number(learner, test_exam):
    for i in range(est.MIN_ANSWERS_FOR_READINESS):
        objective = test_exam.domains.first().objectives.first()
        QuestionFactory(objective=objective, stem=f"extra {i}")
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=est.MIN_ANSWERS_FOR_READINESS))
    items = list(session.items.all())
    for item in items[:-1]:
        answer(item)
    assert ExamProgress.objects.get(user=learner).readiness is None
    answer(items[-1])
    progress = ExamProgress.objects.get(user=learner)
    assert progress.readiness is not None and progress.readiness_low <= progress.readiness <= progress.readiness_high


def test_review_ratings_follow_the_answer():
    pace = 60
    assert review_rating(correct=False, confidence=3, seconds=5, pace_seconds=pace) == Rating.Again
    assert review_rating(correct=True, confidence=1, seconds=5, pace_seconds=pace) == Rating.Hard
    assert review_rating(correct=True, confidence=3, seconds=20, pace_seconds=pace) == Rating.Easy
    assert review_rating(correct=True, confidence=3, seconds=45, pace_seconds=pace) == Rating.Good
    assert review_rating(correct=True, confidence=None, seconds=5, pace_seconds=pace) == Rating.Good


def test_fsrs_schedules_wrong_answers_sooner_than_easy_ones(learner, start):
    session = start(learner)
    items = list(session.items.all())
    answer(items[0], right=False)
    answer(items[1], right=True, confidence=3, client_seconds=5)
    answer(items[2], right=True, confidence=2, client_seconds=100)
    cards = {c.question_id: c for c in ReviewCard.objects.filter(user=learner)}
    again, easy, good = (cards[i.question_id] for i in items[:3])
    assert (again.last_rating, easy.last_rating, good.last_rating) == (Rating.Again, Rating.Easy, Rating.Good)
    assert again.due < good.due < easy.due
    assert again.lapses == 1


def test_streaks_follow_the_learners_timezone_across_midnight(learner, start):
    learner.timezone = "Pacific/Auckland"  # UTC+13 in November
    learner.save()
    session = start(learner)
    items = list(session.items.all())
    # 10:30 UTC on Nov 1 and 11:30 UTC on Nov 1 are Nov 1 23:30 and Nov 2 00:30 in Auckland.
    for item, when in ((items[0], datetime(2026, 11, 1, 10, 30)), (items[1], datetime(2026, 11, 1, 11, 30))):
        with mock.patch("django.utils.timezone.now", return_value=when.replace(tzinfo=ZoneInfo("UTC"))):
            answer(item)
    days = sorted(StudyDay.objects.filter(user=learner).values_list("date", flat=True))
    assert [d.isoformat() for d in days] == ["2026-11-01", "2026-11-02"]
    today = datetime(2026, 11, 2).date()
    assert streak_days(days, today) == 2
    assert streak_days(days, today + timedelta(days=1)) == 2  # today not studied yet: the streak holds
    assert streak_days(days, today + timedelta(days=2)) == 0


def test_adaptive_sessions_mix_due_reviews_weak_objectives_and_new_questions(learner, pro, test_exam):
    for i in range(12):
        QuestionFactory(objective=test_exam.domains.last().objectives.first(), stem=f"security extra {i}")
    first = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=6))
    for item in first.items.all():
        answer(item, right=item.question.objective.domain.number == "1.0")
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(hours=1))
    reasons = adaptive_selection(user=learner, exam=test_exam, count=10, rng=__import__("random").Random(2))
    kinds = {r.split(":")[0] for r in reasons.values()}
    assert {"Due for review", "Weak area", "New"} <= kinds
    assert len(reasons) == 10
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="adaptive", count=10))
    assert all(item.reason for item in session.items.all())
