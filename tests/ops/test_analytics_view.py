"""The staff analytics page: staff only, what it counts, and a bounded number of queries whatever
the amount of data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Subscription
from exams.models import Question
from study.models import QuestionFeedback
from study.services import answer_record, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import LLMCallFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/ops/analytics/"


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def study(start, learners: int, *, answers: int = 4) -> None:
    for n in range(learners):
        learner = UserFactory()
        session = start(learner, count=answers)
        for item in session.items.order_by("position"):
            answer_record(item=item, data=(correct_post_data if n % 2 else wrong_post_data)(item), client_seconds=20)
        session_submit(session=session)


def test_it_is_not_found_for_a_learner(learner_client):
    assert learner_client.get(URL).status_code == 404


def test_it_sends_a_visitor_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_shows_learners_business_ai_and_the_bank(staff_client, start, settings):
    study(start, 3)
    SubscriptionFactory(interval="month")
    SubscriptionFactory(interval="year")
    SubscriptionFactory(status="trialing")
    ended = SubscriptionFactory(status="canceled", ended_at=timezone.now() - timedelta(days=2))
    Subscription.objects.filter(pk=ended.pk).update(created_at=timezone.now() - timedelta(days=100))
    LLMCallFactory(cost_usd="1.25")
    question = Question.objects.filter(exam__code="PTP-100").first()
    QuestionFeedback.objects.create(question=question, kind="typo", message="Spelling")

    response = staff_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    learners = response.context["overview"]["learners"]
    assert learners["active"] == {"day": 3, "week": 3, "month": 3} and learners["answers"] == 12
    assert dict(learners["sessions"]) == {"Practice": 3}
    business = response.context["overview"]["business"]
    assert business["active"] == 2 and business["subscriptions"]["trialing"] == 1
    monthly = settings.BILLING_PRO_MONTHLY_CENTS + settings.BILLING_PRO_YEARLY_CENTS / 12
    assert float(business["mrr"]) == pytest.approx(monthly / 100, abs=0.01)
    assert business["subscriptions"]["ended"] == 1 and business["churn_percent"] == 100.0
    assert f"${business['mrr']:.2f}" in html
    assert "$1.25 for 1 calls" in html
    bank = {row["exam__code"]: row for row in response.context["overview"]["questions"]["bank"]}
    approved = Question.objects.filter(exam__code="PTP-100", review_status="approved", is_active=True).count()
    assert approved and bank["PTP-100"]["approved"] == approved and bank["PTP-100"]["reported"] == 1
    assert f"PTP-100 #{question.pk}</a>" in html  # most reported
    assert html.count('<svg class="trend-chart"') == 5
    assert 'href="/status/"' in html


def test_it_shows_ninety_days_when_asked_and_thirty_for_anything_else(staff_client, test_exam):
    assert staff_client.get(URL, {"days": "90"}).context["overview"]["days"] == 90
    assert staff_client.get(URL, {"days": "7; drop table"}).context["overview"]["days"] == 30


def test_it_ranks_the_hardest_questions_once_they_have_enough_answers(staff_client, test_exam):
    hard, easy = Question.objects.filter(exam=test_exam).order_by("pk")[:2]
    Question.objects.filter(pk=hard.pk).update(times_answered=40, times_correct=4, total_answer_seconds=4000)
    Question.objects.filter(pk=easy.pk).update(times_answered=40, times_correct=38, total_answer_seconds=400)

    questions = staff_client.get(URL).context["overview"]["questions"]

    assert [q["id"] for q in questions["hardest"]] == [hard.pk, easy.pk]
    assert [q["id"] for q in questions["slowest"]] == [hard.pk, easy.pk]
    assert questions["hardest"][0]["accuracy"] == pytest.approx(0.1)


def test_it_is_cached_for_a_few_minutes(staff_client, test_exam, django_assert_max_num_queries):
    signups = staff_client.get(URL).context["overview"]["business"]["signups"]
    UserFactory()
    with django_assert_max_num_queries(4):  # the session and the user; the figures come from the cache
        response = staff_client.get(URL)
    assert response.context["overview"]["business"]["signups"] == signups


@pytest.mark.parametrize("learners", [1, 6])
def test_its_queries_do_not_grow_with_the_data(staff_client, start, learners, django_assert_max_num_queries):
    study(start, learners)
    for _ in range(learners):
        LLMCallFactory()
        SubscriptionFactory()
    with django_assert_max_num_queries(20):  # the same at both sizes
        assert staff_client.get(URL, {"days": "90"}).status_code == 200
