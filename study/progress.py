"""Progress, mastery, readiness and review scheduling, updated incrementally with each answer."""

from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from fsrs import Card, Rating, Scheduler

from exams.models import Exam
from exams.selectors import exam_blueprint
from study import estimator as est
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, SessionItem, StudyDay, WeeklyStat

# No learning steps: FSRS's default re-asks a question 1 and 10 minutes after it is first seen,
# which suits flashcards, not a question bank studied in sessions. Reviews here are whole days
# ("due today"), and "Missed questions" is the way to retry a wrong answer at once.
_scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def reviews_due_by(user, now: datetime) -> datetime:
    """Reviews "due today" are those due before the learner's midnight: the dashboard counts them
    and the "Due reviews" session draws them, so the number and the session agree."""
    today = now.astimezone(user.zone).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=user.zone)


def review_rating(*, correct: bool, confidence: int | None, seconds: float, pace_seconds: float) -> Rating:
    """Wrong → Again; right but guessing → Hard; right quickly and certain → Easy; right → Good."""
    if not correct:
        return Rating.Again
    if confidence == SessionItem.Confidence.LOW:
        return Rating.Hard
    if confidence == SessionItem.Confidence.HIGH and 0 < seconds <= pace_seconds / 2:
        return Rating.Easy
    return Rating.Good


def idle_days(last: datetime | None, now: datetime) -> float:
    return max((now - last).total_seconds() / 86400, 0.0) if last else 0.0


def exam_readiness(*, exam: Exam, overall: tuple[float, float], masteries: dict[int, tuple[float, float]]) -> est.Readiness:
    """Readiness from per-objective estimates (objective id → (theta, variance))."""
    domains = []
    for domain in exam_blueprint(exam):
        pooled = [
            est.objective_posterior(*masteries.get(oid, (None, None)), overall_theta=overall[0], overall_variance=overall[1])
            for oid in domain.objective_ids
        ]
        theta, variance = est.domain_ability(pooled or [(overall[0], est.OBJECTIVE_SPREAD**2 + overall[1])])
        domains.append(est.DomainAbility(domain.weight, theta, variance))
    return est.readiness(domains, question_count=exam.question_count, passing_fraction=exam.passing_fraction)


def _locked(model, defaults: dict | None = None, **lookup):
    """The row for `lookup`, locked for update; created on first use (without a savepoint on the
    common path, where the row already exists)."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        row, _ = model.objects.get_or_create(**lookup, defaults=defaults or {})
    return row


def _bump(model, values: dict, also: dict | None = None, **lookup) -> None:
    """Add to counters of the row for `lookup` (and set `also`), creating it on first use."""
    changes = {**{k: F(k) + v for k, v in values.items()}, **(also or {})}
    if not model.objects.filter(**lookup).update(**changes):
        model.objects.get_or_create(**lookup)
        model.objects.filter(**lookup).update(**changes)


@transaction.atomic(savepoint=False)
def progress_record_answer(*, item: SessionItem) -> None:
    """Fold one answered item into the learner's progress (one call per answer, ever)."""
    session = item.session
    user, exam, question = session.user, session.exam, item.question
    if user is None or item.is_correct is None:
        return
    now = item.answered_at
    correct = bool(item.is_correct)
    local_day = now.astimezone(user.zone).date()

    progress = _locked(ExamProgress, user=user, exam=exam)
    mastery = _locked(ObjectiveMastery, {"exam": exam, "variance": est.PRIOR_VARIANCE}, user=user,
                      objective_id=question.objective_id)
    mastery.theta, mastery.variance = est.ability_update(
        mastery.theta, mastery.variance, correct=correct, difficulty=question.difficulty,
        idle_days=idle_days(mastery.last_answer_at, now),
    )
    mastery.answered += 1
    mastery.correct += correct
    mastery.last_answer_at = now
    mastery.save(update_fields=["theta", "variance", "answered", "correct", "last_answer_at"])

    progress.theta, progress.variance = est.ability_update(
        progress.theta, progress.variance, correct=correct, difficulty=question.difficulty,
        idle_days=idle_days(progress.last_answer_at, now),
    )
    progress.answered += 1
    progress.correct += correct
    progress.study_seconds += item.time_spent_seconds
    progress.last_answer_at = now
    if progress.answered >= est.MIN_ANSWERS_FOR_READINESS:
        masteries = {
            oid: (t, v) for oid, t, v in
            ObjectiveMastery.objects.filter(user=user, exam=exam).values_list("objective_id", "theta", "variance")
        }
        readiness = exam_readiness(exam=exam, overall=(progress.theta, progress.variance), masteries=masteries)
        progress.readiness, progress.readiness_low, progress.readiness_high = readiness.probability, readiness.low, readiness.high
    progress.save()

    _bump(StudyDay, {"answered": 1, "study_seconds": item.time_spent_seconds}, user=user, date=local_day)
    _bump(WeeklyStat, {"answered": 1, "correct": int(correct)}, {"readiness": progress.readiness},
          user=user, exam=exam, week_start=week_start(local_day))
    _schedule_review(item=item, now=now)


def _schedule_review(*, item: SessionItem, now: datetime) -> None:
    session = item.session
    pace = session.exam.duration_minutes * 60 / session.exam.question_count
    rating = review_rating(correct=bool(item.is_correct), confidence=item.confidence, seconds=item.time_spent_seconds, pace_seconds=pace)
    existing = ReviewCard.objects.select_for_update().filter(user=session.user, question=item.question).first()
    card = Card.from_dict(existing.card) if existing else Card()
    card, _ = _scheduler.review_card(card, rating, now.astimezone(UTC))  # fsrs insists on datetime.UTC
    fields = {"card": card.to_dict(), "due": card.due, "last_rating": int(rating), "exam": session.exam}
    if existing:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.reviews += 1
        existing.lapses += rating == Rating.Again
        existing.save()
    else:
        ReviewCard.objects.create(user=session.user, question=item.question, reviews=1, lapses=int(rating == Rating.Again), **fields)


def pooled_masteries(*, user, exam: Exam, progress: ExamProgress | None = None) -> dict[int, tuple[int, int]]:
    """Objective id → (mastery percent, answers) for every objective of the exam."""
    if progress is None:
        progress = ExamProgress.objects.filter(user=user, exam=exam).first()
    overall = (progress.theta, progress.variance) if progress else (est.PRIOR_MEAN, est.PRIOR_VARIANCE)
    rows = {
        oid: (t, v, n)
        for oid, t, v, n in ObjectiveMastery.objects.filter(user=user, exam=exam).values_list(
            "objective_id", "theta", "variance", "answered"
        )
    }
    result = {}
    for domain in exam_blueprint(exam):
        for oid in domain.objective_ids:
            theta, variance, answered = rows.get(oid, (None, None, 0))
            pooled, _ = est.objective_posterior(theta, variance, overall_theta=overall[0], overall_variance=overall[1])
            result[oid] = (est.mastery_percent(pooled), answered)
    return result


def weakest_objectives(*, user, exam: Exam, limit: int) -> list[tuple[object, int]]:
    """The objectives with the lowest mastery among those the learner has answered (all
    objectives when none yet), weakest first, as (objective, mastery percent)."""
    from exams.models import Objective

    masteries = pooled_masteries(user=user, exam=exam)
    answered = {oid: m for oid, (m, n) in masteries.items() if n > 0}
    pool = answered or {oid: m for oid, (m, _) in masteries.items()}
    weakest = sorted(pool, key=lambda oid: (pool[oid], oid))[:limit]
    objectives = Objective.objects.in_bulk(weakest)
    return [(objectives[oid], pool[oid]) for oid in weakest if oid in objectives]
