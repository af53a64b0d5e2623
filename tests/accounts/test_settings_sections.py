"""Sections other apps add to the settings page (accounts/settings_sections.py): shown when they
have something for the user, left out when they answer None, replaced when registered again."""

import pytest
from django.urls import get_resolver, reverse

from accounts import settings_sections
from accounts.settings_sections import SettingsSection, settings_section_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    """The registry as the apps left it, restored after the test."""
    get_resolver().resolve(reverse("accounts:settings"))  # every app's sections registered (study's when its views are imported)
    kept = dict(settings_sections._sections)
    yield
    settings_sections._sections.clear()
    settings_sections._sections.update(kept)


def test_a_section_with_nothing_for_the_user_is_left_out(learner_client, sections):
    seen = []

    def nothing(request):
        seen.append(request.user)
        return None

    settings_section_register(SettingsSection(name="test-nothing", template_name="no/such/template.html",
                                              context=nothing))
    response = learner_client.get(reverse("accounts:settings"))
    assert response.status_code == 200 and seen == [response.wsgi_request.user]


def test_a_section_is_drawn_with_its_context_and_registering_again_replaces_it(learner_client, learner, test_exam,
                                                                               sections):
    from study.models import ExamProgress

    ExamProgress.objects.create(user=learner, exam=test_exam, answered=3)
    assert "PTP-100" in learner_client.get(reverse("accounts:settings")).content.decode()  # study's own section
    template = "study/partials/exam_days_settings.html"
    settings_section_register(SettingsSection(name="exam-days", template_name=template,
                                              context=lambda request: {"exams": [], "back": "/"}))
    page = learner_client.get(reverse("accounts:settings")).content.decode()
    assert page.count('id="exam-days"') == 1 and "Once you practise an exam" in page and "PTP-100" not in page
