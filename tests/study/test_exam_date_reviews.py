"""The learner's reviews aimed at their exam day, end to end: setting the day (on the exam page or
in settings) re-aims the review cards they have, and each answer folded afterwards is scheduled
for the day (study.scheduling). What they notice: which questions are due today, and when a
question they just answered comes round again."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Card, State

from study.models import ExamProgress, ObjectiveMastery, ReviewCard, StudySession
from study.progress import progress_catch_up
from study.selectors import due_question_ids
from study.services import answer_record
from tests.answers import correct_post_data
from tests.factories import ObjectiveFactory, QuestionFactory, SessionItemFactory, StudySessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def hand_made_card(*, stability: float, reviewed_days_ago: float, now: datetime) -> dict:
    last = now - timedelta(days=reviewed_days_ago)
    return Card(card_id=1, state=State.Review, stability=stability, difficulty=5.0,
                due=last + timedelta(days=round(stability)), last_review=last).to_dict()


def add_cards(user, exam, questions, *, stability, reviewed_days_ago, now):
    for question in questions:
        card = hand_made_card(stability=stability, reviewed_days_ago=reviewed_days_ago, now=now)
        ReviewCard.objects.create(user=user, exam=exam, question=question, card=card, due=Card.from_dict(card).due,
                                  reviews=1, last_rating=3)


def test_a_week_before_the_exam_what_it_pulls_forward_is_due_a_few_a_day_not_all_today(learner_client, learner,
                                                                                        test_exam):
    # Ten questions seen 20 days ago that FSRS brings back in 20 days: after an exam a week
    # ahead, when they would be recalled 92.5 % of the time.
    now = timezone.now()
    objective = test_exam.domains.first().objectives.first()
    questions = [QuestionFactory(objective=objective, stem=f"Seen 20 days ago {n}?") for n in range(10)]
    add_cards(learner, test_exam, questions, stability=40, reviewed_days_ago=20, now=now)
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=10, correct=8)
    assert due_question_ids(user=learner, exam=test_exam) == []  # without an exam day: none today
    assert "Due reviews (0)" in learner_client.get(reverse("study:dashboard")).content.decode()

    exam_day = timezone.localdate() + timedelta(days=7)
    learner_client.post(reverse("study:exam_date", args=[test_exam.code]),
                        {"exam_date": exam_day.isoformat(), "next": reverse("accounts:settings")})
    assert len(due_question_ids(user=learner, exam=test_exam)) == 2  # today
    by_day = sorted((c.due.date() - timezone.localdate()).days for c in ReviewCard.objects.filter(user=learner))
    assert by_day == [0, 0, 1, 2, 2, 3, 4, 4, 5, 6]  # the last on the eve, none on the day or after

    assert "Due reviews (2)" in learner_client.get(reverse("study:dashboard")).content.decode()

    learner_client.post(reverse("study:exam_date", args=[test_exam.code]), {"exam_date": ""})
    assert due_question_ids(user=learner, exam=test_exam) == []  # cleared: back where FSRS put them
    assert {c.due for c in ReviewCard.objects.filter(user=learner)} == {Card.from_dict(c.card).due for c in
                                                                       ReviewCard.objects.filter(user=learner)}


def _answered_right_now(user, exam, question) -> ReviewCard:
    session = StudySessionFactory(user=user, exam=exam, question_total=1, mode=StudySession.Mode.PRACTICE)
    item = SessionItemFactory(session=session, position=1, question=question)
    answer_record(item=item, data=correct_post_data(item), client_seconds=30, confidence=2)
    progress_catch_up(user=user)
    return ReviewCard.objects.get(user=user, question=question)


@pytest.mark.parametrize("exam_in_days", [None, 60])
def test_a_question_answered_now_comes_round_before_the_exam(test_exam, exam_in_days):
    learner = UserFactory()
    now = timezone.now()
    question = QuestionFactory(objective=test_exam.domains.first().objectives.first())
    add_cards(learner, test_exam, [question], stability=30, reviewed_days_ago=30, now=now)
    exam_day = timezone.localdate() + timedelta(days=exam_in_days) if exam_in_days else None
    ExamProgress.objects.create(user=learner, exam=test_exam, exam_date=exam_day)

    card = _answered_right_now(learner, test_exam, question)
    days = (card.due.date() - timezone.localdate()).days
    fsrs_days = (Card.from_dict(card.card).due.date() - timezone.localdate()).days
    assert fsrs_days == 85  # FSRS's own, kept in the card
    assert days == (85 if exam_day is None else 34)  # with the exam in 60 days: when recall falls to 95 % (0.4025 × 85)


def test_in_the_last_week_the_weakest_objectives_questions_come_back_the_next_day(test_exam):
    learner = UserFactory()
    now = timezone.now()
    first, second = test_exam.domains.order_by("position")
    o11, o12 = first.objectives.order_by("number")
    (o21,) = second.objectives.all()
    o22, o23 = ObjectiveFactory(domain=second, number="2.2"), ObjectiveFactory(domain=second, number="2.3")
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=100, correct=80, theta=2.0, variance=0.05,
                                last_answer_at=now, exam_date=timezone.localdate() + timedelta(days=5))
    for objective, theta in ((o11, -1.0), (o12, 3.0), (o21, 3.2), (o22, 3.5), (o23, -0.5)):
        ObjectiveMastery.objects.create(user=learner, exam=test_exam, objective=objective, answered=20, correct=10,
                                        theta=theta, variance=0.1, last_answer_at=now)
    weak, strong = QuestionFactory(objective=o11), QuestionFactory(objective=o22)
    add_cards(learner, test_exam, [weak, strong], stability=30, reviewed_days_ago=20, now=now)

    weak_card = _answered_right_now(learner, test_exam, weak)
    strong_card = _answered_right_now(learner, test_exam, strong)
    assert (weak_card.due.date() - timezone.localdate()).days == 1
    assert (strong_card.due.date() - timezone.localdate()).days == (Card.from_dict(strong_card.card).due.date()
                                                                    - timezone.localdate()).days > 5
