"""The learner's dashboard, read from incrementally kept progress in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from exams.models import Objective, Question
from exams.selectors import exam_blueprint
from study import estimator as est
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, StudyDay, StudySession, WeeklyStat
from study.progress import progress_catch_up, readiness_at, reviews_due_by, week_start

TREND_WEEKS = 12
AREAS_SHOWN = 3


@dataclass
class ExamDashboard:
    progress: ExamProgress
    domains: list[dict] = field(default_factory=list)
    weak: list[dict] = field(default_factory=list)
    strong: list[dict] = field(default_factory=list)
    due_today: int = 0
    trend: dict = field(default_factory=dict)
    idle_days: int = 0  # days since the last answer, when readiness was aged to today

    @property
    def exam(self):
        return self.progress.exam

    @property
    def readiness_known(self) -> bool:
        return self.progress.readiness is not None

    @property
    def is_ready(self) -> bool:
        return self.readiness_known and self.progress.readiness >= est.READY_THRESHOLD

    @property
    def answers_to_readiness(self) -> int:
        return max(est.MIN_ANSWERS_FOR_READINESS - self.progress.answered, 0)


def streak_days(days: list[date], today: date) -> int:
    """Consecutive study days ending today, or yesterday when today has no answers yet."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    streak = 0
    while day in studied:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _trend(stats: list[WeeklyStat], this_week: date) -> dict:
    """Accuracy and readiness per week for the last TREND_WEEKS weeks, as SVG polyline points."""
    weeks = [this_week - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    by_week = {s.week_start: s for s in stats}
    width, height = 600, 160
    step = width / (TREND_WEEKS - 1)
    accuracy, readiness, labels = [], [], []
    last_readiness = None
    for i, week in enumerate(weeks):
        stat = by_week.get(week)
        x = round(i * step, 1)
        if stat and stat.answered:
            accuracy.append((x, round(height - height * stat.correct / stat.answered, 1), round(100 * stat.correct / stat.answered)))
        if stat and stat.readiness is not None:
            last_readiness = stat.readiness
        if last_readiness is not None and (stat or readiness):
            readiness.append((x, round(height - height * last_readiness, 1), round(100 * last_readiness)))
        labels.append((x, week))
    return {
        "width": width, "height": height,
        "accuracy": accuracy, "readiness": readiness,
        "accuracy_points": " ".join(f"{x},{y}" for x, y, _ in accuracy),
        "readiness_points": " ".join(f"{x},{y}" for x, y, _ in readiness),
        "labels": labels[::3] + ([labels[-1]] if (TREND_WEEKS - 1) % 3 else []),
        "has_data": bool(accuracy),
    }


def dashboard_for(user) -> dict:
    progress_catch_up(user=user)
    now = timezone.now()
    local_now = now.astimezone(user.zone)
    today = local_now.date()
    end_of_today = reviews_due_by(user, now)

    progresses = list(ExamProgress.objects.filter(user=user).select_related("exam").order_by("-last_answer_at"))
    exam_ids = [p.exam_id for p in progresses]
    masteries = list(ObjectiveMastery.objects.filter(user=user, exam_id__in=exam_ids))
    objectives = Objective.objects.filter(domain__exam_id__in=exam_ids).select_related("domain").in_bulk()
    stats = list(WeeklyStat.objects.filter(user=user, week_start__gte=week_start(today) - timedelta(weeks=TREND_WEEKS)))
    due = dict(
        ReviewCard.objects.filter(user=user, due__lt=end_of_today, question__in=Question.objects.servable())
        .values_list("exam_id").annotate(n=Count("id"))
    )
    days = list(StudyDay.objects.filter(user=user, date__gte=today - timedelta(days=400)).values_list("date", "study_seconds"))
    recent = list(StudySession.objects.filter(user=user).select_related("exam").order_by("-started_at")[:5])
    sessions_done = StudySession.objects.filter(user=user).aggregate(
        finished=Count("id", filter=Q(status=StudySession.Status.SUBMITTED))
    )["finished"]

    exams = []
    for progress in progresses:
        mine = {m.objective_id: m for m in masteries if m.exam_id == progress.exam_id}
        board = ExamDashboard(progress=progress, due_today=due.get(progress.exam_id, 0))
        board.idle_days = _readiness_age(progress, mine, now)
        overall = (progress.theta, progress.variance)
        areas = []
        for domain in exam_blueprint(progress.exam):
            answered = correct = 0
            for oid in domain.objective_ids:
                m = mine.get(oid)
                if m is None:
                    continue
                answered += m.answered
                correct += m.correct
                mastery = _mastery_percent(m, overall)
                if mastery is not None and oid in objectives:
                    areas.append({"objective": objectives[oid], "mastery": mastery, "answered": m.answered})
            board.domains.append({
                "number": domain.number, "name": domain.name, "weight": domain.weight, "answered": answered,
                "accuracy": round(100 * correct / answered) if answered else None,
            })
        areas.sort(key=lambda a: a["mastery"])
        board.weak = areas[:AREAS_SHOWN]
        board.strong = [a for a in reversed(areas[AREAS_SHOWN:])][:AREAS_SHOWN] if len(areas) > AREAS_SHOWN else []
        board.trend = _trend([s for s in stats if s.exam_id == progress.exam_id], week_start(today))
        exams.append(board)

    return {
        "exams": exams,
        "streak": streak_days([d for d, _ in days], today),
        "studied_today": any(d == today for d, _ in days),
        "total_seconds": sum(p.study_seconds for p in progresses),
        "total_answered": sum(p.answered for p in progresses),
        "recent": recent,
        "sessions_done": sessions_done,
        "due_total": sum(due.values()),
        "today": today,
        "min_mastery_answers": est.MIN_ANSWERS_FOR_MASTERY,
        "min_readiness_answers": est.MIN_ANSWERS_FOR_READINESS,
        "ready_threshold": round(100 * est.READY_THRESHOLD),
    }


def _mastery_percent(mastery: ObjectiveMastery, overall: tuple[float, float]) -> int | None:
    """An objective's mastery pooled with the exam-wide ability, or None below enough answers."""
    if mastery.answered < est.MIN_ANSWERS_FOR_MASTERY:
        return None
    pooled, _ = est.objective_posterior(mastery.theta, mastery.variance, overall_theta=overall[0], overall_variance=overall[1])
    return est.mastery_percent(pooled)


def _readiness_age(progress: ExamProgress, mine: dict, now: datetime) -> int:
    """Readiness as of today, not as of the last answer: what was learned fades while the learner is
    away (study.progress.readiness_at), so it can only fall. Returns the whole idle days (0 when the
    readiness stands as stored: within a day of the last answer it is not recomputed)."""
    idle = est.idle_days(progress.last_answer_at, now)
    if progress.readiness is None or idle < 1:
        return 0
    aged = readiness_at(progress, now, masteries=mine)
    progress.readiness, progress.readiness_low, progress.readiness_high = aged.probability, aged.low, aged.high
    return int(idle)


def objective_mastery_for(user, exam) -> list[dict]:
    """Every objective of the exam by blueprint domain (exams.selectors.exam_blueprint), with the
    learner's mastery (or how many answers it still needs): two queries, whatever the history."""
    progress_catch_up(user=user)
    progress = ExamProgress.objects.filter(user=user, exam=exam).first()
    mine = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=user, exam=exam)}
    overall = (progress.theta, progress.variance) if progress else (est.PRIOR_MEAN, est.PRIOR_VARIANCE)
    domains = []
    for domain in exam_blueprint(exam):
        rows = []
        for objective in domain.objectives:
            m = mine.get(objective.pk)
            answered = m.answered if m else 0
            mastery = _mastery_percent(m, overall) if m else None
            rows.append({"objective": objective, "answered": answered, "correct": m.correct if m else 0,
                         "mastery": mastery, "needs": max(0, est.MIN_ANSWERS_FOR_MASTERY - answered)})
        domains.append({"domain": domain, "objectives": rows, "answered": sum(r["answered"] for r in rows),
                        "known": sum(r["mastery"] is not None for r in rows)})
    return domains
