"""Every learner page and action runs a bounded number of queries whatever the data size: the
same bound holds with a small and a large question bank and history."""

import pytest

from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

# A practice submit folds its twenty answers: a statistics UPDATE per question and one per
# objective at most, bounded by the session's length and the exam, not by the history.
BOUNDS = {
    "catalogue": 12, "exam page": 16, "dashboard": 18, "sessions": 12, "question": 16,
    "question (htmx)": 16, "answer": 40, "flag": 8, "bookmark": 14, "finish page": 6, "results": 12,
    "review": 16, "settings": 4, "pricing": 5, "billing": 7, "start": 16, "submit": 50,
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
    practice = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
    current = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    return test_exam, done, practice, current


def test_learner_pages_stay_within_their_query_bounds(learner_client, history, django_assert_max_num_queries):
    exam, done, practice_session, current = history
    item = current.items.get(position=2)
    start_form = {"mode": "practice", "count": "custom", "custom_count": "20", "difficulty_min": "1",
                  "difficulty_max": "5", "source": "all"}
    pages = {
        "catalogue": lambda: learner_client.get("/exams/"),
        "exam page": lambda: learner_client.get(f"/exams/{exam.code}/"),
        "dashboard": lambda: learner_client.get("/dashboard/"),
        "sessions": lambda: learner_client.get("/sessions/"),
        "question": lambda: learner_client.get(f"/sessions/{current.pk}/q/1/"),
        "question (htmx)": lambda: learner_client.get(f"/sessions/{current.pk}/q/3/", HTTP_HX_REQUEST="true"),
        "answer": lambda: learner_client.post(f"/sessions/{current.pk}/q/2/answer/", correct_post_data(item), HTTP_HX_REQUEST="true"),
        "flag": lambda: learner_client.post(f"/sessions/{current.pk}/q/2/flag/", {"flagged": "1"}, HTTP_HX_REQUEST="true"),
        "bookmark": lambda: learner_client.post(f"/sessions/{current.pk}/q/2/bookmark/", {"bookmarked": "on", "note": "n"},
                                                HTTP_HX_REQUEST="true"),
        "finish page": lambda: learner_client.get(f"/sessions/{current.pk}/finish/"),
        "results": lambda: learner_client.get(f"/sessions/{done.pk}/results/"),
        "review": lambda: learner_client.get(f"/sessions/{done.pk}/review/?show=wrong"),
        "settings": lambda: learner_client.get("/account/settings/"),
        "pricing": lambda: learner_client.get("/pricing/"),
        "billing": lambda: learner_client.get("/account/billing/"),
        "start": lambda: learner_client.post(f"/exams/{exam.code}/start/", start_form),
        "submit": lambda: learner_client.post(f"/sessions/{practice_session.pk}/submit/"),
    }

    learner_client.get("/exams/")  # warm the caches (blueprint, catalogue) like a running site
    for name, page in pages.items():
        if name == "submit":  # twenty practice answers, left pending (study.progress) for the submit to fold
            for answered in practice_session.items.all():
                answer_record(item=answered, data=correct_post_data(answered))
        with django_assert_max_num_queries(BOUNDS[name]):
            status = page().status_code
        assert status == (302 if name in ("start", "submit") else 200), name
