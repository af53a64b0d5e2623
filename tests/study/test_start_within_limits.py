"""The start form offers only what a session can hold (the bank for the chosen objectives,
difficulty and source, and a free learner's questions left today), a start that gets fewer
questions than asked says so on the first card, and results score only what the plan let the
learner answer (issue 29, defects 1 and 2)."""

import re

import pytest

from study.models import StudySession
from tests.answers import correct_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def grow_bank(exam, total: int) -> None:
    """Add single-choice questions (difficulty 3, objective 1.1) until the exam has `total`."""
    objective = exam.domains.get(number="1.0").objectives.get(number="1.1")
    for i in range(total - exam.questions.count()):
        QuestionFactory(objective=objective, stem=f"Extra question {i}?")


def offered_sizes(html: str) -> list[str]:
    return re.findall(r'type="radio" name="count" value="(\w+)"', html)


def custom_max(html: str) -> str:
    return re.search(r'<input[^>]*name="custom_count"[^>]*>', html).group(0)


def start_form(**fields) -> dict:
    return {"mode": "practice", "count": "10", "difficulty_min": "1", "difficulty_max": "5", "source": "all", **fields}


def started(client, exam, **fields) -> StudySession:
    response = client.post(f"/exams/{exam.code}/start/", start_form(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return StudySession.objects.get(pk=response["Location"].strip("/").split("/")[1])


def first_card(client, session) -> str:
    return client.get(session.get_absolute_url(), follow=True).content.decode()


def answer_over_http(client, session, positions) -> None:
    for item in session.items.filter(position__in=positions):
        assert client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", correct_post_data(item)).status_code == 302


def use_allowance(client, exam, n: int) -> None:
    """Answer `n` practice questions over HTTP: a free learner's answers counted against today."""
    session = started(client, exam, count="custom", custom_count=str(n))
    answer_over_http(client, session, range(1, n + 1))


# --- defect 1: a free learner and the day's allowance ------------------------------------------
def test_it_offers_a_free_learner_no_more_than_is_left_today(learner_client, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    grow_bank(test_exam, 60)
    use_allowance(learner_client, test_exam, 13)

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()

    assert offered_sizes(page) == ["all", "custom"]
    assert "7 free questions left today" in page
    assert re.search(r"All 7\b", page)
    assert 'max="7"' in custom_max(page)


def test_it_starts_a_smaller_timed_session_than_asked_when_less_is_left_and_says_so(learner_client, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    grow_bank(test_exam, 60)
    use_allowance(learner_client, test_exam, 10)

    session = started(learner_client, test_exam, mode="timed", count="25")

    assert session.question_total == 10
    per_question = test_exam.duration_minutes * 60 / test_exam.question_count
    assert (session.deadline - session.started_at).total_seconds() == pytest.approx(10 * per_question, abs=1)
    card = first_card(learner_client, session)
    assert "10 free questions left today, so this session has 10 questions, not 25" in card


def test_results_score_only_what_the_plan_let_the_learner_answer(learner_client, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 5
    grow_bank(test_exam, 30)
    timed = started(learner_client, test_exam, mode="timed", count="custom", custom_count="5")
    answer_over_http(learner_client, timed, [1, 2, 3])
    use_allowance(learner_client, test_exam, 2)  # the rest of the day's five, in another tab

    learner_client.post(f"/sessions/{timed.pk}/submit/")
    page = learner_client.get(f"/sessions/{timed.pk}/results/").content.decode()

    assert re.search(r'<div class="stat-value">100%</div>', page)
    assert re.search(r'<div class="stat-value">3 / 3</div>', page)
    assert "2 questions the free plan did not let you answer today are not scored" in page
    history = learner_client.get(f"/exams/{test_exam.code}/").content.decode().split("Your history")[1]
    assert "100%" in history and "60%" not in history


# --- defect 2: the bank's size ---------------------------------------------------------------
def test_it_offers_only_sizes_the_bank_can_fill(learner_client, pro, test_exam, django_capture_on_commit_callbacks):
    small = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert offered_sizes(small) == ["all", "custom"]
    assert re.search(r"All 8\b", small) and 'max="8"' in custom_max(small)

    with django_capture_on_commit_callbacks(execute=True):  # the cached bank sizes are dropped on commit
        grow_bank(test_exam, 42)
    bigger = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert offered_sizes(bigger) == ["10", "25", "all", "custom"]
    assert re.search(r"All 42\b", bigger) and 'max="42"' in custom_max(bigger)


def test_the_sizes_follow_the_chosen_objectives_difficulty_and_source(learner_client, pro, test_exam):
    grow_bank(test_exam, 42)
    objective = test_exam.domains.get(number="1.0").objectives.get(number="1.2")
    fragment = learner_client.get(
        f"/exams/{test_exam.code}/",
        {"part": "count", "objectives": [objective.pk], "difficulty_min": "1", "difficulty_max": "5", "source": "all",
         "count": "25"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert "<html" not in fragment
    assert offered_sizes(fragment) == ["all", "custom"] and re.search(r"All 3\b", fragment)
    assert re.search(r'value="all"[^>]*checked', fragment)  # 25 no longer fits: the largest that does is picked


@pytest.mark.parametrize("fields", [{"count": "50"}, {"count": "custom", "custom_count": "200"}])
def test_a_start_that_gets_fewer_questions_than_asked_says_so_on_the_first_card(learner_client, pro, test_exam, fields):
    grow_bank(test_exam, 42)

    session = started(learner_client, test_exam, **fields)

    assert session.question_total == 42
    asked = fields.get("custom_count", fields["count"])
    assert f"Only 42 questions match your choices, so this session has 42, not {asked}." in first_card(learner_client, session)


def test_a_start_that_gets_what_it_asked_for_says_nothing_more(learner_client, pro, test_exam):
    grow_bank(test_exam, 42)
    session = started(learner_client, test_exam, count="25")
    assert session.question_total == 25
    assert "so this session has" not in first_card(learner_client, session)


def test_with_nothing_left_today_the_form_offers_no_size_and_start_says_why(learner_client, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 3
    use_allowance(learner_client, test_exam, 3)

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert offered_sizes(page) == [] and 'name="custom_count"' not in page
    assert "You have used today's free questions" in page

    refused = learner_client.post(f"/exams/{test_exam.code}/start/", start_form(count="all"))
    assert refused.status_code == 402 and "3 free practice questions" in refused.content.decode()
