import pytest

from exams.models import Question
from exams.question_types import TYPES
from study.models import ReviewCard, SessionItem, StudySession
from study.progress import progress_catch_up
from tests.answers import correct_post_data
from tests.api.conftest import API
from tests.api.test_learner_loop import as_json_answer

pytestmark = pytest.mark.django_db


def test_it_draws_from_the_objectives_asked_and_leaves_out_the_excluded(signed_in_app, test_exam):
    objective = test_exam.domains.order_by("position").first().objectives.order_by("position").first()
    in_objective = set(Question.objects.servable().filter(objective=objective).values_list("pk", flat=True))
    excluded = sorted(in_objective)[:1]
    body = signed_in_app.post(f"{API}/questions/batch", {
        "exam": "PTP-100", "objectives": [objective.number], "count": 100, "exclude": excluded}).json()
    got = {q["id"] for q in body["questions"]}
    assert got == in_objective - set(excluded)


def test_every_type_has_its_choices_and_match_options(signed_in_app, test_exam):
    body = signed_in_app.post(f"{API}/questions/batch", {"exam": "PTP-100", "count": 100}).json()
    by_type = {q["type"]: q for q in body["questions"]}
    assert set(by_type) == {key for key, kind in TYPES.items() if kind.uses_choices}  # the test seed's; PBQs: their own tests
    assert all(len(q["choices"]) >= 2 for q in body["questions"])
    assert by_type["matching"]["match_options"] and not by_type["single"]["match_options"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"exam": "PTP-100", "count": 101}, "count"),
    ({"exam": "PTP-100", "count": 0}, "count"),
    ({"exam": "PTP-100", "objectives": ["9.9"]}, "objectives"),
    ({"exam": "PTP-100", "exclude": [10**30]}, "exclude.0"),
    ({"exam": "PTP-100", "count": "many"}, "count"),
])
def test_it_refuses_what_it_cannot_do_with_the_field(signed_in_app, test_exam, payload, field):
    response = signed_in_app.post(f"{API}/questions/batch", payload)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def test_a_batch_is_answered_through_a_session_that_asks_it_in_its_order(signed_in_app, test_exam, learner):
    batch = signed_in_app.post(f"{API}/questions/batch", {"exam": "PTP-100", "count": 5}).json()["questions"]
    ids = [q["id"] for q in batch]

    started = signed_in_app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "practice", "question_ids": ids})

    assert started.status_code == 201, started.content
    session = started.json()
    assert session["question_total"] == 5
    for position, question_id in enumerate(ids, start=1):
        card = signed_in_app.get(f"{API}/sessions/{session['id']}/questions/{position}").json()
        assert card["id"] == question_id
        item = SessionItem.objects.get(session_id=session["id"], position=position)
        answered = signed_in_app.post(f"{API}/sessions/{session['id']}/questions/{position}/answer",
                                      {"answer": as_json_answer(correct_post_data(item))})
        assert answered.json()["question"]["feedback"]["correct"] is True  # graded on the server
    submitted = signed_in_app.post(f"{API}/sessions/{session['id']}/submit").json()
    assert submitted["score"]["correct"] == 5
    progress_catch_up(user=learner)
    assert ReviewCard.objects.filter(user=learner, question_id__in=ids).count() == 5  # progress has them


@pytest.mark.parametrize(("change", "field"), [
    ({"mode": "exam"}, "mode"),
    ({"source": "missed"}, "source"),
    ({"duplicate": True}, "question_ids"),
    ({"unapproved": True}, "question_ids"),
    ({"question_ids": [10**30]}, "question_ids.0"),
])
def test_a_session_on_chosen_questions_refuses_what_it_cannot_ask(signed_in_app, test_exam, change, field):
    ids = list(Question.objects.servable().filter(exam=test_exam).order_by("pk").values_list("pk", flat=True)[:3])
    payload = {"exam": "PTP-100", "mode": "practice", "question_ids": ids}
    if change.pop("duplicate", False):
        payload["question_ids"] = ids + ids[:1]
    if change.pop("unapproved", False):
        Question.objects.filter(pk=ids[1]).update(review_status=Question.ReviewStatus.PENDING)
    payload.update(change)

    response = signed_in_app.post(f"{API}/sessions", payload)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not StudySession.objects.exists()
