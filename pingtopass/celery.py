import os

from celery import Celery, signals

from pingtopass.logging import NO_REQUEST, request_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingtopass.settings")

app = Celery("pingtopass")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task queued while a request is served carries the request's id in its message headers, and
# every line logged while the task runs carries it too, so one id follows the work from the web
# process into the worker (and into any task that task queues). A task nobody's request queued
# (beat, a management command) goes by its own task id instead.
REQUEST_ID_HEADER = "request_id"


@signals.before_task_publish.connect
def _request_id_to_headers(headers, **kwargs):
    request_id = request_id_var.get()
    if request_id != NO_REQUEST:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect
def _request_id_enter(task, task_id, **kwargs):
    # Run in-process (CELERY_TASK_ALWAYS_EAGER) nothing is published: the caller's id goes on.
    current = request_id_var.get()
    carried = task.request.get(REQUEST_ID_HEADER) or (current if current != NO_REQUEST else task_id)
    task.request.request_id_token = request_id_var.set(carried)


@signals.task_postrun.connect
def _request_id_leave(task, **kwargs):
    token = vars(task.request).pop("request_id_token", None)
    if token is not None:
        request_id_var.reset(token)
