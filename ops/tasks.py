from celery import shared_task

from ops.services import backup_take_daily


@shared_task(name="ops.backup_take_daily")
def backup_take_daily_task() -> str:
    """The daily backup (settings: CELERY_BEAT_SCHEDULE["backup-daily"]); safe to run twice."""
    return backup_take_daily()
