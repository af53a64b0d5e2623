from celery import shared_task

from study.progress import progress_catch_up_stale
from study.services import sessions_expire_due


@shared_task(name="study.sessions_expire_due")
def sessions_expire_due_task() -> int:
    """Submit timed sessions whose deadline has passed, so abandoned exams get their results."""
    return sessions_expire_due()


@shared_task(name="study.progress_catch_up_stale")
def progress_catch_up_stale_task() -> int:
    """Fold practice answers left pending in sessions nobody came back to."""
    return progress_catch_up_stale()
