"""One-click starts from the exam page: Quick 10 (the weakest objectives and due reviews) and one
quiz of everything missed, flagged or bookmarked (issue 29, "Exam day")."""

import pytest

from study.models import Bookmark, StudySession
from study.services import answer_record, item_flag, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def grow_bank(exam, total: int) -> None:
    objectives = [o for d in exam.domains.all() for o in d.objectives.all()]
    for i in range(total - exam.questions.count()):
        QuestionFactory(objective=objectives[i % len(objectives)], stem=f"Extra question {i}?", difficulty=1 + i % 5)


def quick(client, exam, value):
    return client.post(f"/exams/{exam.code}/start/", {"quick": value})


def test_quick_10_is_one_click_from_the_exam_page_and_starts_ten_chosen_questions(learner_client, learner, start,
                                                                                  test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 50  # a free learner's Quick 10, with the day's questions to spare
    grow_bank(test_exam, 40)
    first = start(learner, count=20)
    for item in first.items.all():
        answer_record(item=item, data=wrong_post_data(item) if item.question.objective.number == "2.1"
                      else correct_post_data(item))
    session_submit(session=first)

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert 'name="quick" value="quick10"' in page

    response = quick(learner_client, test_exam, "quick10")

    assert response.status_code == 302
    session = StudySession.objects.exclude(pk=first.pk).get(user=learner)
    assert (session.mode, session.question_total) == (StudySession.Mode.PRACTICE, 10)
    reasons = list(session.items.values_list("reason", flat=True))
    assert all(reasons)
    assert any(r.startswith(("Due for review", "Weak area")) for r in reasons)


def test_one_quiz_holds_everything_missed_flagged_and_bookmarked(learner, learner_client, start, test_exam):
    practice = start(learner, count=8)
    items = list(practice.items.all())
    answer_record(item=items[0], data=wrong_post_data(items[0]))  # missed
    answer_record(item=items[1], data=correct_post_data(items[1]))
    Bookmark.objects.create(user=learner, question=items[2].question)
    simulation = start(learner, mode=StudySession.Mode.EXAM)
    flagged = simulation.items.exclude(question_id__in=[i.question_id for i in items[:3]]).first()
    item_flag(item=flagged, flagged=True)
    session_submit(session=practice)

    response = quick(learner_client, test_exam, "marked")

    assert response.status_code == 302
    quiz = StudySession.objects.filter(user=learner).order_by("-pk").first()
    assert set(quiz.items.values_list("question_id", flat=True)) == {
        items[0].question_id, items[2].question_id, flagged.question_id}


def test_the_marked_quiz_with_nothing_marked_says_so(learner_client, test_exam):
    response = quick(learner_client, test_exam, "marked")
    assert response.status_code == 302
    page = learner_client.get(response["Location"]).content.decode()
    assert "Nothing missed, flagged or bookmarked" in page
    assert not StudySession.objects.exists()


def test_the_form_offers_the_marked_source(learner_client, test_exam):
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert 'name="source" value="marked"' in page and "Missed, flagged or bookmarked" in page
