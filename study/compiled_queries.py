"""The study app's hot queries and writes, compiled once per process (pingtopass/db/prepared.py).

Each is written first as the plain ORM query it stands for (`*_query`), then compiled from it;
tests/study/test_compiled_queries.py checks that both give the same rows. Code that uses them
reads as if it ran the plain query. Why each is compiled (building it cost more than running it
on every answer) is measured in docs/performance-history.md.
"""

import functools

from django.db.models import Exists, F, OuterRef, Subquery

from exams.models import Question
from pingtopass.db.prepared import PreparedQuery, PreparedUpdate
from study.models import Bookmark, ObjectiveMastery, SessionItem, StudySession


# --- the question card ------------------------------------------------------------------------
def card_items(user_id: int):
    """Session items as the question card needs them: the question and its objective in the same
    query, the learner's bookmark on it as two columns (the choices come from exams' cache)."""
    bookmark = Bookmark.objects.filter(user_id=user_id, question=OuterRef("question_id"))
    return SessionItem.objects.select_related("question__objective").annotate(
        bookmarked=Exists(bookmark), bookmark_note=Subquery(bookmark.values("note")[:1])
    ).order_by()


def session_item_query(user: int, session: int, position: int):
    return card_items(user).filter(session_id=session, position=position)[:1]


def session_item_with_session_query(user: int, session: int, position: int):
    """The item with its session and exam, only where the session is the user's."""
    return card_items(user).select_related("session__exam").filter(
        session_id=session, session__user_id=user, position=position
    )[:1]


session_item = PreparedQuery(session_item_query)
session_item_with_session = PreparedQuery(session_item_with_session_query)


# --- starting, answering and showing ------------------------------------------------------------
def just_started_query(user: int, exam: int, since, mode: str):
    """The newest unfinished session of a learner, exam and mode started since a moment: a double
    click on Start."""
    return StudySession.objects.filter(
        user_id=user, exam_id=exam, mode=mode, status=StudySession.Status.IN_PROGRESS, started_at__gte=since,
    ).order_by("-started_at")[:1]


# A string is no prepared value, so there is one compiled query per mode.
just_started = {
    mode: PreparedQuery(functools.partial(just_started_query, mode=mode)) for mode in StudySession.Mode.values
}


def open_session_locked_query(session: int):
    """The session row an answer locks (FOR UPDATE where the database has it), if still open."""
    return StudySession.objects.select_for_update().filter(
        pk=session, status=StudySession.Status.IN_PROGRESS).only("pk").order_by()


open_session_locked = PreparedQuery(open_session_locked_query)


def mark_shown_update(item: int, at):
    return SessionItem.objects.filter(pk=item, shown_at__isnull=True), {"shown_at": at}


def move_to_update(session: int, position: int):
    return StudySession.objects.filter(pk=session), {"current_position": position}


mark_shown = PreparedUpdate(mark_shown_update)
move_to = PreparedUpdate(move_to_update)


# --- folding answers into progress --------------------------------------------------------------
def pending_of(user_id: int):
    """A learner's practice answers not yet folded into progress."""
    return SessionItem.objects.filter(progress_pending=True, session__user_id=user_id)


def pending_probe_query(user: int):
    return pending_of(user).only("pk").order_by()[:1]


pending_probe = PreparedQuery(pending_probe_query)


def add_answers_update(question: int, answered: int, correct: int, seconds: float):
    """A question's answer statistics, added to."""
    return Question.objects.filter(pk=question), {
        "times_answered": F("times_answered") + answered, "times_correct": F("times_correct") + correct,
        "total_answer_seconds": F("total_answer_seconds") + seconds,
    }


def set_mastery_update(pk: int, theta: float, variance: float, answered: int, correct: int, last_answer_at):
    return ObjectiveMastery.objects.filter(pk=pk), {
        "theta": theta, "variance": variance, "answered": answered, "correct": correct, "last_answer_at": last_answer_at,
    }


add_answers = PreparedUpdate(add_answers_update)
set_mastery = PreparedUpdate(set_mastery_update)


def bump_update(model, adds: tuple[str, ...], sets: tuple[str, ...], where: tuple[str, ...], **values):
    """Add to counters of a model's rows (and set other fields), by named values:
    `where_<field>`, `add_<field>`, `set_<field>`."""
    return (
        model.objects.filter(**{k: values[f"where_{k}"] for k in where}),
        {**{k: F(k) + values[f"add_{k}"] for k in adds}, **{k: values[f"set_{k}"] for k in sets}},
    )


@functools.cache
def bump(model, adds: tuple[str, ...], sets: tuple[str, ...], where: tuple[str, ...]) -> PreparedUpdate:
    """`bump_update` for one model and set of fields, compiled once per process."""
    return PreparedUpdate(functools.partial(bump_update, model, adds, sets, where))
