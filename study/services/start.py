"""Where a session is started: what the learner asked for, the questions drawn for it (by the
blueprint for an exam simulation, by need for adaptive practice) and the one short write."""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.entitlements import entitlements_for
from exams.models import Exam, Question, StratumSize
from exams.question_types import QuestionType, question_type
from exams.selectors import SelectionCriteria, question_choice_ids, question_sample, question_sample_by_blueprint
from study import compiled_queries as compiled
from study.models import SessionItem, StudySession
from study.progress import progress_catch_up, weakest_objectives
from study.selectors import (
    answered_question_ids,
    bookmarked_question_ids,
    due_question_ids,
    flagged_question_ids,
    missed_question_ids,
    retake_question_ids,
    seen_probe,
)
from study.services.errors import NothingToStudy, UpgradeRequired

DOUBLE_START_SECONDS = 10  # the same start again within this is a double click, not a new session


@dataclass(frozen=True)
class SessionRequest:
    mode: str
    count: int = 10
    objective_ids: tuple[int, ...] = ()
    difficulty_min: int = 1
    difficulty_max: int = 5
    # all | unseen | fresh (not in 24 h) | missed | bookmarked | due | marked (missed, flagged or
    # bookmarked) | weak (due reviews and the weakest objectives) | retake (a finished session's
    # wrong or unanswered questions: `from_session`)
    source: str = "all"
    from_session: int | None = None
    # Practice or timed practice on exactly these questions, in this order (a batch an app drew
    # with POST /api/v1/questions/batch and now answers): ids not servable for the exam are left out.
    question_ids: tuple[int, ...] = ()

    @property
    def draws_on_progress(self) -> bool:
        """Does the draw read review schedules or mastery (which must be caught up first)?"""
        return self.mode == StudySession.Mode.ADAPTIVE or self.source in ("missed", "due", "marked", "weak")


def simulation_shape(exam: Exam, available: int) -> tuple[int, int]:
    """Questions and minutes for an exam simulation: the real exam's, scaled down in proportion
    when the bank has fewer servable questions than the real exam asks."""
    count = min(exam.question_count, available)
    minutes = math.ceil(exam.duration_minutes * count / exam.question_count) if count else 0
    return count, minutes


def _criteria(*, user, exam: Exam, request: SessionRequest) -> SelectionCriteria:
    include = probe = None
    if request.source == "unseen":
        probe = seen_probe(user=user)
    elif request.source == "fresh":
        probe = seen_probe(user=user, since=_fresh_since())
    elif request.source == "missed":
        include = missed_question_ids(user=user, exam=exam)
    elif request.source == "bookmarked":
        include = bookmarked_question_ids(user=user, exam=exam)
    elif request.source == "due":
        include = set(due_question_ids(user=user, exam=exam))
    elif request.source == "marked":
        include = (missed_question_ids(user=user, exam=exam) | flagged_question_ids(user=user, exam=exam)
                   | bookmarked_question_ids(user=user, exam=exam))
    elif request.source == "retake":
        include = retake_question_ids(user=user, exam=exam, session_id=request.from_session)
    return SelectionCriteria(
        exam=exam,
        objective_ids=request.objective_ids,
        difficulty_min=request.difficulty_min,
        difficulty_max=request.difficulty_max,
        include_ids=include,
        exclude_probe=probe,
    )


def _fresh_since() -> datetime:
    return timezone.now() - timedelta(hours=24)


def start_capacity(*, user, exam: Exam, request: SessionRequest) -> int:
    """How many questions a practice start with these objectives, difficulty and source can draw
    (before the plan's daily limit): what the start form offers. A few counting queries; the
    pool's size comes from its strata, never from a count over the bank."""
    if request.draws_on_progress:
        progress_catch_up(user=user)
    criteria = _criteria(user=user, exam=exam, request=request)
    questions = Question.objects.servable().filter(
        exam=exam, difficulty__gte=request.difficulty_min, difficulty__lte=request.difficulty_max)
    if request.objective_ids:
        questions = questions.filter(objective_id__in=list(request.objective_ids))
    if criteria.include_ids is not None:
        return questions.filter(pk__in=list(criteria.include_ids)).count() if criteria.include_ids else 0
    strata = StratumSize.objects.filter(
        exam=exam, difficulty__gte=request.difficulty_min, difficulty__lte=request.difficulty_max)
    if request.objective_ids:
        strata = strata.filter(objective_id__in=list(request.objective_ids))
    pool = strata.aggregate(n=Sum("size"))["n"] or 0
    if request.source in ("unseen", "fresh"):
        since = _fresh_since() if request.source == "fresh" else None
        pool -= questions.filter(pk__in=answered_question_ids(user=user, exam=exam, since=since)).count()
    return max(pool, 0)


def session_start(
    *, user, exam: Exam, request: SessionRequest, rng: random.Random | None = None, reuse_recent: bool = False
) -> StudySession:
    """Start a session. With `reuse_recent` (a click on Start), the same start made moments ago
    and not yet answered is returned instead of a second session.

    The questions are drawn first, with reads only; the write that follows is short, so a busy
    database never holds everyone's writes behind a draw."""
    rng = rng or random.SystemRandom()
    now = timezone.now()
    config = {
        "count": request.count, "objectives": list(request.objective_ids), "source": request.source,
        "difficulty": [request.difficulty_min, request.difficulty_max],
    }
    if request.from_session is not None:
        config["from_session"] = request.from_session
    if request.question_ids:
        config["questions"] = list(request.question_ids)
    if request.draws_on_progress:
        progress_catch_up(user=user)
    ids, reasons, deadline = _draw(user=user, exam=exam, request=request, rng=rng, now=now)
    drawn = question_choice_ids(ids)
    if request.mode == StudySession.Mode.EXAM and exam.pbq_first:
        # The exam's profile (CompTIA): the performance-based questions open the exam.
        drawn.sort(key=lambda row: not question_type(row[1]).performance_based)
    items = [
        _new_item(position, question_id, question_type(kind), choice_ids, rng, reasons.get(question_id, ""))
        for position, (question_id, kind, choice_ids) in enumerate(drawn, start=1)
    ]
    if request.mode == StudySession.Mode.EXAM:
        for item in rng.sample(items, unscored_count(exam, len(items))):
            item.unscored = True
    with transaction.atomic():
        # One start at a time per learner: two simultaneous starts must not both get the last
        # free simulation, and a double click on Start gives the session the first click made.
        # Where there is no row lock (SQLite, libSQL) the write transaction itself is the one
        # writer at a time: the lookup would lock nothing and only hold the writers' queue.
        if connection.features.has_select_for_update:
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        just_started = reuse_recent and next(iter(compiled.just_started[request.mode](
            user=user.pk, exam=exam.pk, since=now - timedelta(seconds=DOUBLE_START_SECONDS))), None)
        if just_started and just_started.config == config and not just_started.items.exclude(response=None).exists():
            return just_started
        decision = entitlements_for(user, now=now).can_start(request.mode, exam)
        if not decision:
            raise UpgradeRequired(decision.message, decision.feature)
        if not items:
            raise NothingToStudy("No questions match these choices. Widen the objectives, difficulty or source.")
        session = StudySession.objects.create(
            user=user, exam=exam, mode=request.mode, config=config, question_total=len(items), started_at=now,
            deadline=deadline,
        )
        for item in items:
            item.session = session
        SessionItem.objects.bulk_create(items)
    return session


def unscored_count(exam: Exam, count: int) -> int:
    """How many of a simulation's `count` questions do not count (the exam's profile: AWS asks 15
    of 65 unscored), in proportion when the bank shortens the simulation."""
    if not exam.unscored_items or not count:
        return 0
    return min(count - 1, round(exam.unscored_items * count / exam.question_count))


def _draw(
    *, user, exam: Exam, request: SessionRequest, rng: random.Random, now: datetime
) -> tuple[list[int], dict[int, str], datetime | None]:
    """The question ids a new session asks, in order; why each was chosen (adaptive); the deadline."""
    reasons: dict[int, str] = {}
    deadline = None
    if request.mode == StudySession.Mode.EXAM:
        ids = question_sample_by_blueprint(SelectionCriteria(exam=exam), exam.question_count, rng=rng)
        _, minutes = simulation_shape(exam, len(ids))
        deadline = now + timedelta(minutes=minutes)
    elif request.mode == StudySession.Mode.ADAPTIVE or request.source == "weak":
        # Quick 10 ("weak") is adaptive practice's choice without its new questions.
        new_share = 0.0 if request.source == "weak" else ADAPTIVE_NEW_SHARE
        reasons = adaptive_selection(user=user, exam=exam, count=request.count, rng=rng, new_share=new_share)
        ids = list(reasons)
        rng.shuffle(ids)
    else:
        if request.question_ids:
            ids = servable_in_order(exam, request.question_ids)
        else:
            ids = question_sample(_criteria(user=user, exam=exam, request=request), request.count, rng=rng)
        if request.mode == StudySession.Mode.TIMED:
            per_question = exam.duration_minutes * 60 / exam.question_count
            deadline = now + timedelta(seconds=math.ceil(per_question * len(ids)))
    return ids, reasons, deadline


def servable_in_order(exam: Exam, question_ids) -> list[int]:
    """Those of `question_ids` a learner of `exam` may be shown, in the order given, once each."""
    servable = set(Question.objects.servable().filter(exam=exam, pk__in=list(question_ids)).values_list("pk", flat=True))
    return [pk for pk in dict.fromkeys(question_ids) if pk in servable]


ADAPTIVE_DUE_SHARE, ADAPTIVE_NEW_SHARE = 0.4, 0.2  # the rest comes from the weakest objectives
ADAPTIVE_WEAK_OBJECTIVES = 3


def adaptive_selection(
    *, user, exam: Exam, count: int, rng: random.Random, new_share: float = ADAPTIVE_NEW_SHARE
) -> dict[int, str]:
    """Question id → why it was chosen: due reviews first, then the weakest objectives, then a
    share of questions never seen; any shortfall is filled from the rest of the bank."""
    chosen: dict[int, str] = {}
    due = due_question_ids(user=user, exam=exam)  # most overdue first
    servable_due = set(Question.objects.servable().filter(exam=exam, pk__in=due).values_list("pk", flat=True))
    for pk in [pk for pk in due if pk in servable_due][: round(count * ADAPTIVE_DUE_SHARE)]:
        chosen[pk] = "Due for review: spaced repetition says now is the time to see it again."
    new_quota = round(count * new_share)
    weak_quota = count - len(chosen) - new_quota
    weak = weakest_objectives(user=user, exam=exam, limit=ADAPTIVE_WEAK_OBJECTIVES)
    per_objective = math.ceil(weak_quota / len(weak)) if weak else 0
    for objective, mastery in weak:
        take = min(per_objective, count - len(chosen) - new_quota)
        criteria = SelectionCriteria(exam=exam, objective_ids=(objective.id,), exclude_ids=set(chosen))
        for pk in question_sample(criteria, max(take, 0), rng=rng):
            chosen[pk] = f"Weak area: {objective.number} {objective.name}"[:90] + f" (mastery {mastery}%)"
    unseen = SelectionCriteria(exam=exam, exclude_ids=set(chosen), exclude_probe=seen_probe(user=user))
    for pk in question_sample(unseen, count - len(chosen), rng=rng):
        chosen[pk] = "New: you have not answered this question before."
    rest = SelectionCriteria(exam=exam, exclude_ids=set(chosen))
    for pk in question_sample(rest, count - len(chosen), rng=rng):
        chosen[pk] = "Mixed in to round out the session."
    return chosen


def _new_item(position: int, question_id: int, kind: QuestionType, choice_ids: list[int], rng: random.Random,
              reason: str = "") -> SessionItem:
    choice_order, match_order = kind.prepare(choice_ids, rng)
    return SessionItem(position=position, question_id=question_id, choice_order=choice_order, match_order=match_order,
                       reason=reason[:120])
