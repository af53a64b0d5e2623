"""Every learner page renders in a bounded number of queries whatever the data size: the same
bound holds with a small and a large question bank and history."""

import pytest

from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

BOUNDS = {
    "catalogue": 12, "exam page": 16, "dashboard": 18, "sessions": 12, "question": 16,
    "question (htmx)": 16, "answer": 40, "results": 12, "review": 16,
}


@pytest.fixture(params=["small", "large"])
def history(request, learner, test_exam):
    extra, sessions = (0, 1) if request.param == "small" else (120, 6)
    objective = test_exam.domains.first().objectives.first()
    for i in range(extra):
        QuestionFactory(objective=objective, stem=f"bulk {i}", difficulty=1 + i % 5)
    done = None
    for _ in range(sessions):
        done = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
        for item in done.items.all():
            answer_record(item=item, data=correct_post_data(item))
        session_submit(session=done)
    current = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    return test_exam, done, current


def test_learner_pages_stay_within_their_query_bounds(learner_client, history, django_assert_max_num_queries):
    exam, done, current = history
    item = current.items.get(position=2)
    pages = {
        "catalogue": lambda: learner_client.get("/exams/"),
        "exam page": lambda: learner_client.get(f"/exams/{exam.code}/"),
        "dashboard": lambda: learner_client.get("/dashboard/"),
        "sessions": lambda: learner_client.get("/sessions/"),
        "question": lambda: learner_client.get(f"/sessions/{current.pk}/q/1/"),
        "question (htmx)": lambda: learner_client.get(f"/sessions/{current.pk}/q/3/", HTTP_HX_REQUEST="true"),
        "answer": lambda: learner_client.post(f"/sessions/{current.pk}/q/2/answer/", correct_post_data(item), HTTP_HX_REQUEST="true"),
        "results": lambda: learner_client.get(f"/sessions/{done.pk}/results/"),
        "review": lambda: learner_client.get(f"/sessions/{done.pk}/review/?show=wrong"),
    }
    learner_client.get("/exams/")  # warm the caches (blueprint, catalogue) like a running site
    for name, page in pages.items():
        with django_assert_max_num_queries(BOUNDS[name]):
            assert page().status_code == 200, name
