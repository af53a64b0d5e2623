import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from exams.models import Choice, Question
from study.models import SessionItem, StudySession
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def answer_url(item):
    return f"/sessions/{item.session_id}/q/{item.position}/answer/"


def test_a_double_submitted_practice_answer_is_saved_once(learner_client, learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    first = learner_client.post(answer_url(item), correct_post_data(item))
    second = learner_client.post(answer_url(item), wrong_post_data(item))  # resent / changed after feedback
    assert first.status_code == second.status_code == 302
    item.refresh_from_db()
    assert item.is_correct is True
    page = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "Correct!" in page
    learner_client.post(f"/sessions/{session.pk}/submit/")  # folds the session's answers in
    question = Question.objects.get(pk=item.question_id)
    assert (question.times_answered, question.times_correct) == (1, 1)


def test_htmx_answer_swaps_the_card_with_feedback(learner_client, learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    response = learner_client.post(answer_url(item), wrong_post_data(item), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="session-main"')
    assert "<html" not in body
    assert "Not quite." in body
    assert "answer-saved" in response["HX-Trigger"]


def test_exam_answers_can_change_until_submitted_and_are_counted_at_submission(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    item = session.items.get(position=1)
    learner_client.post(answer_url(item), wrong_post_data(item))
    learner_client.post(answer_url(item), correct_post_data(item))
    learner_client.post(answer_url(item), correct_post_data(item))
    item.refresh_from_db()
    assert item.is_correct is True
    assert SessionItem.objects.filter(session=session).exclude(response=None).count() == 1
    assert Question.objects.get(pk=item.question_id).times_answered == 0
    learner_client.post(f"/sessions/{session.pk}/submit/")
    question = Question.objects.get(pk=item.question_id)
    assert (question.times_answered, question.times_correct) == (1, 1)
    learner_client.post(f"/sessions/{session.pk}/submit/")  # submitting twice counts nothing twice
    assert Question.objects.get(pk=item.question_id).times_answered == 1


def test_an_invalid_selection_gets_a_clear_message_not_a_500(learner_client, learner, start):
    session = start(learner)
    multiple = session.items.get(question__type="multiple")
    response = learner_client.post(answer_url(multiple), {"choice": ["0", "1", "2"]})
    assert response.status_code == 422
    assert "Pick exactly two answers (you picked 3)." in response.content.decode()
    other_question_choice = Choice.objects.exclude(question_id=multiple.question_id).order_by("-pk").first()
    assert other_question_choice.pk >= len(multiple.choice_order)
    response = learner_client.post(answer_url(multiple), {"choice": [str(other_question_choice.pk), "0"]})
    assert response.status_code == 422
    assert "not one of this question" in response.content.decode()
    for junk in ({}, {"choice": "abc"}, {"pos-0": "zz"}, {"confidence": "7", "choice": "0"}):
        assert learner_client.post(answer_url(session.items.get(position=1)), junk).status_code == 422
    multiple.refresh_from_db()
    assert multiple.response is None


def test_time_and_confidence_are_recorded(learner_client, learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    learner_client.post(answer_url(item), {**correct_post_data(item), "elapsed": "42.5", "confidence": "3"})
    item.refresh_from_db()
    assert (item.time_spent_seconds, item.confidence) == (42.5, 3)
    learner_client.get("/dashboard/")  # folds the answer into progress and statistics
    question = Question.objects.get(pk=item.question_id)
    assert question.average_seconds == 42.5


def test_answers_after_the_deadline_are_refused_and_the_session_is_submitted(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    first, second = session.items.get(position=1), session.items.get(position=2)
    learner_client.post(answer_url(first), correct_post_data(first))
    StudySession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(seconds=1)
    )
    response = learner_client.post(answer_url(second), correct_post_data(second), follow=True)
    assert "Time is up. Your session was submitted with the answers you had given." in response.content.decode()
    session.refresh_from_db()
    second.refresh_from_db()
    assert session.is_finished and session.expired
    assert second.response is None
    assert session.answered_count == 1 and session.correct_count == 1


def test_an_expired_session_is_submitted_when_opened(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.TIMED)
    StudySession.objects.filter(pk=session.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = learner_client.get(f"/sessions/{session.pk}/q/1/")
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/results/")
    session.refresh_from_db()
    assert session.is_finished and session.expired


def test_another_users_session_and_questions_outside_it_are_404(client, learner, start):
    session = start(learner)
    intruder = UserFactory()
    client.force_login(intruder)
    item = session.items.get(position=1)
    for url in (f"/sessions/{session.pk}/", f"/sessions/{session.pk}/q/1/", f"/sessions/{session.pk}/results/",
                f"/sessions/{session.pk}/review/", f"/sessions/{session.pk}/finish/"):
        assert client.get(url).status_code == 404, url
    for url in (answer_url(item), f"/sessions/{session.pk}/q/1/flag/", f"/sessions/{session.pk}/q/1/bookmark/",
                f"/sessions/{session.pk}/q/1/report/", f"/sessions/{session.pk}/submit/"):
        assert client.post(url, correct_post_data(item)).status_code == 404, url
    client.force_login(learner)
    assert client.get(f"/sessions/{session.pk}/q/{session.question_total + 1}/").status_code == 404
    assert client.post(f"/sessions/{session.pk}/q/0/answer/", {}).status_code == 404


def test_every_post_needs_a_csrf_token(learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for url in (answer_url(item), f"/sessions/{session.pk}/q/1/flag/", f"/sessions/{session.pk}/q/1/bookmark/",
                f"/sessions/{session.pk}/q/1/report/", f"/sessions/{session.pk}/submit/",
                f"/exams/{session.exam.code}/start/"):
        assert client.post(url, correct_post_data(item)).status_code == 403, url
    item.refresh_from_db()
    assert item.response is None


def test_resume_lands_on_the_last_question_viewed(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    learner_client.get(f"/sessions/{session.pk}/q/3/")
    response = learner_client.get(f"/sessions/{session.pk}/")
    assert response["Location"] == f"/sessions/{session.pk}/q/3/"


def test_auto_advance_moves_to_the_next_question_in_exam_mode(learner_client, learner, start):
    learner.auto_advance = True
    learner.save()
    session = start(learner, mode=StudySession.Mode.EXAM)
    item = session.items.get(position=1)
    response = learner_client.post(answer_url(item), correct_post_data(item))
    assert response["Location"] == f"/sessions/{session.pk}/q/2/"
    item.refresh_from_db()
    assert item.response is not None and item.is_correct  # saved on the way
    page = learner_client.get(response["Location"]).content.decode()
    assert 'aria-label="Question 1, answered"' in page and 'aria-label="Question 2, not answered"' in page


def test_time_on_an_exam_question_adds_up_over_visits(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    item = session.items.get(position=1)
    learner_client.post(answer_url(item), {**wrong_post_data(item), "elapsed": "20"})
    learner_client.post(answer_url(item), {**correct_post_data(item), "elapsed": "15.5"})
    item.refresh_from_db()
    assert item.time_spent_seconds == 35.5 and item.is_correct


def test_a_choice_edited_while_a_learner_studies_shows_at_once(learner_client, learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    url = f"/sessions/{session.pk}/q/1/"
    assert learner_client.get(url).status_code == 200  # the card's choices are now cached
    choice = Choice.objects.get(pk=item.choice_order[0])
    choice.text = "An edited choice the moderator just fixed"
    choice.save()
    assert "An edited choice the moderator just fixed" in learner_client.get(url).content.decode()
    choice.delete()
    assert "An edited choice the moderator just fixed" not in learner_client.get(url).content.decode()


def _without_csrf_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_htmx_practice_answer_carries_the_next_question_ready_to_show(learner_client, learner, start):
    session = start(learner)
    first = session.items.get(position=1)
    response = learner_client.post(answer_url(first), wrong_post_data(first), HTTP_HX_REQUEST="true")
    feedback, marker, rest = response.content.decode().partition('<template id="next-card"')
    assert "Not quite." in feedback and marker, "the feedback card carries the next question"
    upcoming = rest[rest.index(">") + 1 : rest.index("</template>")]
    assert rest.startswith(f' data-url="/sessions/{session.pk}/q/2/"')
    # Answering moved the session on: resuming it lands on question 2.
    assert learner_client.get(f"/sessions/{session.pk}/")["Location"] == f"/sessions/{session.pk}/q/2/"
    # It is the very card opening question 2 gives (the same choices in the same order).
    opened = learner_client.get(f"/sessions/{session.pk}/q/2/", HTTP_HX_REQUEST="true").content.decode()
    assert _without_csrf_tokens(upcoming.strip()) == _without_csrf_tokens(opened.strip())
    assert 'id="answer-form"' in upcoming  # ready to answer


def test_the_carried_card_answers_with_the_token_the_response_brought(learner, start):
    # Both cards of an answer carry one CSRF token; the carried card's answer must pass the check.
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    session = start(learner)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get(f"/sessions/{session.pk}/q/1/").content.decode()).group(1)
    first, second = session.items.get(position=1), session.items.get(position=2)
    response = client.post(answer_url(first), {**wrong_post_data(first), "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()))
    assert len(tokens) == 1
    carried = client.post(answer_url(second), {**correct_post_data(second), "csrfmiddlewaretoken": tokens.pop()},
                          HTTP_HX_REQUEST="true")
    assert carried.status_code == 200 and "Correct!" in carried.content.decode()


def test_nothing_is_carried_after_the_last_question_in_simulations_or_without_htmx(learner_client, learner, start):
    practice = start(learner, count=3)
    last = practice.items.get(position=3)
    body = learner_client.post(answer_url(last), wrong_post_data(last), HTTP_HX_REQUEST="true").content.decode()
    assert "Not quite." in body and "next-card" not in body
    plain = practice.items.get(position=1)
    assert learner_client.post(answer_url(plain), wrong_post_data(plain)).status_code == 302  # no JavaScript: a redirect
    exam = start(learner, mode=StudySession.Mode.EXAM)
    item = exam.items.get(position=1)
    body = learner_client.post(answer_url(item), wrong_post_data(item), HTTP_HX_REQUEST="true").content.decode()
    assert "next-card" not in body


@pytest.mark.parametrize("mode", [StudySession.Mode.TIMED, StudySession.Mode.EXAM])
def test_two_saves_of_one_timed_answer_at_once_both_count_their_time(learner, start, mode):
    from study.services import answer_record

    session = start(learner, mode=mode)
    # Both requests read the item before either writes: the race of two tabs or a resent form.
    first, second = (SessionItem.objects.select_related("session", "question").get(session=session, position=1)
                     for _ in range(2))
    answer_record(item=first, data=wrong_post_data(first), client_seconds="3")
    answer_record(item=second, data=correct_post_data(second), client_seconds="60")

    saved = SessionItem.objects.get(pk=first.pk)
    assert saved.time_spent_seconds == pytest.approx(63.0)
    assert saved.is_correct is True  # the latest answer wins, as before
    assert second.time_spent_seconds == pytest.approx(60.0)  # what this request knew of
