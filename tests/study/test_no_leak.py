"""The page never says which choice is correct before the learner has answered (in exam
simulation, before the exam is submitted): not in HTML, attributes, partials or JSON."""

import re

import pytest

from study.models import StudySession
from tests.answers import correct_post_data

pytestmark = pytest.mark.django_db

TELLTALES = ("Correct", "Incorrect", "is-correct", "is_correct", "badge-ok", "Explanation", "Step ")


def secrets_of(item):
    """Texts that only someone who knows the answer would have."""
    question = item.question
    found = [question.explanation]
    found += [c.explanation for c in question.choices.all()]
    found += [f"pk={c.pk}" for c in question.choices.all()]
    return found


def assert_no_leak(html: str, item):
    for secret in secrets_of(item):
        assert secret not in html, secret
    for telltale in TELLTALES:
        assert telltale not in html, telltale
    # Choice database ids never appear: choices are addressed by shown index only.
    values = set(re.findall(r'name="choice" value="([^"]+)"', html))
    assert values <= {str(i) for i in range(len(item.choice_order))}


@pytest.mark.parametrize("mode", [StudySession.Mode.PRACTICE, StudySession.Mode.TIMED, StudySession.Mode.EXAM])
def test_unanswered_questions_reveal_nothing_in_full_pages_and_partials(learner_client, learner, start, mode):
    session = start(learner, mode=mode)
    for item in session.items.all():
        url = f"/sessions/{session.pk}/q/{item.position}/"
        assert_no_leak(learner_client.get(url).content.decode(), item)
        assert_no_leak(learner_client.get(url, HTTP_HX_REQUEST="true").content.decode(), item)


def test_exam_answers_reveal_nothing_until_the_exam_is_submitted(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    for item in session.items.all():
        url = f"/sessions/{session.pk}/q/{item.position}/"
        swapped = learner_client.post(url + "answer/", correct_post_data(item), HTTP_HX_REQUEST="true")
        assert_no_leak(swapped.content.decode(), item)
        assert_no_leak(learner_client.get(url).content.decode(), item)
    finish_page = learner_client.get(f"/sessions/{session.pk}/finish/").content.decode()
    assert "Correct" not in finish_page
    assert learner_client.get(f"/sessions/{session.pk}/review/").status_code == 302  # review waits for submission

    learner_client.post(f"/sessions/{session.pk}/submit/")
    review = learner_client.get(f"/sessions/{session.pk}/review/").content.decode()
    item = session.items.first()
    assert item.question.explanation.split()[0] in review and "Correct" in review


def test_practice_reveals_only_the_answered_question(learner_client, learner, start):
    session = start(learner)
    first, second = session.items.get(position=1), session.items.get(position=2)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", correct_post_data(first))
    answered = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "Correct!" in answered and first.question.choices.first().explanation in answered
    assert_no_leak(learner_client.get(f"/sessions/{session.pk}/q/2/").content.decode(), second)
