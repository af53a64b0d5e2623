"""/metrics: Prometheus's text format for the allowed addresses or a bearer token; to anyone else
the address does not exist."""

import pytest

from study.services import SessionRequest, answer_record, session_start
from tests.answers import correct_post_data

pytestmark = pytest.mark.django_db


def test_an_allowed_address_reads_the_figures(client, learner, test_exam):
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=2))
    item = session.items.first()
    answer_record(item=item, data=correct_post_data(item))
    client.get("/exams/")  # a request for the route timings
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE ptp_answers_last_day gauge\nptp_answers_last_day 1\n" in text
    assert "ptp_sessions_open 1\n" in text and "ptp_users " in text
    assert 'ptp_requests_last_hour{route="study:exam_list"}' in text
    assert "ptp_backup_last_failed 0" in text


def test_anyone_else_gets_not_found_unless_they_send_the_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_without_a_token_set_no_header_opens_it(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
