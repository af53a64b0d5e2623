"""Setting the day of the real exam on the exam page (POST /exams/<code>/exam-day/)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from study.models import ExamProgress

pytestmark = pytest.mark.django_db


def url(exam):
    return reverse("study:exam_date", args=[exam.code])


def test_it_sets_changes_and_clears_the_exam_day(learner_client, learner, test_exam):
    day = timezone.localdate() + timedelta(days=30)
    response = learner_client.post(url(test_exam), {"exam_date": day.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == test_exam.get_absolute_url() + "#exam-day"
    assert "Exam day set:" in response.content.decode()
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date == day
    learner_client.post(url(test_exam), {"exam_date": ""})
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date is None


@pytest.mark.parametrize("value,message", [
    ((timezone.localdate() - timedelta(days=1)).isoformat(), "That day has passed"),
    ((timezone.localdate() + timedelta(days=900)).isoformat(), "within the next two years"),
    ("31/02/2027", "Enter a valid date"),
    ("9" * 40, "Enter a valid date"),
])
def test_it_refuses_a_day_that_cannot_be_the_exam(learner_client, learner, test_exam, value, message):
    response = learner_client.post(url(test_exam), {"exam_date": value}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ExamProgress.objects.filter(user=learner, exam=test_exam, exam_date__isnull=False).exists()


def test_it_needs_a_signed_in_learner_and_a_real_exam(learner_client, test_exam):
    assert Client().post(url(test_exam), {"exam_date": ""}).status_code == 302  # to sign in
    assert learner_client.post(reverse("study:exam_date", args=["NOPE"]), {"exam_date": ""}).status_code == 404
    assert learner_client.get(reverse("study:exam_date", args=["NOPE"])).status_code == 405


def test_the_exam_page_shows_the_day_and_for_pro_the_plan(learner_client, learner, test_exam, pro):
    from study.models import ObjectiveMastery

    day = timezone.localdate() + timedelta(days=21)
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=60, correct=30, theta=0.6, variance=0.05,
                                last_answer_at=timezone.now() - timedelta(hours=3), exam_date=day)
    for objective in test_exam.domains.first().objectives.all():
        ObjectiveMastery.objects.create(user=learner, exam=test_exam, objective=objective, answered=10, correct=5,
                                        theta=0.3, variance=0.2, last_answer_at=timezone.now() - timedelta(hours=3))
    page = learner_client.get(test_exam.get_absolute_url()).content.decode()
    assert 'id="exam-day"' in page and "in 21 days" in page
    assert "Readiness today" in page and "On the day, if you stop now" in page
    assert "question" in page and "a day</strong>" in page and "Change the day" in page


def test_a_free_learner_sees_the_day_without_the_plan(learner_client, learner, test_exam):
    day = timezone.localdate() + timedelta(days=10)
    learner_client.post(url(test_exam), {"exam_date": day.isoformat()})
    page = learner_client.get(test_exam.get_absolute_url()).content.decode()
    assert "part of Pro" in page and "Readiness today" not in page and "Clear</button>" in page
