"""Where the plan for the learner's exam day is worked out: readiness on that day as well as today,
and what it would take to be shown ready by then.

"What it would take" is the estimator's own answer to: how many answers a day, given in the
learner's weakest objectives at the accuracy of a learner who passes comfortably, until the
readiness shown for the exam day reaches READY_THRESHOLD? Those answers are folded into copies
of the learner's estimates exactly as real ones would be (study.estimator), each day's at noon,
with forgetting to the exam day counted; nothing is written. It is the evidence the site needs
to see, not a promise of learning: a learner who answers that many at that accuracy will be
shown as ready.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Sum

from exams.selectors import exam_blueprint
from study import estimator as est
from study.models import ExamProgress, ObjectiveMastery, StudyDay
from study.progress import exam_readiness_at, readiness_at

PLAN_OBJECTIVES = 3  # the weakest objectives the plan spreads its answers over
PLAN_DIFFICULTY = 3  # answers are assumed at medium difficulty
PLAN_DAYS = 60  # only the last this many days before the exam are planned: nearer answers are remembered
MAX_PER_DAY = 200  # more than this a day is "not within reach"
PACE_DAYS = 7  # "on pace" compares with the learner's answers a day over this many days
READY_MARGIN = 0.15  # the accuracy assumed: the exam's passing share plus this, a comfortable pass


@dataclass(frozen=True)
class ExamDayPlan:
    exam_date: date
    days_left: int
    readiness_today: est.Readiness | None
    readiness_on_day: est.Readiness | None
    per_day: int | None  # answers a day to be shown ready; 0: ready on the day already; None: out of reach
    accuracy: float  # at this share right
    objectives: list = field(default_factory=list)  # (blueprint objective, mastery %) to spread them over
    recent_per_day: float = 0.0

    @property
    def on_pace(self) -> bool:
        return self.per_day is not None and self.recent_per_day >= self.per_day


@dataclass
class _Row:
    """A copy of a progress or mastery row the plan folds answers into."""

    theta: float
    variance: float
    last_answer_at: datetime | None
    answered: int = 0


def exam_day_plan(*, progress: ExamProgress, today: date) -> ExamDayPlan | None:
    """The plan for the learner's exam day; None without a day set, or once it has passed."""
    if progress.exam_date is None or progress.exam_date < today:
        return None
    masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=progress.user_id, exam=progress.exam_id)}
    weakest = _weakest(progress, masteries)
    on_day = readiness_at(progress, progress.exam_date, masteries=masteries)
    accuracy = min(progress.exam.passing_fraction + READY_MARGIN, 0.95)
    per_day = None
    if on_day is not None:
        per_day = answers_per_day_to_ready(progress, masteries, [oid for oid, _, _ in weakest], today=today,
                                           accuracy=accuracy)
    answered = StudyDay.objects.filter(user=progress.user_id, date__gt=today - timedelta(days=PACE_DAYS),
                                       date__lte=today).aggregate(n=Sum("answered"))["n"] or 0
    return ExamDayPlan(
        exam_date=progress.exam_date, days_left=(progress.exam_date - today).days,
        readiness_today=readiness_at(progress, today, masteries=masteries), readiness_on_day=on_day,
        per_day=per_day, accuracy=accuracy, objectives=[(objective, percent) for _, objective, percent in weakest],
        recent_per_day=answered / PACE_DAYS,
    )


def weak_objective_ids(progress: ExamProgress, masteries: dict) -> set[int]:
    """The objectives the plan names as the learner's weakest (the review queue favours them in
    the last days before the exam: study.scheduling)."""
    return {objective_id for objective_id, _, _ in _weakest(progress, masteries)}


def _weakest(progress: ExamProgress, masteries: dict) -> list[tuple[int, object, int]]:
    """(objective id, blueprint objective, mastery %) of the weakest objectives, pooled as pages show them."""
    rows = []
    for domain in exam_blueprint(progress.exam):
        for objective in domain.objectives:
            row = masteries.get(objective.id)
            theta, _ = est.objective_posterior(row.theta if row else None, row.variance if row else None,
                                               overall_theta=progress.theta, overall_variance=progress.variance)
            rows.append((objective.id, objective, est.mastery_percent(theta)))
    return sorted(rows, key=lambda r: (r[2], r[1].number))[:PLAN_OBJECTIVES]


def answers_per_day_to_ready(progress: ExamProgress, masteries: dict, objective_ids: list[int], *, today: date,
                             accuracy: float) -> int | None:
    """The fewest answers a day (round the objectives, right in the share `accuracy`) that bring
    the exam day's readiness to READY_THRESHOLD: 0 when it is there already, None above MAX_PER_DAY."""
    def ready_with(per_day: int) -> bool:
        return _readiness_on_day(progress, masteries, objective_ids, today=today, per_day=per_day,
                                 accuracy=accuracy) >= est.READY_THRESHOLD

    if ready_with(0):
        return 0
    if not objective_ids or not ready_with(MAX_PER_DAY):
        return None
    low, high = 0, MAX_PER_DAY  # not ready with low, ready with high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if ready_with(middle) else (middle, high)
    return high


def _readiness_on_day(progress: ExamProgress, masteries: dict, objective_ids: list[int], *, today: date,
                      per_day: int, accuracy: float) -> float:
    exam = progress.exam
    zone = progress.user.zone
    exam_day = datetime.combine(progress.exam_date, datetime.min.time(), tzinfo=zone)
    overall = _Row(progress.theta, progress.variance, progress.last_answer_at, progress.answered)
    rows = {oid: _Row(m.theta, m.variance, m.last_answer_at, m.answered) for oid, m in masteries.items()}
    first = max(today, progress.exam_date - timedelta(days=PLAN_DAYS))
    n = 0
    for offset in range((progress.exam_date - first).days):
        noon = datetime.combine(first + timedelta(days=offset), datetime.min.time(), tzinfo=zone) + timedelta(hours=12)
        for _ in range(per_day):
            n += 1
            correct = math.floor(n * accuracy) > math.floor((n - 1) * accuracy)  # right in the share, evenly mixed
            row = rows.setdefault(objective_ids[n % len(objective_ids)], _Row(est.PRIOR_MEAN, est.PRIOR_VARIANCE, None))
            for target, drift in ((row, est.OBJECTIVE_DRIFT), (overall, est.LEARNING_DRIFT)):
                if not target.answered:
                    target.theta, target.variance = est.PRIOR_MEAN, est.PRIOR_VARIANCE
                target.theta, target.variance = est.ability_update(
                    target.theta, target.variance, correct=correct, difficulty=PLAN_DIFFICULTY, guess=est.EXAM_GUESS,
                    idle_days=est.idle_days(target.last_answer_at, noon), drift=drift)
                target.last_answer_at, target.answered = noon, target.answered + 1
    return exam_readiness_at(exam, exam_day, overall=overall, objectives=rows).probability
