"""A learner's marks on questions: flags within a session, bookmarks with notes, reports to moderators."""

from exams.models import Question
from study.models import Bookmark, QuestionFeedback, SessionItem
from study.services.errors import SessionError


def item_flag(*, item: SessionItem, flagged: bool) -> None:
    if item.session.is_finished:
        raise SessionError("This session is already finished.")
    SessionItem.objects.filter(pk=item.pk).update(flagged=flagged)
    item.flagged = flagged


def bookmark_set(*, user, question: Question, bookmarked: bool, note: str = "") -> Bookmark | None:
    if not bookmarked:
        Bookmark.objects.filter(user=user, question=question).delete()
        return None
    bookmark, _ = Bookmark.objects.update_or_create(user=user, question=question, defaults={"note": note.strip()[:2000]})
    return bookmark


def feedback_report(*, user, question: Question, kind: str, message: str) -> QuestionFeedback:
    return QuestionFeedback.objects.create(user=user, question=question, kind=kind, message=message.strip())


def item_strike(*, item: SessionItem, index: int) -> bool:
    """Strike out the choice shown at this index as eliminated, or bring it back; returns whether
    it is struck now. Only while the item can still be answered."""
    session = item.session
    if session.is_finished or (item.is_answered and session.gives_instant_feedback):
        raise SessionError("This question can no longer change.")
    if not 0 <= index < len(item.choice_order):
        raise SessionError("That choice is not one of this question's options.")
    choice_id = item.choice_order[index]
    struck = [pk for pk in item.struck if pk != choice_id]
    if len(struck) == len(item.struck):
        struck.append(choice_id)
    SessionItem.objects.filter(pk=item.pk).update(struck=struck)
    item.struck = struck
    return choice_id in struck
