"""Celery tasks of the growth system: each loads by id, calls its service, returns; all are safe to
run twice. A 429 defers the task until X's reset; a network error is retried with backoff a
bounded number of times; a 402 or a usage cap pauses the account (no retry loop)."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from growth import services
from growth.models import XAccount
from growth.xapi import NetworkError, RateLimited, XError
from pingtopass.queue import enqueue

logger = logging.getLogger("pingtopass.growth")


def _retry_later(task, exc: XError):
    """Raise the task's retry: at X's reset for a 429, with backoff for a network error. Run in-process
    (no broker), a retry would run again at once, so the task ends and beat's next round comes back."""
    if task.request.is_eager:
        return f"deferred: {exc}"
    if isinstance(exc, RateLimited):
        countdown = max(1, int((exc.reset_at - timezone.now()).total_seconds()) + 1)
        raise task.retry(exc=exc, countdown=countdown, max_retries=None)
    retries = task.request.retries
    if retries >= settings.GROWTH_X_NETWORK_RETRIES:
        logger.warning("%s gave up after %s retries: %s", task.name, retries, exc)
        return f"gave up: {exc}"
    raise task.retry(exc=exc, countdown=settings.GROWTH_X_RETRY_BASE_SECONDS * 2**retries,
                     max_retries=settings.GROWTH_X_NETWORK_RETRIES)


@shared_task(name="growth.account_ingest", bind=True, acks_late=True)
def account_ingest_task(self, account_id: int) -> dict:
    try:
        result = services.account_ingest(account_id=account_id)
    except (RateLimited, NetworkError) as exc:
        return _retry_later(self, exc)
    except XAccount.DoesNotExist:
        return {"stopped": "no such account"}
    return {"found": result.found, "opportunities": result.opportunities, "searches": result.searches,
            "stopped": result.stopped}


@shared_task(name="growth.ingest_due")
def ingest_due_task() -> list[int]:
    """On beat: read mentions and due searches of every account that may read now."""
    return [account_id for account_id in services.ingest_due() if enqueue(account_ingest_task, account_id)]


@shared_task(name="growth.draft_post", bind=True, acks_late=True)
def draft_post_task(self, draft_id: int) -> str:
    try:
        return services.draft_post(draft_id=draft_id).status
    except RateLimited as exc:
        return _retry_later(self, exc)
    except XError as exc:  # the draft holds the reason; a network error is never retried: it may have gone out
        return f"not posted: {exc}"


@shared_task(name="growth.posts_publish_due")
def posts_publish_due_task() -> dict:
    return services.posts_publish_due()


@shared_task(name="growth.opportunities_expire")
def opportunities_expire_task() -> int:
    return services.opportunities_expire()


@shared_task(name="growth.tokens_refresh_due")
def tokens_refresh_due_task() -> list[int]:
    return services.tokens_refresh_due()


@shared_task(name="growth.metrics_collect")
def metrics_collect_task() -> dict:
    """On beat: today's metrics for every connected account (costs even when X cannot be read)."""
    done = {}
    for account in XAccount.objects.exclude(status=XAccount.Status.NOT_CONNECTED):
        result = services.metrics_collect(account_id=account.pk)
        done[account.username] = result if isinstance(result, str) else "ok"
    return done


@shared_task(name="growth.evergreen_recycle")
def evergreen_recycle_task() -> list[int]:
    return services.evergreen_recycle()


@shared_task(name="growth.posts_purge")
def posts_purge_task() -> int:
    return services.posts_purge()
