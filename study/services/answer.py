"""Where an answer is checked, graded and saved: `answer_record` in three named steps, and
`item_mark_shown` (where the learner is, and when a question first appeared)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from billing.entitlements import Entitlements, entitlements_for
from exams.question_types import InvalidAnswer
from pingtopass.db.prepared import compiled_update
from study import compiled_queries as compiled
from study.models import SessionItem
from study.services.errors import SessionError, SessionExpired, UpgradeRequired
from study.services.submit import session_submit

MAX_CLIENT_SECONDS = 60 * 60  # a reported time per question above an hour is not believable
MAX_SECONDS_PER_ITEM = MAX_CLIENT_SECONDS * 3  # what revisits of one question add up to at most


@dataclass(frozen=True)
class AnswerOutcome:
    item: SessionItem
    recorded: bool  # False when this was a repeat of an answer already saved


@dataclass(frozen=True)
class GradedAnswer:
    response: object  # what is stored: choice ids, an order of ids, or pairs of ids
    score: float  # 0 to 1, from the question's type
    confidence: int | None

    @property
    def is_correct(self) -> bool:
        return self.score >= 1


def answer_record(
    *, item: SessionItem, data, client_seconds=None, confidence=None, entitlements: Entitlements | None = None
) -> AnswerOutcome:
    """Save the learner's answer to one item: one idempotent write.

    With instant feedback the first answer is final: a repeat (double click, resent form, back
    button) returns the saved answer unchanged. Without feedback (exam simulation, timed
    practice) the latest answer before submission wins. Answers after the deadline are refused
    and the session is submitted with what was answered.
    """
    now = timezone.now()
    entitlements = answer_check(item=item, now=now, entitlements=entitlements)
    graded = answer_grade(item=item, data=data, confidence=confidence)
    return answer_save(item=item, graded=graded, client_seconds=client_seconds, now=now, entitlements=entitlements)


def answer_check(*, item: SessionItem, now, entitlements: Entitlements | None = None) -> Entitlements:
    """May this item be answered now? The session is open and within its time (one past its
    deadline is submitted here), and the learner's plan allows another answer."""
    session = item.session
    session_check_open(session=session, now=now, finished="its answers can no longer change", paused="answer")
    entitlements = entitlements or entitlements_for(session.user, now=now)
    decision = entitlements.can_answer(item)
    if not decision:
        raise UpgradeRequired(decision.message, decision.feature)
    return entitlements


def session_check_open(*, session, now, finished: str, paused: str) -> None:
    """Refuse work on a session that is finished, paused or out of time (which submits it);
    `finished` and `paused` end the messages ("its answers can no longer change", "answer")."""
    if session.is_finished:
        raise SessionError(f"This session is already finished; {finished}.")
    if session.is_expired(now):
        session_submit(session=session, expired=True)
        raise SessionExpired("Time is up. Your session was submitted with the answers you had given.")
    if session.is_paused:
        raise SessionError(f"This session is paused: resume it to {paused}.")


def answer_grade(*, item: SessionItem, data, confidence=None) -> GradedAnswer:
    """Read the submitted answer as the question's type reads it and grade it; InvalidAnswer
    says what is wrong with it."""
    question = item.question
    kind = question.kind
    response = kind.parse(data, choice_order=item.choice_order, match_order=item.match_order,
                          choose_count=question.choose_count, question=question, draft=item.draft)
    try:
        confidence = int(confidence) if confidence not in (None, "") else None
    except ValueError:
        confidence = None
    if confidence not in (None, *SessionItem.Confidence.values):
        raise InvalidAnswer("Confidence must be guessing, fairly sure or certain.")
    return GradedAnswer(response=response, score=kind.score(list(question.choices.all()), response, question=question),
                        confidence=confidence)


def _time_spent(item: SessionItem, client_seconds, now) -> float:
    try:
        seconds = float(client_seconds)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= MAX_CLIENT_SECONDS:
        seconds = (now - item.shown_at).total_seconds() if item.shown_at else 0.0
    return round(min(max(seconds, 0.0), MAX_CLIENT_SECONDS), 1)


def answer_save(
    *, item: SessionItem, graded: GradedAnswer, client_seconds, now, entitlements: Entitlements
) -> AnswerOutcome:
    """Write a graded answer: once with instant feedback, the latest otherwise; counted against
    a free plan's day; practice moves on to the next question."""
    session = item.session
    first_answer = item.response is None
    seconds = _time_spent(item, client_seconds, now)
    fields = {
        "response": graded.response, "is_correct": graded.is_correct, "score": graded.score, "answered_at": now,
        "time_spent_seconds": seconds, "confidence": graded.confidence,
    }
    rows = SessionItem.objects.filter(pk=item.pk)
    if session.gives_instant_feedback:
        fields["progress_pending"] = True  # final: folded into progress later (study.progress)
        rows = rows.filter(response__isnull=True)
    else:
        # Every visit adds its time, in the UPDATE itself: two saves of one item at once (two
        # tabs, a resent form) both count, where adding to the value read earlier kept one.
        fields["time_spent_seconds"] = Least(F("time_spent_seconds") + seconds, MAX_SECONDS_PER_ITEM)
        seconds = round(min(item.time_spent_seconds + seconds, MAX_SECONDS_PER_ITEM), 1)
    save = compiled_update(rows, fields)  # built before the transaction: the writers' queue is not held meanwhile
    with transaction.atomic():
        # The session row is locked first: a submit or the expiry task running at this moment
        # waits for this answer (and scores it), or this answer sees the session finished. Never
        # an answer saved after its session was scored.
        still_open = compiled.open_session_locked(session=session.pk)
        recorded = bool(still_open) and save() == 1
        if recorded and first_answer and entitlements.counts_against_allowance(session):
            decision = entitlements.claim_answer(now)  # rolls this answer back when the day's allowance is gone
            if not decision:
                raise UpgradeRequired(decision.message, decision.feature)
        if recorded and session.gives_instant_feedback and item.position < session.question_total:
            # Practice moves on after feedback: resuming lands on the next question, which the
            # answered card carries (study.views.card) without a write of its own.
            session.current_position = item.position + 1
            compiled.move_to(session=session.pk, position=session.current_position)
        if recorded:
            for name, value in fields.items():
                setattr(item, name, value)
            item.time_spent_seconds = seconds
        else:
            item.refresh_from_db(fields=["response", "is_correct", "score", "answered_at", "time_spent_seconds", "confidence"])
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
            compiled.mark_shown(item=item.pk, at=item.shown_at)
        if moved:
            session.current_position = item.position
            compiled.move_to(session=session.pk, position=item.position)
