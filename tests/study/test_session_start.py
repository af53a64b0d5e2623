import random
import re
from collections import Counter

import pytest

from exams.models import Question
from exams.selectors import blueprint_quota
from study.models import Bookmark, StudySession
from study.services import NothingToStudy, SessionRequest, session_start
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import DomainFactory, ExamFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_practice_follows_objectives_difficulty_and_count(learner, test_exam):
    objective = test_exam.domains.get(number="1.0").objectives.get(number="1.2")
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(
        mode="practice", count=10, objective_ids=(objective.pk,), difficulty_min=2, difficulty_max=3))
    questions = [i.question for i in session.items.all()]
    assert questions and all(q.objective_id == objective.pk and 2 <= q.difficulty <= 3 for q in questions)
    assert session.question_total == len(questions) == 3
    assert session.deadline is None


def test_sources_unseen_missed_and_bookmarked(learner_client, learner, test_exam, start):
    first = start(learner, count=3)
    items = list(first.items.all())
    learner_client.post(f"/sessions/{first.pk}/q/1/answer/", correct_post_data(items[0]))
    learner_client.post(f"/sessions/{first.pk}/q/2/answer/", wrong_post_data(items[1]))
    Bookmark.objects.create(user=learner, question=items[2].question)

    unseen = start(learner, source="unseen")
    assert {i.question_id for i in unseen.items.all()}.isdisjoint({items[0].question_id, items[1].question_id})
    assert unseen.question_total == 6
    assert [i.question_id for i in start(learner, source="missed").items.all()] == [items[1].question_id]
    assert [i.question_id for i in start(learner, source="bookmarked").items.all()] == [items[2].question_id]


def test_a_question_answered_right_later_is_no_longer_missed(learner_client, learner, start):
    first = start(learner, count=8)
    item = first.items.get(position=1)
    learner_client.post(f"/sessions/{first.pk}/q/1/answer/", wrong_post_data(item))
    retry = start(learner, source="missed")
    retry_item = retry.items.get()
    learner_client.post(f"/sessions/{retry.pk}/q/1/answer/", correct_post_data(retry_item))
    with pytest.raises(NothingToStudy):
        start(learner, source="missed")


def test_nothing_to_study_is_a_form_error_not_a_500(learner_client, test_exam):
    response = learner_client.post(f"/exams/{test_exam.code}/start/", {
        "mode": "practice", "count": "10", "difficulty_min": "1", "difficulty_max": "5", "source": "bookmarked"})
    assert response.status_code == 400
    assert "No questions match these choices" in response.content.decode()
    assert not StudySession.objects.exists()


@pytest.mark.parametrize("data, message", [
    ({"count": "custom"}, "Enter how many questions"),
    ({"count": "custom", "custom_count": "5000"}, "less than or equal to 200"),
    ({"difficulty_min": "5", "difficulty_max": "1"}, "cannot be below the easiest"),
    ({"mode": "hack"}, "Select a valid choice"),
    ({"objectives": ["999999"]}, "Select a valid choice"),
    ({"objectives": ["99999999999999999999"]}, "Select a valid choice"),
    ({"objectives": ["1", "²"]}, "Select a valid choice"),
])
def test_bad_start_options_get_clear_messages(learner_client, test_exam, data, message):
    form = {"mode": "practice", "count": "10", "difficulty_min": "1", "difficulty_max": "5", "source": "all", **data}
    response = learner_client.post(f"/exams/{test_exam.code}/start/", form)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_timed_practice_gets_the_real_exam_pace(learner, test_exam, start):
    session = start(learner, mode="timed", count=4)
    per_question = test_exam.duration_minutes * 60 / test_exam.question_count
    assert (session.deadline - session.started_at).total_seconds() == pytest.approx(per_question * 4, abs=1)


def test_blueprint_quota_uses_largest_remainders():
    assert blueprint_quota({1: 12, 2: 22, 3: 18, 4: 28, 5: 20}, 90) == {1: 11, 2: 20, 3: 16, 4: 25, 5: 18}
    assert sum(blueprint_quota({1: 30, 2: 26, 3: 24, 4: 20}, 65).values()) == 65


def test_exam_simulation_follows_the_blueprint_weights(learner):
    exam = ExamFactory(question_count=20, duration_minutes=40)
    weights = {"1.0": 50, "2.0": 30, "3.0": 20}
    for number, weight in weights.items():
        objective = ObjectiveFactory(domain=DomainFactory(exam=exam, number=number, weight=weight))
        QuestionFactory.create_batch(15, objective=objective)
    session = session_start(user=learner, exam=exam, request=SessionRequest(mode="exam"), rng=random.Random(4))
    shares = Counter(i.question.objective.domain.number for i in session.items.select_related("question__objective__domain"))
    assert shares == {"1.0": 10, "2.0": 6, "3.0": 4}
    assert session.question_total == 20
    assert (session.deadline - session.started_at).total_seconds() == 40 * 60


def test_a_short_bank_shortens_the_simulation_and_scales_its_time(learner, test_exam):
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    assert session.question_total == 8  # the bank has 8 of the real exam's 10
    assert (session.deadline - session.started_at).total_seconds() == 16 * 60  # 20 min x 8/10


def test_only_servable_questions_are_drawn(learner, test_exam):
    Question.objects.filter(exam=test_exam, type="single").update(review_status="pending")
    Question.objects.filter(exam=test_exam, type="matching").update(is_active=False)
    session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="exam"))
    assert {i.question.type for i in session.items.all()} == {"truefalse", "multiple", "ordering"}


def test_choices_are_shown_in_a_shuffled_order_and_true_false_stays_put(learner, test_exam):
    orders = set()
    for seed in range(6):
        session = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=8), rng=random.Random(seed))
        single = session.items.get(question__seed_key="ptp-100-001")
        orders.add(tuple(single.choice_order))
        tf = session.items.get(question__seed_key="ptp-100-002")
        assert [c.text for c in tf.question.choices.all()] == ["True", "False"]
        assert tf.choice_order == [c.pk for c in tf.question.choices.all()]
    assert len(orders) > 1


def test_a_double_click_on_start_gives_one_session(learner_client, learner, test_exam):
    form = {"mode": "practice", "count": "10", "difficulty_min": "1", "difficulty_max": "5", "source": "all"}
    first = learner_client.post(f"/exams/{test_exam.code}/start/", form)
    second = learner_client.post(f"/exams/{test_exam.code}/start/", form)
    assert first["Location"] == second["Location"]
    assert StudySession.objects.filter(user=learner).count() == 1

    other = learner_client.post(f"/exams/{test_exam.code}/start/", {**form, "count": "25"})  # a different start
    assert other["Location"] != first["Location"]
    assert StudySession.objects.filter(user=learner).count() == 2


def test_the_exam_page_offers_the_default_start_and_a_refused_start_keeps_what_was_picked(learner_client, test_exam):
    # The blank form's fields are rendered once per process; a form sent back must not be.
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert re.search(r'<input type="radio" name="mode" value="practice"[^>]* checked', page)
    # The test bank holds 8: "All 8" is the size a blank form picks (10 is not offered).
    assert re.search(r'<input type="radio" name="count" value="all"[^>]* checked', page)
    assert re.search(r'<option value="5" selected>5 – hardest</option>', page)
    refused = learner_client.post(f"/exams/{test_exam.code}/start/", {
        "mode": "timed", "count": "custom", "custom_count": "", "difficulty_min": "2", "difficulty_max": "4",
        "source": "unseen"}).content.decode()
    assert "Enter how many questions" in refused
    for name, value in (("mode", "timed"), ("count", "custom"), ("source", "unseen")):
        assert re.search(rf'<input type="radio" name="{name}" value="{value}"[^>]* checked', refused)
    assert not re.search(r'<input type="radio" name="count" value="10"[^>]* checked', refused)
    assert '<option value="2" selected>2 – easy</option>' in refused
    assert '<option value="4" selected>4 – hard</option>' in refused
