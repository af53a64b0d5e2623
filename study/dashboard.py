"""The learner's dashboard, read from incrementally kept progress in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from exams.models import Exam, Objective, Question
from exams.selectors import exam_blueprint
from study import estimator as est
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, StudyDay, StudySession, WeeklyStat
from study.progress import progress_catch_up, readiness_at, week_start
from study.scheduling import reviews_due_by
from study.selectors import with_scores

TREND_WEEKS = 12
AREAS_SHOWN = 3
WEAKEST_SHOWN = 5  # the exam page's short list; every objective stays one click away


def percent_shown(fraction: float) -> str:
    """A probability as a learner should read it: never "0%" or "100%", which no estimate is."""
    if fraction < 0.01:
        return "under 1%"
    if fraction > 0.99:
        return "over 99%"
    return f"{round(100 * fraction)}%"


def readiness_shown(progress: ExamProgress | None) -> dict | None:
    """Readiness and its likely range in words ("under 1%", "likely under 1% to 6%"), or None
    while it is not known."""
    if progress is None or progress.readiness is None:
        return None
    low, high = percent_shown(progress.readiness_low), percent_shown(progress.readiness_high)
    return {"value": percent_shown(progress.readiness), "band": f"likely {low}" if low == high else f"likely {low} to {high}",
            "bar": round(100 * progress.readiness), "ready": progress.readiness >= est.READY_THRESHOLD}


@dataclass
class ExamDashboard:
    progress: ExamProgress
    domains: list[dict] = field(default_factory=list)
    weak: list[dict] = field(default_factory=list)
    strong: list[dict] = field(default_factory=list)
    due_today: int = 0
    trend: dict = field(default_factory=dict)
    mocks: dict = field(default_factory=dict)  # the learner's exam simulation scores over time
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

    @property
    def readiness_shown(self) -> dict | None:
        return readiness_shown(self.progress)


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
    recent = with_scores(StudySession.objects.filter(user=user).select_related("exam").order_by("-started_at")[:5])
    simulations = list(
        StudySession.objects.finished().filter(user=user, exam_id__in=exam_ids, mode=StudySession.Mode.EXAM)
        .order_by("submitted_at").only("pk", "exam_id", "submitted_at", "scaled_score", "passed")
    )
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
        board.mocks = mock_score_chart([s for s in simulations if s.exam_id == progress.exam_id][-MOCKS_CHARTED:],
                                       progress.exam)
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


MOCKS_CHARTED = 20
MOCK_CHART = {"width": 300, "height": 120}  # drawn at about its size in a narrow card: its text stays readable


def mock_score_chart(simulations: list[StudySession], exam: Exam) -> dict:
    """The learner's exam simulation scores over time (oldest first) as SVG coordinates on the
    exam's scale, with its passing score drawn across; classes, not styles (the CSP allows none)."""
    width, height = MOCK_CHART["width"], MOCK_CHART["height"]
    span = (exam.score_max - exam.score_min) or 1

    def y(score: int) -> float:
        return round(height - height * (min(max(score, exam.score_min), exam.score_max) - exam.score_min) / span, 1)

    step = width / (len(simulations) - 1) if len(simulations) > 1 else 0
    points = [
        {"x": round(i * step, 1) if step else width / 2, "y": y(s.scaled_score or exam.score_min), "score": s.scaled_score,
         "passed": s.passed, "when": s.submitted_at, "pk": s.pk}
        for i, s in enumerate(simulations)
    ]
    return {
        **MOCK_CHART, "points": points, "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "pass_y": y(exam.passing_score), "top_label": exam.score_max, "bottom_label": exam.score_min,
        "passing": exam.passing_score, "best": max((p["score"] or 0 for p in points), default=None),
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


def exam_standing(user, exam) -> dict:
    """The learner's standing on one exam for its page: readiness in words with what would move it,
    the weakest objectives, and every objective by blueprint domain (weakest first within each)
    with its mastery or how many answers it still needs. Two queries, whatever the history."""
    progress_catch_up(user=user)
    progress = ExamProgress.objects.filter(user=user, exam=exam).first()
    mine = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=user, exam=exam)}
    if progress is not None:
        progress.exam = exam
        _readiness_age(progress, mine, timezone.now())
    overall = (progress.theta, progress.variance) if progress else (est.PRIOR_MEAN, est.PRIOR_VARIANCE)
    domains, measured = [], []
    for domain in exam_blueprint(exam):
        rows = []
        for objective in domain.objectives:
            m = mine.get(objective.pk)
            answered = m.answered if m else 0
            mastery = _mastery_percent(m, overall) if m else None
            row = {"objective": objective, "answered": answered, "correct": m.correct if m else 0, "mastery": mastery,
                   "needs": max(0, est.MIN_ANSWERS_FOR_MASTERY - answered), "domain": domain}
            rows.append(row)
            if mastery is not None:
                measured.append(row)
        rows.sort(key=lambda r: (r["mastery"] is None, r["mastery"] or 0))  # stable: blueprint order otherwise
        domains.append({"domain": domain, "objectives": rows, "answered": sum(r["answered"] for r in rows),
                        "known": sum(r["mastery"] is not None for r in rows)})
    measured.sort(key=lambda r: r["mastery"])
    unmeasured = sum(len(d["objectives"]) - d["known"] for d in domains)
    # The biggest lever: the objective whose shortfall weighs most in the exam (its domain's weight).
    lever = max(measured, key=lambda r: (100 - r["mastery"]) * r["domain"].weight, default=None)
    return {"progress": progress, "readiness": readiness_shown(progress), "domains": domains,
            "weakest": measured[:WEAKEST_SHOWN], "unmeasured": unmeasured, "lever": lever,
            "answers_to_readiness": max(est.MIN_ANSWERS_FOR_READINESS - (progress.answered if progress else 0), 0)}
