"""Exam simulation and timed practice: moving between questions (previous, next, the grid,
review) saves what is picked on the card, so no answer is lost by navigating."""

import pytest

from exams.models import Question
from study.models import StudySession
from tests.answers import correct_post_data

pytestmark = pytest.mark.django_db


def answer_url(item):
    return f"/sessions/{item.session_id}/q/{item.position}/answer/"


def picked(item) -> dict:
    """The card as the learner left it after answering (an ordering step was moved)."""
    return {**correct_post_data(item), "touched": "1"}


@pytest.fixture
def exam_session(learner, start):
    return start(learner, mode=StudySession.Mode.EXAM)


def item_of_type(session, kind):
    return next(item for item in session.items.select_related("question") if item.question.type == kind)


@pytest.mark.parametrize("position, go, then", [(1, "2", "q/2/"), (8, "review", "finish/")])
def test_next_and_review_save_the_picked_answer_on_the_way(learner_client, exam_session, position, go, then):
    item = exam_session.items.get(position=position)
    response = learner_client.post(answer_url(item), {**picked(item), "go": go})

    assert response.status_code == 302 and response["Location"] == f"/sessions/{exam_session.pk}/{then}"
    item.refresh_from_db()
    assert item.response is not None


def test_the_grid_over_htmx_saves_and_swaps_in_the_chosen_question(learner_client, exam_session):
    item = exam_session.items.get(position=1)
    response = learner_client.post(answer_url(item), {**picked(item), "go": "5"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and "Question 5 <span" in response.content.decode()
    assert response["HX-Push-Url"] == f"/sessions/{exam_session.pk}/q/5/"
    item.refresh_from_db()
    assert item.response is not None
    assert 'aria-label="Question 1, answered"' in response.content.decode()


def test_moving_on_with_nothing_picked_saves_nothing(learner_client, exam_session):
    item = exam_session.items.get(position=1)
    response = learner_client.post(answer_url(item), {"go": "2", "elapsed": "3"})
    assert response.status_code == 302
    assert not exam_session.items.exclude(response=None).exists()


def test_an_untouched_ordering_question_is_not_answered_by_moving_on(learner_client, exam_session):
    item = item_of_type(exam_session, Question.Type.ORDERING)
    shown_order = {f"pos-{i}": str(i + 1) for i in range(len(item.choice_order))}
    learner_client.post(answer_url(item), {**shown_order, "go": "1"})
    item.refresh_from_db()
    assert item.response is None

    learner_client.post(answer_url(item), {**shown_order, "touched": "1", "go": "1"})
    item.refresh_from_db()
    assert item.response is not None


def test_a_half_answer_stops_navigation_and_keeps_the_picks(learner_client, exam_session):
    item = item_of_type(exam_session, Question.Type.MULTIPLE)
    one_pick = correct_post_data(item)["choice"][:1]
    response = learner_client.post(answer_url(item), {"choice": one_pick, "go": str(item.position % 8 + 1)})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Pick exactly two answers (you picked 1)" in page
    assert f'name="choice" value="{one_pick[0]}" checked' in page
    item.refresh_from_db()
    assert item.response is None


def test_a_bad_target_stays_on_the_question(learner_client, exam_session):
    item = exam_session.items.get(position=3)
    for go in ("99", "0", "abc", "²"):
        response = learner_client.post(answer_url(item), {"go": go})
        assert response["Location"] == f"/sessions/{exam_session.pk}/q/3/", go


def test_exam_pages_navigate_with_buttons_that_submit_the_card(learner_client, exam_session):
    page = learner_client.get(f"/sessions/{exam_session.pk}/q/2/").content.decode()
    assert 'form="answer-form" formnovalidate name="go" value="1" class="btn" data-nav="prev"' in page
    assert 'name="go" value="3" class="btn btn-primary" data-nav="next"' in page
    assert page.count('form="answer-form" formnovalidate name="go"') == 2 + 8  # prev, next and the grid


def test_practice_keeps_plain_links(learner_client, learner, start):
    session = start(learner)
    page = learner_client.get(f"/sessions/{session.pk}/q/2/").content.decode()
    assert 'name="go"' not in page and f'href="/sessions/{session.pk}/q/3/"' in page


def flag_button(html: str) -> dict:
    """The Flag button's attributes, as the browser reads them from the card."""
    import re

    [tag] = re.findall(r"<button[^>]*data-flag[^>]*>", html)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


@pytest.mark.parametrize("htmx", [False, True])
def test_flag_saves_the_picked_answer_on_the_way(learner_client, exam_session, htmx):
    item = exam_session.items.get(position=1)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    button = flag_button(learner_client.get(f"/sessions/{exam_session.pk}/q/1/").content.decode())
    # The browser sends the form the button belongs to, with the button's own name and value.
    assert button.get("form") == "answer-form", "Flag must send the card's pick with it"

    response = learner_client.post(answer_url(item), {**picked(item), button["name"]: button["value"]}, **headers)

    assert response.status_code == (200 if htmx else 302)
    item.refresh_from_db()
    assert item.flagged is True and item.response is not None
    review = learner_client.get(f"/sessions/{exam_session.pk}/finish/").content.decode()
    assert "not answered" not in review.split("Question 1")[1].split("Question 2")[0]
    # And the card drawn after it says flagged, keeping the pick; a second press unflags.
    card = learner_client.get(f"/sessions/{exam_session.pk}/q/1/").content.decode()
    again = flag_button(card)
    assert again["aria-pressed"] == "true" and 'aria-label="Question 1, answered, flagged"' in card
    learner_client.post(answer_url(item), {**picked(item), again["name"]: again["value"]}, **headers)
    item.refresh_from_db()
    assert item.flagged is False and item.response is not None


def test_flag_without_a_pick_still_flags(learner_client, exam_session):
    item = exam_session.items.get(position=2)
    response = learner_client.post(answer_url(item), {"flag": "1"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{exam_session.pk}/q/2/"
    item.refresh_from_db()
    assert item.flagged is True and item.response is None
