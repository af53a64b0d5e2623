import json
import logging

import pytest
from django.test import override_settings

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

    from pingtopass.logging import JsonFormatter

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
