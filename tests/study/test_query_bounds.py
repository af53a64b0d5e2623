"""Every learner page and action runs a bounded number of queries whatever the data size: the
same bound holds with a small and a large question bank and history."""

import re

import pytest

from study.models import Bookmark
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data
from tests.factories import QuestionFactory, pro_subscription

pytestmark = pytest.mark.django_db

# A practice submit folds its twenty answers: a statistics UPDATE per question and one per
# objective at most, bounded by the session's length and the exam, not by the history.
BOUNDS = {
    "catalogue": 12, "exam page": 16, "dashboard": 18, "sessions": 12, "question": 16,
    "question (htmx)": 16, "answer": 40, "flag": 8, "bookmark": 14, "finish page": 6, "results": 12,
    "review": 16, "settings": 4, "pricing": 5, "billing": 7, "start": 16, "submit": 50,
    "start sizes (htmx)": 10, "quick 10": 30, "retake": 14, "marked quiz": 18,
}


@pytest.fixture(params=["small", "large"])
def history(request, learner, test_exam):
    extra, sessions, simulations = (0, 1, 0) if request.param == "small" else (120, 6, 3)
    if request.param == "large":
        pro_subscription(learner)  # a hundred and twenty answers in a day: a Pro learner's history
    objective = test_exam.domains.first().objectives.first()
    for i in range(extra):
        QuestionFactory(objective=objective, stem=f"bulk {i}", difficulty=1 + i % 5)
    done = retaken = None
    for _ in range(sessions):
        done = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
        for item in done.items.all():
            answer_record(item=item, data=correct_post_data(item))
        session_submit(session=done)
    for _ in range(simulations):  # mock scores for the exam page's chart
        simulation = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
        for item in list(simulation.items.all())[::2]:
            answer_record(item=item, data=correct_post_data(item), confidence=3)
        retaken = session_submit(session=simulation)  # half of it unanswered: a retake of those
    practice = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=20))
    current = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    return test_exam, done, practice, current, retaken or done


def test_learner_pages_stay_within_their_query_bounds(learner_client, history, django_assert_max_num_queries):
    exam, done, practice_session, current, retaken = history
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
        "start sizes (htmx)": lambda: learner_client.get(
            f"/exams/{exam.code}/", {"part": "count", "source": "unseen", "difficulty_min": "2", "difficulty_max": "4",
                                     "objectives": [exam.domains.first().objectives.first().pk]},
            HTTP_HX_REQUEST="true"),
        "quick 10": lambda: learner_client.post(f"/exams/{exam.code}/start/", {"quick": "quick10"}),
        "retake": lambda: learner_client.post(f"/exams/{exam.code}/start/", {"retake": retaken.pk}),
        "marked quiz": lambda: learner_client.post(f"/exams/{exam.code}/start/", {"quick": "marked"}),
    }

    learner_client.get("/exams/")  # warm the caches (blueprint, catalogue) like a running site
    responses = {}
    for name, page in pages.items():
        if name == "submit":  # twenty practice answers, left pending (study.progress) for the submit to fold
            for answered in practice_session.items.all():
                answer_record(item=answered, data=correct_post_data(answered))
        with django_assert_max_num_queries(BOUNDS[name], info=name):
            responses[name] = page()
        assert responses[name].status_code == (302 if name in ("start", "submit", "quick 10", "retake", "marked quiz")
                                               else 200), name

    # Within their bounds, the actions still did what the learner asked.
    item.refresh_from_db()
    assert item.response is not None and item.is_correct and item.flagged
    assert Bookmark.objects.get(user_id=current.user_id, question_id=item.question_id).note == "n"
    assert re.fullmatch(r"/sessions/\d+/", responses["start"]["Location"])
    practice_session.refresh_from_db()
    assert practice_session.is_finished and practice_session.answered_count == practice_session.question_total
