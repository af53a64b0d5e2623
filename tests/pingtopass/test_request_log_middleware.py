import json
import logging
from io import StringIO

import pytest
from django.test import Client, override_settings

from pingtopass.logging import JsonFormatter
from tests.pingtopass.request_id_urls import log_line_task

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "pingtopass.request"]


def test_it_logs_one_structured_line_per_request_with_an_id(client, caplog):
    caplog.set_level(logging.INFO, logger="pingtopass.request")
    response = client.get("/health/")
    [record] = _request_records(caplog)
    assert record.levelno == logging.INFO
    assert (record.method, record.path, record.status) == ("GET", "/health/", 200)
    assert record.duration_ms >= 0
    assert response["X-Request-ID"] == record.request_id

    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/health/" and line["status"] == 200 and line["request_id"] == record.request_id


def test_it_keeps_a_sane_incoming_request_id_and_replaces_a_bad_one(client):
    assert client.get("/health/", HTTP_X_REQUEST_ID="abc12345-trace")["X-Request-ID"] == "abc12345-trace"
    replaced = client.get("/health/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32


def test_it_logs_slow_requests_at_warning(client, caplog):
    caplog.set_level(logging.INFO, logger="pingtopass.request")
    with override_settings(SLOW_REQUEST_MS=0):
        client.get("/health/")
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.slow is True


# --- The id on every line written for the request, and on its tasks' lines --------------------
URLS = "tests.pingtopass.request_id_urls"


@pytest.fixture
def log_lines(caplog):
    """What LOGGING's console handler writes (its filter and JSON formatter), one dict per line."""
    [handler] = [h for h in logging.getLogger("django.request").handlers if isinstance(h.formatter, JsonFormatter)]
    assert handler in logging.getLogger("pingtopass").handlers and handler in logging.getLogger().handlers
    caplog.set_level(logging.INFO, logger="pingtopass")  # the suite runs at WARNING: show the access lines
    stream = StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_it_puts_the_request_id_on_every_line_written_for_the_request(client, log_lines):
    # /health/ logs a warning when a check fails: here, a broker nobody listens on.
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:9/0"):
        response = client.get("/health/", HTTP_X_REQUEST_ID="trace-health-0001")
    assert response.status_code == 200 and response["X-Request-ID"] == "trace-health-0001"  # degraded
    lines = log_lines()
    # The check's warning, then the access line.
    assert [line["logger"] for line in lines] == ["pingtopass.health", "pingtopass.request"]
    assert "_check_broker failed" in lines[0]["message"]
    assert {line["request_id"] for line in lines} == {"trace-health-0001"}


@override_settings(ROOT_URLCONF=URLS)
def test_it_puts_the_request_id_on_the_error_line_of_a_view_that_raised(log_lines):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500 and b"Something went wrong" in response.content
    logging.getLogger("pingtopass.tests").warning("after the request")

    error, access, after = log_lines()
    assert error["logger"] == "django.request" and "RuntimeError: the view broke" in error["exc"]
    assert error["request_id"] == access["request_id"] == response["X-Request-ID"]
    assert after["message"] == "after the request" and after["request_id"] == "-"


@override_settings(ROOT_URLCONF=URLS)
def test_two_requests_carry_different_ids_and_a_line_between_requests_none(client, log_lines):
    first = client.get("/warn/")
    logging.getLogger("pingtopass.tests").warning("between requests")
    second = client.get("/warn/")

    ids = [(line["message"], line["request_id"]) for line in log_lines()]
    assert ids == [
        ("about to answer", first["X-Request-ID"]), ("request", first["X-Request-ID"]),
        ("between requests", "-"),
        ("about to answer", second["X-Request-ID"]), ("request", second["X-Request-ID"]),
    ]
    assert first["X-Request-ID"] != second["X-Request-ID"]


@override_settings(ROOT_URLCONF=URLS)
def test_a_task_run_in_process_logs_the_id_of_the_request_that_queued_it(client, log_lines, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # no broker: the task runs in the request
    response = client.get("/queue/", HTTP_X_REQUEST_ID="trace-queue-0001")
    logging.getLogger("pingtopass.tests").warning("after the request")

    *during, after = log_lines()
    assert "from the task" in [line["message"] for line in during]
    assert {line["request_id"] for line in during} == {response["X-Request-ID"]} == {"trace-queue-0001"}
    assert after["request_id"] == "-"


def test_a_task_queued_outside_any_request_logs_its_own_id(log_lines):
    result = log_line_task.delay("from beat")
    logging.getLogger("pingtopass.tests").warning("after the task")

    [task] = [line for line in log_lines() if line["message"] == "from beat"]
    assert task["request_id"] == result.id
    assert log_lines()[-1]["request_id"] == "-"
