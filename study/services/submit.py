"""Where a session is submitted and scored: once, whoever gets there first (the learner, the
deadline, the expiry task), with the report by domain and objective."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from billing.entitlements import entitlements_for
from exams.models import Exam
from exams.selectors import exam_blueprint, exam_blueprint_invalidate
from study.models import StudySession
from study.progress import progress_catch_up, progress_record_answers


def session_submit(*, session: StudySession, expired: bool = False) -> StudySession:
    """Finish a session (idempotent): score it, write the report, count answers into question
    statistics for modes that did not count them as they came."""
    now = timezone.now()
    submitted_at = min(now, session.deadline) if session.deadline else now
    with transaction.atomic():
        claimed = StudySession.objects.filter(pk=session.pk, status=StudySession.Status.IN_PROGRESS).update(
            status=StudySession.Status.SUBMITTED, submitted_at=submitted_at, expired=expired,
        )
        if not claimed:
            session.refresh_from_db()
            return session
        if session.gives_instant_feedback:
            # Practice answers are folded as they wait (study.progress), after this transaction.
            rows = [Scored(objective, score or 0.0, response, points)
                    for objective, score, response, points in session.items.filter(unscored=False).values_list(
                        "question__objective_id", "score", "response", "question__points")]
        else:
            items = list(session.items.select_related("question"))
            for item in items:
                item.session = session
            progress_record_answers([item for item in items if item.response is not None])
            # An exam profile's unscored items count for nothing, and nothing says which they were.
            rows = [Scored(item.question.objective_id, item.score or 0.0, item.response, item.question.points)
                    for item in items if not item.unscored]
        unscored = 0
        if any(row.response is None for row in rows) and _plan_refuses_answers(session, submitted_at):
            # What the plan did not let the learner answer is not theirs to get wrong.
            unscored = sum(1 for row in rows if row.response is None)
            rows = [row for row in rows if row.response is not None]
        _score(session, rows, unscored=unscored)
        session.save(update_fields=["correct_count", "answered_count", "scaled_score", "passed", "report"])
    if session.gives_instant_feedback and session.user_id is not None:
        # Its answers, and any the learner left pending elsewhere: planned with no lock held,
        # then written in a short transaction of their own (study.progress).
        progress_catch_up(user=session.user)
    session.refresh_from_db()
    return session


def _plan_refuses_answers(session: StudySession, when: datetime) -> bool:
    """Would the learner's plan refuse a new answer in this session at `when`: a free learner whose
    day's questions ran out (in this session or in another tab) could not answer the rest."""
    if session.user_id is None:
        return False
    plan = entitlements_for(session.user, now=when)
    return plan.counts_against_allowance(session) and plan.questions_left_today == 0


@dataclass(frozen=True)
class Scored:
    """An item as its score counts it."""

    objective_id: int
    score: float  # 0 to 1: partial credit for a performance-based question's parts
    response: object
    points: int  # what the question weighs

    @property
    def earned(self) -> float:
        return self.score * self.points


def _points(value: float) -> float | int:
    """Points as a report shows them: whole where they are whole, else to one decimal."""
    return int(value) if float(value).is_integer() else round(value, 1)


def _score(session: StudySession, rows: list[Scored], *, unscored: int = 0) -> None:
    """The score and the report by domain and objective, from each scored item and the exam's
    cached blueprint (in its order): points earned over points possible, each question weighing
    its points and earning its share of them. `unscored` counts the questions the plan left out
    (the report keeps it, for the pages that show the score)."""
    exam = session.exam
    possible = sum(row.points for row in rows)
    fraction = sum(row.earned for row in rows) / possible if possible else 0.0
    session.correct_count = sum(1 for row in rows if row.score >= 1)
    session.answered_count = sum(1 for row in rows if row.response is not None)
    session.scaled_score = round(exam.score_min + (exam.score_max - exam.score_min) * fraction)
    session.passed = session.scaled_score >= exam.passing_score
    counts: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])  # objective id → [points earned, possible]
    for row in rows:
        counts[row.objective_id][0] += row.earned
        counts[row.objective_id][1] += row.points
    domains = []
    for order, domain in enumerate(_blueprint_with(exam, counts)):
        objectives = [
            {"number": o.number, "name": o.name, "correct": _points(counts[o.id][0]), "total": counts[o.id][1], "order": n}
            for n, o in enumerate(domain.objectives) if o.id in counts
        ]
        if objectives:
            domains.append({"number": domain.number, "name": domain.name, "order": order, "objectives": objectives,
                            "correct": _points(sum(o["correct"] for o in objectives)),
                            "total": sum(o["total"] for o in objectives)})
    session.report = {"domains": domains, **({"unscored": unscored} if unscored else {})}


def _blueprint_with(exam: Exam, counts: dict[int, list[int]]):
    """The exam's blueprint, read again should it lack an objective the session's questions
    are filed under (edited since it was cached)."""
    blueprint = exam_blueprint(exam)
    known = {o.id for domain in blueprint for o in domain.objectives}
    if not known.issuperset(counts):
        exam_blueprint_invalidate(exam.pk)
        blueprint = exam_blueprint(exam)
    return blueprint


def session_expire_if_due(*, session: StudySession) -> StudySession:
    if not session.is_finished and session.is_expired():
        return session_submit(session=session, expired=True)
    return session


def sessions_expire_due(*, user=None) -> int:
    """Submit every session whose deadline has passed (run periodically by Celery beat), or only
    the user's (before their data is exported, so it shows what their pages would)."""
    due = StudySession.objects.unfinished().filter(deadline__lte=timezone.now(), paused_at__isnull=True).select_related("exam")
    if user is not None:
        due = due.filter(user=user)
    count = 0
    for session in due:
        session_submit(session=session, expired=True)
        count += 1
    return count
