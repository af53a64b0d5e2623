"""A test-only URLconf for tests/pingtopass/test_request_log_middleware.py: a view that logs,
one that queues a task, one that raises."""

import logging

from celery import shared_task
from django.http import HttpResponse
from django.urls import include, path

logger = logging.getLogger("pingtopass.tests")


@shared_task(name="tests.log_line")
def log_line_task(text: str) -> None:
    logger.warning(text)


def warn(request):
    logger.warning("about to answer")
    return HttpResponse("warned")


def queue(request):
    log_line_task.delay("from the task")
    return HttpResponse("queued")


def boom(request):
    raise RuntimeError("the view broke")


# The project's pages too: the error page links to them.
urlpatterns = [path("warn/", warn), path("queue/", queue), path("boom/", boom), path("", include("pingtopass.urls"))]
handler500 = "pingtopass.views.server_error"
