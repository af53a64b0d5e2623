"""Pausing timed practice: the clock stands still on the server while the questions are hidden.
An exam simulation cannot pause, as the real exam cannot."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from study.models import StudySession
from study.services.errors import SessionError
from study.services.submit import session_expire_if_due


def session_pause(*, session: StudySession) -> StudySession:
    """Stop the session's clock (idempotent)."""
    session = session_expire_if_due(session=session)
    if session.is_finished:
        raise SessionError("This session is already finished.")
    if not session.can_pause:
        raise SessionError("An exam simulation cannot be paused, as the real exam cannot." if session.deadline
                           else "Practice without a timer has no clock to pause: leave and come back at any time.")
    now = timezone.now()
    with transaction.atomic():
        if StudySession.objects.filter(pk=session.pk, paused_at__isnull=True, status=StudySession.Status.IN_PROGRESS
                                       ).update(paused_at=now):
            session.paused_at = now
        else:
            session.refresh_from_db(fields=["paused_at", "status"])
    return session


def session_unpause(*, session: StudySession) -> StudySession:
    """Start the clock again where it stopped: the deadline moves on by the pause (idempotent)."""
    with transaction.atomic():
        locked = StudySession.objects.select_for_update().get(pk=session.pk)
        if locked.paused_at is not None:
            pause = max(timezone.now() - locked.paused_at, timedelta(0))
            locked.deadline += pause
            locked.paused_seconds += pause.total_seconds()
            locked.paused_at = None
            locked.save(update_fields=["deadline", "paused_seconds", "paused_at"])
    session.deadline, session.paused_seconds, session.paused_at = locked.deadline, locked.paused_seconds, None
    return session
