"""A view that raises OverflowError answers 400 with a page saying a number was too large, drawn
without the database, and one WARNING line naming the path (pingtopass/faults.py)."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.pingtopass.overflow_urls")]


def test_it_answers_400_for_a_number_too_large(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.post("/too-large/?objective=" + "9" * 40)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A number in this request is too large." in page and "Bad request" in page
    assert "Something went wrong" not in page


def test_it_logs_one_warning_with_the_path(client, caplog):
    caplog.set_level(logging.WARNING, logger="pingtopass.overflow")
    client.get("/too-large/", {"page": "9" * 40})
    [record] = [r for r in caplog.records if r.name == "pingtopass.overflow"]
    assert record.levelno == logging.WARNING and record.path == "/too-large/" and record.method == "GET"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_it_leaves_any_other_error_a_500():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
