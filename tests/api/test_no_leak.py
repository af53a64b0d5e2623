"""Nothing an API response carries before an answer is marked (practice) or the session is
submitted (exam simulation, timed practice) tells which choice is right: no correctness, no
explanation, no choice id; the same for a batch of questions, always."""

import json

import pytest

from study.models import SessionItem, StudySession
from tests.answers import correct_post_data, wrong_post_data
from tests.api.conftest import API
from tests.api.test_learner_loop import as_json_answer

pytestmark = pytest.mark.django_db

TELLING_KEYS = {"is_correct", "correct", "explanation", "explanation_html", "match_text", "mark", "summary"}
CHOICE_KEYS = {"index", "letter", "text", "picked", "position", "match", "struck"}


def walk(value, path=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield path, key, inner
            yield from walk(inner, (*path, key))
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner, path)


def assert_tells_nothing(response, items):
    body = response.content.decode()
    payload = json.loads(body)
    for path, key, value in walk(payload):
        if key in TELLING_KEYS and not (path[-1:] == ("score",)):
            raise AssertionError(f"{key} in {response.request['PATH_INFO']}: {body[:300]}")
        if key == "feedback":
            assert value is None, body
        if key == "choices":
            for choice in value:
                assert set(choice) <= CHOICE_KEYS, choice
    for item in items:
        question = item.question
        for secret in [question.explanation, *(c.explanation for c in question.choices.all())]:
            assert secret not in body


@pytest.mark.parametrize("mode", [StudySession.Mode.EXAM, StudySession.Mode.TIMED])
def test_nothing_tells_right_from_wrong_until_the_session_is_submitted(signed_in_app, test_exam, mode):
    app = signed_in_app
    session = app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": mode, "count": 8}).json()
    sid = session["id"]
    items = list(SessionItem.objects.filter(session_id=sid).select_related("question"))
    app.responses.clear()
    app.get(f"{API}/sessions")
    app.get(f"{API}/sessions/{sid}")
    app.get(f"{API}/sessions/{sid}/current")
    for n, item in enumerate(items):
        position = item.position
        app.get(f"{API}/sessions/{sid}/questions/{position}")
        answer = correct_post_data(item) if n % 2 else wrong_post_data(item)
        app.post(f"{API}/sessions/{sid}/questions/{position}/answer", {"answer": as_json_answer(answer)})
        app.post(f"{API}/sessions/{sid}/questions/{position}/answer", {"answer": {"choice": [99]}})  # refused
        app.post(f"{API}/sessions/{sid}/questions/{position}/flag", {"flagged": True})
        app.post(f"{API}/sessions/{sid}/questions/{position}/bookmark", {"note": "look again"})
        app.get(f"{API}/sessions/{sid}/questions/{position}")
    app.get(f"{API}/sessions/{sid}/results")  # 409 until submitted
    app.get(f"{API}/sessions/{sid}/review")
    app.get(f"{API}/sessions/{sid}")
    app.get(f"{API}/sessions")
    assert len(app.responses) > 5 * len(items)
    for response in app.responses:
        assert_tells_nothing(response, items)

    app.post(f"{API}/sessions/{sid}/submit")
    review = app.get(f"{API}/sessions/{sid}/review").json()
    assert all(entry["feedback"]["explanation"] for entry in review)  # now it may


def test_practice_tells_nothing_before_each_answer(signed_in_app, test_exam):
    app = signed_in_app
    session = app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "practice", "count": 8}).json()
    sid = session["id"]
    for item in SessionItem.objects.filter(session_id=sid).select_related("question"):
        before = app.get(f"{API}/sessions/{sid}/questions/{item.position}")
        assert_tells_nothing(before, [item])
        after = app.post(f"{API}/sessions/{sid}/questions/{item.position}/answer",
                         {"answer": as_json_answer(wrong_post_data(item))})
        assert after.json()["question"]["feedback"]["correct"] is False


def test_a_batch_never_carries_the_answer_key(signed_in_app, test_exam):
    response = signed_in_app.post(f"{API}/questions/batch", {"exam": "PTP-100", "count": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["questions"]) == 8 and body["retrieved_in_ms"] >= 0
    items = [SessionItem(question=q) for q in test_exam.questions.all()]
    assert_tells_nothing(response, items)


def test_progress_and_the_export_are_the_same_for_a_right_and_a_wrong_answer_until_submitted(signed_in_app, test_exam):
    """An open exam simulation's answers count in progress only once it is submitted, and the
    export withholds their marks: saving a right answer, then a wrong one, changes nothing either
    tells, apart from the learner's own pick (in words) and when it was given."""
    app = signed_in_app
    sid = app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "exam"}).json()["id"]
    item = SessionItem.objects.select_related("question").get(session_id=sid, position=1)

    def everything_after(answer: dict) -> list:
        app.post(f"{API}/sessions/{sid}/questions/1/answer", {"answer": as_json_answer(answer)})
        export = app.post(f"{API}/account/export").json()
        export.pop("exported_at")
        for session in export["study"]["sessions"]:
            for given in session["answers"]:
                for own in ("answer", "answered_at", "time_spent_seconds"):
                    given.pop(own)
        return [app.get(f"{API}/progress").json(), app.get(f"{API}/progress/PTP-100").json(), export]

    right = everything_after(correct_post_data(item))
    assert SessionItem.objects.get(pk=item.pk).is_correct is True
    wrong = everything_after(wrong_post_data(item))
    assert SessionItem.objects.get(pk=item.pk).is_correct is False  # saved, and marked wrong where nobody sees it

    assert right == wrong
    assert right[2]["study"]["sessions"][0]["correctness_withheld"] is True
