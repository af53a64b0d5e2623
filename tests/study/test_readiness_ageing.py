"""Readiness as the dashboard shows it after days away (study.dashboard, study.progress.readiness_at):
what was learned fades, so it falls the longer the learner stays away, and never rises."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from exams.selectors import exam_blueprint
from study import estimator as est
from study.dashboard import dashboard_for
from study.models import ExamProgress, ObjectiveMastery
from study.progress import readiness_at
from tests.factories import UserFactory, pro_subscription

pytestmark = pytest.mark.django_db


def _learner_as_folded(exam, *, theta: float, variance: float):
    """A learner whose last answer was an hour ago, with estimates as a fold leaves them."""
    user, last = UserFactory(), timezone.now() - timedelta(hours=1)
    progress = ExamProgress.objects.create(user=user, exam=exam, answered=60, correct=45, theta=theta,
                                           variance=variance, last_answer_at=last)
    objectives = [oid for domain in exam_blueprint(exam) for oid in domain.objective_ids]
    for n, oid in enumerate(objectives):
        ObjectiveMastery.objects.create(user=user, exam=exam, objective_id=oid, answered=10, correct=7,
                                        theta=theta + (0.4 if n % 2 else -0.4), variance=2 * variance,
                                        last_answer_at=last - timedelta(days=n))
    stored = readiness_at(progress, last)
    progress.readiness, progress.readiness_low, progress.readiness_high = stored.probability, stored.low, stored.high
    progress.save()
    return user


def _away(user, days: int) -> None:
    for model in (ExamProgress, ObjectiveMastery):
        model.objects.filter(user=user).update(last_answer_at=F("last_answer_at") - timedelta(days=days))


@pytest.mark.parametrize("theta, variance", [(2.6, 0.05), (1.4, 0.5)], ids=["above the bar", "below the bar, unsure"])
def test_a_learner_away_for_three_weeks_sees_readiness_fall_and_never_rise(test_exam, theta, variance):
    user = _learner_as_folded(test_exam, theta=theta, variance=variance)
    shown = []
    for day in range(22):
        board = dashboard_for(user)["exams"][0]
        shown.append((board.progress.readiness, board.progress.readiness_low, board.progress.readiness_high))
        assert board.idle_days == day
        _away(user, 1)
    chances = [chance for chance, _, _ in shown]
    assert all(later <= earlier for earlier, later in zip(chances, chances[1:], strict=False)), chances
    assert chances[21] < chances[0] - 0.02
    assert all(low <= chance <= high for chance, low, high in shown)
    assert ExamProgress.objects.get(user=user).readiness == chances[0]  # looking writes nothing


def test_the_dashboard_page_shows_the_readiness_aged_to_today(client, test_exam):
    user = _learner_as_folded(test_exam, theta=2.6, variance=0.05)
    pro_subscription(user)  # the readiness estimate is Pro's
    client.force_login(user)
    _away(user, 21)
    progress = ExamProgress.objects.get(user=user)
    aged = readiness_at(progress, timezone.now())
    assert aged.probability < progress.readiness
    page = client.get("/dashboard/").content.decode()
    assert f'<div class="readiness-value">{round(100 * aged.probability)}%</div>' in page
    assert "Last studied 21 days ago" in page


def test_readiness_for_a_date_is_one_call_from_that_days_start_in_the_learners_zone(test_exam):
    user = _learner_as_folded(test_exam, theta=2.6, variance=0.05)
    user.timezone = "Pacific/Auckland"
    user.save()
    progress = ExamProgress.objects.get(user=user)
    exam_day = (progress.last_answer_at + timedelta(days=21)).astimezone(user.zone).date()
    start_of_day = datetime.combine(exam_day, time.min, tzinfo=user.zone)
    assert readiness_at(progress, exam_day) == readiness_at(progress, start_of_day)
    assert readiness_at(progress, exam_day).probability < progress.readiness
    progress.answered = 19
    assert readiness_at(progress, exam_day) is None  # not enough answers to say


def test_readiness_counts_what_a_blind_guess_gets_on_this_exam(test_exam):
    """An exam of four-option questions gives a quarter of what is not known for free; one whose
    items a random pick cannot answer gives nothing, and the same learner is less likely to pass."""
    user = _learner_as_folded(test_exam, theta=2.0, variance=0.1)
    progress = ExamProgress.objects.select_related("exam").get(user=user)
    four_options = readiness_at(progress, progress.last_answer_at).probability
    test_exam.guessing_floor = 0.0
    test_exam.save()
    progress = ExamProgress.objects.select_related("exam").get(user=user)
    floorless = readiness_at(progress, progress.last_answer_at).probability
    masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=user)}
    by_hand = est.readiness_at(progress.last_answer_at, blueprint=exam_blueprint(test_exam), overall=progress,
                               objectives=masteries, question_count=test_exam.question_count,
                               passing_fraction=test_exam.passing_fraction, guess=0.0).probability
    assert floorless == by_hand < four_options - 0.05
