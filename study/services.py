"""Study sessions: start, answer, flag, submit. Every write a learner causes goes through here."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from fsrs import Rating

from billing.entitlements import Entitlements, entitlements_for
from exams.models import Exam, Question
from exams.selectors import (
    SelectionCriteria,
    exam_blueprint,
    exam_blueprint_invalidate,
    question_choice_ids,
    question_sample,
    question_sample_by_blueprint,
)
from pingtopass.db.prepared import PreparedQuery, PreparedUpdate, compiled_update
from study.grading import InvalidAnswer, is_correct, response_from_form
from study.models import Bookmark, QuestionFeedback, ReviewCard, SessionItem, StudySession
from study.progress import progress_catch_up, progress_record_answers, reviews_due_by, weakest_objectives

DOUBLE_START_SECONDS = 10  # the same start again within this is a double click, not a new session
MAX_CLIENT_SECONDS = 60 * 60  # a reported time per question above an hour is not believable
MAX_SECONDS_PER_ITEM = MAX_CLIENT_SECONDS * 3  # what revisits of one question add up to at most


class SessionError(Exception):
    """Something the learner asked for cannot be done; the message says why."""


class SessionExpired(SessionError):
    pass


class NothingToStudy(SessionError):
    pass


class UpgradeRequired(SessionError):
    """The learner's plan does not cover this; `feature` says which limit was reached."""

    def __init__(self, message: str, feature: str = ""):
        super().__init__(message)
        self.feature = feature


@dataclass(frozen=True)
class SessionRequest:
    mode: str
    count: int = 10
    objective_ids: tuple[int, ...] = ()
    difficulty_min: int = 1
    difficulty_max: int = 5
    source: str = "all"  # all | unseen | fresh (not in 24 h) | missed | bookmarked | due


# --- reads the services need ---------------------------------------------------------------
def seen_probe(*, user, since=None):
    """A probe for selection: which of these candidate questions has the learner answered
    (since a time, or ever)? It asks about the candidates only, never the whole history."""

    def probe(candidate_ids: list[int]) -> set[int]:
        answered = SessionItem.objects.filter(session__user=user, question_id__in=candidate_ids, response__isnull=False)
        if since is not None:
            answered = answered.filter(answered_at__gte=since)
        return set(answered.order_by().values_list("question_id", flat=True))

    return probe


def missed_question_ids(*, user, exam: Exam) -> set[int]:
    """Questions whose latest answer by this learner was wrong (their review card says Again)."""
    return set(
        ReviewCard.objects.filter(user=user, exam=exam, last_rating=int(Rating.Again)).values_list("question_id", flat=True)
    )


def bookmarked_question_ids(*, user, exam: Exam) -> set[int]:
    return set(Bookmark.objects.filter(user=user, question__exam=exam).values_list("question_id", flat=True))


def due_question_ids(*, user, exam: Exam, now=None) -> list[int]:
    """Questions whose FSRS review is due today (before the learner's midnight), most overdue first."""
    return list(
        ReviewCard.objects.filter(user=user, exam=exam, due__lt=reviews_due_by(user, now or timezone.now()))
        .order_by("due")
        .values_list("question_id", flat=True)
    )


def simulation_shape(exam: Exam, available: int) -> tuple[int, int]:
    """Questions and minutes for an exam simulation: the real exam's, scaled down in proportion
    when the bank has fewer servable questions than the real exam asks."""
    count = min(exam.question_count, available)
    minutes = math.ceil(exam.duration_minutes * count / exam.question_count) if count else 0
    return count, minutes


# --- start ----------------------------------------------------------------------------------
def _criteria(*, user, exam: Exam, request: SessionRequest) -> SelectionCriteria:
    include = probe = None
    if request.source == "unseen":
        probe = seen_probe(user=user)
    elif request.source == "fresh":
        probe = seen_probe(user=user, since=timezone.now() - timedelta(hours=24))
    elif request.source == "missed":
        include = missed_question_ids(user=user, exam=exam)
    elif request.source == "bookmarked":
        include = bookmarked_question_ids(user=user, exam=exam)
    elif request.source == "due":
        include = set(due_question_ids(user=user, exam=exam))
    return SelectionCriteria(
        exam=exam,
        objective_ids=request.objective_ids,
        difficulty_min=request.difficulty_min,
        difficulty_max=request.difficulty_max,
        include_ids=include,
        exclude_probe=probe,
    )


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
    if request.mode == StudySession.Mode.ADAPTIVE or request.source in ("missed", "due"):
        progress_catch_up(user=user)  # these draw on review schedules and mastery
    ids, reasons, deadline = _draw(user=user, exam=exam, request=request, rng=rng, now=now)
    items = [
        _new_item(position, question_id, kind, choice_ids, rng, reasons.get(question_id, ""))
        for position, (question_id, kind, choice_ids) in enumerate(question_choice_ids(ids), start=1)
    ]
    with transaction.atomic():
        # One start at a time per learner: two simultaneous starts must not both get the last
        # free simulation, and a double click on Start gives the session the first click made.
        # Where there is no row lock (SQLite, libSQL) the write transaction itself is the one
        # writer at a time: the lookup would lock nothing and only hold the writers' queue.
        if connection.features.has_select_for_update:
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        just_started = reuse_recent and next(iter(_just_started[request.mode](
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


# The newest unfinished session of a learner, exam and mode started since a moment: a double
# click on Start. Compiled once per process and mode (pingtopass/db/prepared.py), since it is
# looked up inside the start's write transaction.
_just_started = {
    mode: PreparedQuery(lambda user, exam, since, mode=mode: StudySession.objects.filter(
        user_id=user, exam_id=exam, mode=mode, status=StudySession.Status.IN_PROGRESS, started_at__gte=since,
    ).order_by("-started_at")[:1])
    for mode in StudySession.Mode.values
}


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
    elif request.mode == StudySession.Mode.ADAPTIVE:
        reasons = adaptive_selection(user=user, exam=exam, count=request.count, rng=rng)
        ids = list(reasons)
        rng.shuffle(ids)
    else:
        ids = question_sample(_criteria(user=user, exam=exam, request=request), request.count, rng=rng)
        if request.mode == StudySession.Mode.TIMED:
            per_question = exam.duration_minutes * 60 / exam.question_count
            deadline = now + timedelta(seconds=math.ceil(per_question * len(ids)))
    return ids, reasons, deadline


ADAPTIVE_DUE_SHARE, ADAPTIVE_NEW_SHARE = 0.4, 0.2  # the rest comes from the weakest objectives
ADAPTIVE_WEAK_OBJECTIVES = 3


def adaptive_selection(*, user, exam: Exam, count: int, rng: random.Random) -> dict[int, str]:
    """Question id → why it was chosen: due reviews first, then the weakest objectives, then a
    share of questions never seen; any shortfall is filled from the rest of the bank."""
    chosen: dict[int, str] = {}
    servable_due = set(Question.objects.servable().filter(exam=exam, pk__in=due_question_ids(user=user, exam=exam))
                       .values_list("pk", flat=True))
    for pk in [pk for pk in due_question_ids(user=user, exam=exam) if pk in servable_due][: round(count * ADAPTIVE_DUE_SHARE)]:
        chosen[pk] = "Due for review: spaced repetition says now is the time to see it again."
    weak_quota = count - len(chosen) - round(count * ADAPTIVE_NEW_SHARE)
    weak = weakest_objectives(user=user, exam=exam, limit=ADAPTIVE_WEAK_OBJECTIVES)
    per_objective = math.ceil(weak_quota / len(weak)) if weak else 0
    for objective, mastery in weak:
        take = min(per_objective, count - len(chosen) - round(count * ADAPTIVE_NEW_SHARE))
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


def _new_item(position: int, question_id: int, kind: str, choice_ids: list[int], rng: random.Random,
              reason: str = "") -> SessionItem:
    choice_order = list(choice_ids)
    match_order: list[int] = []
    if kind != Question.Type.TRUE_FALSE:
        rng.shuffle(choice_order)
    if kind == Question.Type.MATCHING:
        match_order = list(choice_ids)
        rng.shuffle(match_order)
    return SessionItem(position=position, question_id=question_id, choice_order=choice_order, match_order=match_order,
                       reason=reason[:120])


# --- answer ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerOutcome:
    item: SessionItem
    recorded: bool  # False when this was a repeat of an answer already saved


def _time_spent(item: SessionItem, client_seconds, now) -> float:
    try:
        seconds = float(client_seconds)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= MAX_CLIENT_SECONDS:
        seconds = (now - item.shown_at).total_seconds() if item.shown_at else 0.0
    return round(min(max(seconds, 0.0), MAX_CLIENT_SECONDS), 1)


def answer_record(
    *, item: SessionItem, data, client_seconds=None, confidence=None, entitlements: Entitlements | None = None
) -> AnswerOutcome:
    """Save the learner's answer to one item: one idempotent write.

    With instant feedback the first answer is final: a repeat (double click, resent form, back
    button) returns the saved answer unchanged. Without feedback (exam simulation, timed
    practice) the latest answer before submission wins. Answers after the deadline are refused
    and the session is submitted with what was answered.
    """
    session = item.session
    now = timezone.now()
    if session.is_finished:
        raise SessionError("This session is already finished; its answers can no longer change.")
    if session.is_expired(now):
        session_submit(session=session, expired=True)
        raise SessionExpired("Time is up. Your session was submitted with the answers you had given.")
    entitlements = entitlements or entitlements_for(session.user, now=now)
    decision = entitlements.can_answer(item)
    if not decision:
        raise UpgradeRequired(decision.message, decision.feature)
    first_answer = item.response is None
    question = item.question
    choices = list(question.choices.all())
    response = response_from_form(question, item.choice_order, item.match_order, data)
    correct = is_correct(question, choices, response)
    try:
        confidence = int(confidence) if confidence not in (None, "") else None
    except ValueError:
        confidence = None
    if confidence not in (None, *SessionItem.Confidence.values):
        raise InvalidAnswer("Confidence must be guessing, fairly sure or certain.")
    seconds = _time_spent(item, client_seconds, now)
    fields = {
        "response": response, "is_correct": correct, "answered_at": now, "time_spent_seconds": seconds,
        "confidence": confidence,
    }
    if not session.gives_instant_feedback:
        # Every visit adds its time, in the UPDATE itself: two saves of one item at once (two
        # tabs, a resent form) both count, where adding to the value read earlier kept one.
        fields["time_spent_seconds"] = Least(F("time_spent_seconds") + seconds, MAX_SECONDS_PER_ITEM)
        seconds = round(min(item.time_spent_seconds + seconds, MAX_SECONDS_PER_ITEM), 1)
    if session.gives_instant_feedback:
        fields["progress_pending"] = True  # final: folded into progress later (study.progress)
    rows = SessionItem.objects.filter(pk=item.pk)
    if session.gives_instant_feedback:
        rows = rows.filter(response__isnull=True)
    save = compiled_update(rows, fields)  # built before the transaction: the writers' queue is not held meanwhile
    with transaction.atomic():
        # The session row is locked first: a submit or the expiry task running at this moment
        # waits for this answer (and scores it), or this answer sees the session finished. Never
        # an answer saved after its session was scored.
        still_open = _open_session_locked(session=session.pk)
        recorded = bool(still_open) and save() == 1
        if recorded and first_answer and entitlements.counts_against_allowance(session):
            decision = entitlements.claim_answer(now)  # rolls this answer back when the day's allowance is gone
            if not decision:
                raise UpgradeRequired(decision.message, decision.feature)
        if recorded and session.gives_instant_feedback and item.position < session.question_total:
            # Practice moves on after feedback: resuming lands on the next question, which the
            # answered card carries (study.views._upcoming_card) without a write of its own.
            session.current_position = item.position + 1
            _move_to(session=session.pk, position=session.current_position)
        if recorded:
            for name, value in fields.items():
                setattr(item, name, value)
            item.time_spent_seconds = seconds
        else:
            item.refresh_from_db(fields=["response", "is_correct", "answered_at", "time_spent_seconds", "confidence"])
    return AnswerOutcome(item=item, recorded=recorded)


def item_mark_shown(*, item: SessionItem) -> None:
    """Remember where the learner is (resume lands here) and when the question appeared."""
    session = item.session
    if session.is_finished:
        return
    first_show = item.shown_at is None and item.response is None
    moved = session.current_position != item.position
    if not (first_show or moved):
        return
    with transaction.atomic():  # one write transaction, not two
        if first_show:
            item.shown_at = timezone.now()
            _mark_shown(item=item.pk, at=item.shown_at)
        if moved:
            session.current_position = item.position
            _move_to(session=session.pk, position=item.position)


# The session row an answer locks (FOR UPDATE where the database has it), compiled once per
# process (pingtopass/db/prepared.py) like the writes below.
_open_session_locked = PreparedQuery(
    lambda session: StudySession.objects.select_for_update()
    .filter(pk=session, status=StudySession.Status.IN_PROGRESS).only("pk").order_by()
)

# The two writes of showing a question, compiled once per process (pingtopass/db/prepared.py).
_mark_shown = PreparedUpdate(
    lambda item, at: (SessionItem.objects.filter(pk=item, shown_at__isnull=True), {"shown_at": at})
)
_move_to = PreparedUpdate(
    lambda session, position: (StudySession.objects.filter(pk=session), {"current_position": position})
)


def item_flag(*, item: SessionItem, flagged: bool) -> None:
    if item.session.is_finished:
        raise SessionError("This session is already finished.")
    SessionItem.objects.filter(pk=item.pk).update(flagged=flagged)
    item.flagged = flagged


# --- submit ---------------------------------------------------------------------------------
def session_submit(*, session: StudySession, expired: bool = False) -> StudySession:
    """Finish a session (idempotent): score it, write the report, count answers into question
    statistics for modes that did not count them as they came."""
    now = timezone.now()
    with transaction.atomic():
        claimed = StudySession.objects.filter(pk=session.pk, status=StudySession.Status.IN_PROGRESS).update(
            status=StudySession.Status.SUBMITTED, submitted_at=min(now, session.deadline) if session.deadline else now,
            expired=expired,
        )
        if not claimed:
            session.refresh_from_db()
            return session
        if session.gives_instant_feedback:
            # Practice answers are folded as they wait (study.progress), after this transaction.
            rows = list(session.items.values_list("question__objective_id", "is_correct", "response"))
        else:
            items = list(session.items.select_related("question"))
            for item in items:
                item.session = session
            progress_record_answers([item for item in items if item.response is not None])
            rows = [(item.question.objective_id, item.is_correct, item.response) for item in items]
        _score(session, rows)
        session.save(update_fields=["correct_count", "answered_count", "scaled_score", "passed", "report"])
    if session.gives_instant_feedback and session.user_id is not None:
        # Its answers, and any the learner left pending elsewhere: planned with no lock held,
        # then written in a short transaction of their own (study.progress).
        progress_catch_up(user=session.user)
    session.refresh_from_db()
    return session


def _score(session: StudySession, rows: list[tuple[int, bool | None, object]]) -> None:
    """The score and the report by domain and objective, from each item's (objective id,
    correct, response) and the exam's cached blueprint (in its order)."""
    exam = session.exam
    total = len(rows)
    correct = sum(1 for _, right, _ in rows if right)
    fraction = correct / total if total else 0.0
    session.correct_count = correct
    session.answered_count = sum(1 for _, _, response in rows if response is not None)
    session.scaled_score = round(exam.score_min + (exam.score_max - exam.score_min) * fraction)
    session.passed = session.scaled_score >= exam.passing_score
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # objective id → [correct, total]
    for objective_id, right, _ in rows:
        counts[objective_id][0] += 1 if right else 0
        counts[objective_id][1] += 1
    domains = []
    for order, domain in enumerate(_blueprint_with(exam, counts)):
        objectives = [
            {"number": o.number, "name": o.name, "correct": counts[o.id][0], "total": counts[o.id][1], "order": n}
            for n, o in enumerate(domain.objectives) if o.id in counts
        ]
        if objectives:
            domains.append({"number": domain.number, "name": domain.name, "order": order, "objectives": objectives,
                            "correct": sum(o["correct"] for o in objectives), "total": sum(o["total"] for o in objectives)})
    session.report = {"domains": domains}


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
    due = StudySession.objects.unfinished().filter(deadline__lte=timezone.now()).select_related("exam")
    if user is not None:
        due = due.filter(user=user)
    count = 0
    for session in due:
        session_submit(session=session, expired=True)
        count += 1
    return count


# --- bookmarks and reports ------------------------------------------------------------------
def bookmark_set(*, user, question: Question, bookmarked: bool, note: str = "") -> Bookmark | None:
    if not bookmarked:
        Bookmark.objects.filter(user=user, question=question).delete()
        return None
    bookmark, _ = Bookmark.objects.update_or_create(user=user, question=question, defaults={"note": note.strip()[:2000]})
    return bookmark


def feedback_report(*, user, question: Question, kind: str, message: str) -> QuestionFeedback:
    return QuestionFeedback.objects.create(user=user, question=question, kind=kind, message=message.strip())
