"""Every API operation runs a bounded number of queries whatever the data size: the same bound
holds with a small and a large question bank and history (as tests/study/test_query_bounds.py
holds the pages to theirs). Each bound counts the app's sign-in too: its token's session, read
from the database when the cache misses, and its learner."""

import pytest

from exams.models import Question
from study.models import Bookmark, StudySession
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data
from tests.api.conftest import API
from tests.api.test_learner_loop import as_json_answer
from tests.factories import QuestionFactory, pro_subscription

pytestmark = pytest.mark.django_db

BOUNDS = {
    "GET /exams": 3, "GET /exams/{code}": 3, "POST /sessions": 16, "GET /sessions": 6,
    "GET /sessions/{session_id}": 5, "GET /sessions/{session_id}/current": 9,
    "GET /sessions/{session_id}/questions/{position}": 10, "POST /sessions/{session_id}/questions/{position}/answer": 13,
    "POST /sessions/{session_id}/questions/{position}/terminal": 9,
    "POST /sessions/{session_id}/questions/{position}/flag": 6,
    "POST /sessions/{session_id}/questions/{position}/bookmark": 12,
    "POST /sessions/{session_id}/questions/{position}/report": 6, "POST /sessions/{session_id}/submit": 52,
    "GET /sessions/{session_id}/results": 5, "GET /sessions/{session_id}/review": 6,
    "POST /questions/batch": 14, "GET /progress": 14, "GET /progress/{code}": 7,
    "POST /account/export": 24, "POST /account/delete": 46,
}
UNBOUNDED = {"GET /health"}  # the site's own health check, which opens connections of its own


@pytest.fixture(params=["small", "large"])
def history(request, learner, test_exam):
    pro_subscription(learner)
    extra, sessions = (0, 1) if request.param == "small" else (120, 6)
    objective = test_exam.domains.first().objectives.first()
    # A CLI lab for the terminal, in a session of its own; then withdrawn, so that the other
    # sessions, answered here by tests.answers, draw none.
    lab = QuestionFactory(objective=objective, type=Question.Type.CLI, points=2, stem="A CLI lab.")
    Bookmark.objects.create(user=learner, question=lab)
    labs = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=1,
                                                                               source="bookmarked"))
    lab.is_active = False
    lab.save()
    for i in range(extra):
        QuestionFactory(objective=objective, stem=f"bulk {i}", difficulty=1 + i % 5)
    done = None
    for _ in range(sessions):
        done = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
        for item in done.items.all():
            answer_record(item=item, data=correct_post_data(item))
        session_submit(session=done)
    practice = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
    current = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    return test_exam, done, practice, current, labs


def documented_operations(app) -> set[str]:
    paths = app.get(f"{API}/openapi.json").json()["paths"]
    return {f"{method.upper()} {path.removeprefix(API)}" for path, methods in paths.items() for method in methods}


def test_every_operation_stays_within_its_query_bound(signed_in_app, history, django_assert_max_num_queries, password):
    exam, done, practice, current, labs = history
    app = signed_in_app
    item = current.items.get(position=2)
    s, c = f"{API}/sessions", f"{API}/sessions/{current.pk}"
    calls = {
        "GET /exams": lambda: app.get(f"{API}/exams"),
        "GET /exams/{code}": lambda: app.get(f"{API}/exams/{exam.code}"),
        "POST /sessions": lambda: app.post(s, {"exam": exam.code, "mode": "practice", "count": 20}),
        "GET /sessions": lambda: app.get(s),
        "GET /sessions/{session_id}": lambda: app.get(c),
        "GET /sessions/{session_id}/current": lambda: app.get(f"{c}/current"),
        "GET /sessions/{session_id}/questions/{position}": lambda: app.get(f"{c}/questions/3"),
        "POST /sessions/{session_id}/questions/{position}/answer": lambda: app.post(
            f"{c}/questions/2/answer", {"answer": as_json_answer(correct_post_data(item))}),
        "POST /sessions/{session_id}/questions/{position}/terminal": lambda: app.post(
            f"{s}/{labs.pk}/questions/1/terminal", {"device": "R1", "line": "enable"}),
        "POST /sessions/{session_id}/questions/{position}/flag": lambda: app.post(f"{c}/questions/2/flag", {"flagged": True}),
        "POST /sessions/{session_id}/questions/{position}/bookmark": lambda: app.post(f"{c}/questions/2/bookmark", {"note": "n"}),
        "POST /sessions/{session_id}/questions/{position}/report": lambda: app.post(
            f"{c}/questions/2/report", {"kind": "typo", "message": "A typo in the stem."}),
        "POST /sessions/{session_id}/submit": lambda: app.post(f"{s}/{practice.pk}/submit"),
        "GET /sessions/{session_id}/results": lambda: app.get(f"{s}/{done.pk}/results"),
        "GET /sessions/{session_id}/review": lambda: app.get(f"{s}/{done.pk}/review?show=all"),
        "POST /questions/batch": lambda: app.post(f"{API}/questions/batch", {"exam": exam.code, "count": 65}),
        "GET /progress": lambda: app.get(f"{API}/progress"),
        "GET /progress/{code}": lambda: app.get(f"{API}/progress/{exam.code}"),
        "POST /account/export": lambda: app.post(f"{API}/account/export"),
        "POST /account/delete": lambda: app.post(f"{API}/account/delete", {"password": password,
                                                                            "confirm": "delete my account"}),
    }
    assert set(calls) == set(BOUNDS) == documented_operations(app) - UNBOUNDED  # a new operation needs a bound

    # Warm the caches like a running site: the blueprint and catalogue. Question choices are not
    # warmed: a batch of questions this process never served reads theirs in one query.
    app.get(f"{API}/exams")
    statuses = {}
    for name, call in calls.items():  # in this order: the account is deleted last
        if name == "POST /sessions/{session_id}/submit":  # twenty answers left pending for the submit to fold
            for answered in practice.items.all():
                answer_record(item=answered, data=correct_post_data(answered))
        with django_assert_max_num_queries(BOUNDS[name], info=name):
            statuses[name] = call().status_code

    assert statuses == {name: 201 if name in ("POST /sessions", "POST /sessions/{session_id}/questions/{position}/report")
                        else 204 if name == "POST /account/delete" else 200 for name in calls}
    item.refresh_from_db()
    assert item.is_correct and item.flagged
    practice.refresh_from_db()
    assert practice.is_finished and practice.answered_count == practice.question_total
    assert not StudySession.objects.filter(user__isnull=False).exists()  # the account went, its sessions stayed
