"""Whatever a client sends, the answer is a 4xx with a JSON error, never a 500."""

import pytest

from study.models import StudySession
from tests.api.conftest import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(signed_in_app, learner, start):
    return start(learner, mode=StudySession.Mode.EXAM)


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("POST", "/sessions", "{not json", 400, None),
    ("POST", "/sessions", "[1, 2]", 422, None),
    ("POST", "/sessions", {"exam": "PTP-100", "count": 10**40}, 422, "count"),
    ("POST", "/sessions", {"exam": "PTP-100", "count": "ten"}, 422, "count"),
    ("POST", "/sessions", {"exam": "PTP-100", "mode": "cram"}, 422, "mode"),
    ("POST", "/sessions", {"exam": "PTP-100", "objective_ids": [10**30]}, 422, "objective_ids.0"),
    ("POST", "/sessions", {"exam": "PTP-100", "objective_ids": [123456]}, 422, "objective_ids"),
    ("POST", "/sessions", {"exam": "PTP-100", "difficulty_min": 4, "difficulty_max": 2}, 422, "difficulty_max"),
    ("POST", "/sessions", {"exam": "PTP-100", "source": "retake"}, 422, "from_session"),
    ("POST", "/sessions", {"exam": "NOPE-1"}, 404, None),
    ("POST", "/sessions", {"exam": "PTP\x00100"}, 404, None),
    ("GET", "/sessions/99999999999999999999999", None, 422, "session_id"),
    ("GET", "/sessions/0", None, 422, "session_id"),
    ("GET", "/sessions/abc", None, 422, "session_id"),
    ("GET", "/sessions?limit=100000", None, 422, "limit"),
    ("GET", "/sessions/{sid}/questions/99", None, 404, None),
    ("GET", "/sessions/{sid}/questions/40000", None, 422, "position"),
    ("POST", "/sessions/{sid}/questions/1/answer", {"answer": {"choice": [99]}}, 422, "answer"),
    ("POST", "/sessions/{sid}/questions/1/answer", {"answer": {"choice": "A"}}, 422, "answer"),  # typed values are for table cells
    ("POST", "/sessions/{sid}/questions/1/answer", {"answer": {}, "seconds": "NaN"}, 422, "seconds"),
    ("POST", "/sessions/{sid}/questions/1/answer", {"answer": {"choice": [10**40]}}, 422, "answer"),
    ("POST", "/sessions/{sid}/questions/1/answer", {"answer": {"choice": [0]}, "confidence": 9}, 422, "confidence"),
    ("POST", "/sessions/{sid}/questions/1/bookmark", {"note": "x" * 2001}, 422, "note"),
    ("POST", "/sessions/{sid}/questions/1/report", {"kind": "typo", "message": "    hi    "}, 422, "message"),
    ("POST", "/sessions/{sid}/questions/1/flag", {"flagged": "perhaps"}, 422, "flagged"),
    ("GET", "/sessions/{sid}/results", None, 409, None),
    ("GET", "/sessions/{sid}/review?show=secret", None, 422, "show"),
    ("GET", "/exams/NOPE", None, 404, None),
])
def test_it_answers_bad_input_with_a_json_error(signed_in_app, session, method, path, body, status, field):
    raw = body if isinstance(body, str) else None
    response = signed_in_app.request(method, API + path.replace("{sid}", str(session.pk)),
                                     body if raw is None else None, raw=raw)
    assert response.status_code == status, response.content
    error = response.json()
    assert error["code"] and error["message"]
    if field is not None:
        assert (error["field"] or "").startswith(field), error


def test_a_finished_session_takes_no_more_answers(signed_in_app, session):
    signed_in_app.post(f"{API}/sessions/{session.pk}/submit")
    response = signed_in_app.post(f"{API}/sessions/{session.pk}/questions/1/answer", {"answer": {"choice": [0]}})
    assert response.status_code == 409
    assert response.json()["code"] == "session_closed"


def test_answers_are_throttled_as_on_the_site_with_retry_after(signed_in_app, session, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "2/60"}
    url = f"{API}/sessions/{session.pk}/questions/1/answer"
    codes = [signed_in_app.post(url, {"answer": {"choice": [0]}}).status_code for _ in range(3)]
    assert codes[-1] == 429
    last = signed_in_app.responses[-1]
    assert int(last["Retry-After"]) > 0 and last.json()["code"] == "throttled"


def test_a_free_learner_past_the_plan_gets_402_with_the_upgrade_url(signed_in_app, learner, start, settings):
    start(learner, mode=StudySession.Mode.EXAM)  # the free plan's one simulation of this exam
    response = signed_in_app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "exam"})
    assert response.status_code == 402, response.content
    error = response.json()
    assert error["code"] == "upgrade_required" and error["upgrade_url"].endswith("/pricing/")
    assert error["feature"] == "simulation"
