"""The exam day of each exam the learner studies, on the settings page: shown, set, changed and
cleared there through the exam page's own view (POST /exams/<code>/exam-day/ with `next`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import ExamProgress
from tests.factories import ExamFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")
BACK = SETTINGS + "#exam-days"


def post_day(client, exam, value, **extra):
    return client.post(reverse("study:exam_date", args=[exam.code]), {"exam_date": value, "next": BACK, **extra},
                       follow=True)


def test_it_lists_each_active_exam_the_learner_has_progress_on_with_its_day(learner_client, learner, test_exam):
    day = timezone.localdate() + timedelta(days=40)
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=5, exam_date=day)
    unset = ExamFactory(code="AAA-001")
    ExamProgress.objects.create(user=learner, exam=unset, answered=3)
    ExamProgress.objects.create(user=learner, exam=ExamFactory(code="OLD-001", is_active=False), exam_date=day)
    ExamProgress.objects.create(user=UserFactory(), exam=ExamFactory(code="ZZZ-999"), exam_date=day)
    ExamFactory(code="NEW-001")  # never practised

    page = learner_client.get(SETTINGS).content.decode()
    assert 'id="exam-days"' in page
    today = timezone.localdate(timezone=learner.zone).isoformat()
    assert f'name="exam_date" value="{day.isoformat()}" min="{today}" id="id_exam_date_{test_exam.pk}"' in page
    assert f'name="exam_date" min="{today}" id="id_exam_date_{unset.pk}"' in page
    assert f'<label for="id_exam_date_{test_exam.pk}">PTP-100' in page
    assert f'<label for="id_exam_date_{unset.pk}">AAA-001' in page
    assert page.index("AAA-001") < page.index("PTP-100")  # by code
    assert "OLD-001" not in page and "ZZZ-999" not in page and "NEW-001" not in page
    assert page.count("Clear</button>") == 1  # only the exam with a day can be cleared


def test_a_learner_with_no_exam_is_told_where_to_start(learner_client):
    page = learner_client.get(SETTINGS).content.decode()
    assert 'id="exam-days"' in page and "Once you practise an exam" in page
    assert reverse("study:exam_list") in page


def test_it_sets_changes_and_clears_a_day_from_the_settings_page(learner_client, learner, test_exam):
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=5)
    day = timezone.localdate() + timedelta(days=30)
    response = post_day(learner_client, test_exam, day.isoformat())
    assert response.redirect_chain[-1][0] == BACK
    page = response.content.decode()
    assert f"Exam day set: {day:%A} {day.day} {day:%B %Y} for PTP-100." in page
    assert f'value="{day.isoformat()}"' in page
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date == day

    later = day + timedelta(days=7)
    post_day(learner_client, test_exam, later.isoformat())
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date == later

    # The Clear button sends a second, empty exam_date after the field's
    response = learner_client.post(reverse("study:exam_date", args=[test_exam.code]),
                                   {"exam_date": [later.isoformat(), ""], "next": BACK}, follow=True)
    assert response.redirect_chain[-1][0] == BACK
    assert "Exam day for PTP-100 cleared." in response.content.decode()
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date is None


def test_a_day_that_cannot_be_the_exam_comes_back_to_settings_with_the_exam_named(learner_client, learner, test_exam):
    day = timezone.localdate() + timedelta(days=30)
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=5, exam_date=day)
    response = post_day(learner_client, test_exam, (timezone.localdate() - timedelta(days=1)).isoformat())
    assert response.status_code == 200 and response.redirect_chain[-1][0] == BACK
    assert "PTP-100: That day has passed" in response.content.decode()
    assert ExamProgress.objects.get(user=learner, exam=test_exam).exam_date == day


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "study:dashboard"])
def test_it_never_follows_next_off_the_site(learner_client, learner, test_exam, target):
    day = timezone.localdate() + timedelta(days=30)
    response = learner_client.post(reverse("study:exam_date", args=[test_exam.code]),
                                   {"exam_date": day.isoformat(), "next": target})
    assert response.status_code == 302 and response["Location"] == test_exam.get_absolute_url() + "#exam-day"


def test_the_exam_page_form_still_comes_back_to_the_exam_page(learner_client, learner, test_exam):
    day = timezone.localdate() + timedelta(days=30)
    response = learner_client.post(reverse("study:exam_date", args=[test_exam.code]), {"exam_date": day.isoformat()})
    assert response["Location"] == test_exam.get_absolute_url() + "#exam-day"
