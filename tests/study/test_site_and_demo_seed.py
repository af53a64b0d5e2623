"""A fresh install names itself: the sign-up email says who it is from, not "example.com"
(issue 29, defect 6); and the dev seed gives a moderator pending AI-written questions to review
without an API key."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command

from exams.models import Question

pytestmark = pytest.mark.django_db
SIGNUP = {"email": "new.learner@example.org", "password1": "a-long-enough-passphrase",
          "password2": "a-long-enough-passphrase"}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def as_on_a_fresh_database():
    """The row django.contrib.sites leaves on a new database (and after a test flush)."""
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": "example.com", "name": "example.com"})
    Site.objects.clear_cache()


def test_the_signup_email_comes_from_the_site_after_the_seed(client):
    as_on_a_fresh_database()
    seed("--env", "test")

    assert client.post("/accounts/signup/", SIGNUP).status_code == 302

    body = mail.outbox[-1].body
    assert f"Hello from {settings.SITE_NAME}!" in body
    assert "example.com" not in body


def test_the_migration_names_the_site_from_settings():
    as_on_a_fresh_database()
    migration = importlib.import_module("accounts.migrations.0008_site_from_settings")

    migration.site_from_settings(apps, None)

    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == (settings.SITE_NAME, settings.SITE_DOMAIN)


def test_a_site_an_operator_renamed_is_left_alone():
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": "learn.example.net", "name": "Our Academy"})
    seed("--env", "test")
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("Our Academy", "learn.example.net")


def test_the_dev_seed_adds_pending_ai_questions_once_for_the_review_queue(client, moderator):
    seed("--env", "dev")
    seed("--env", "dev")

    pending = Question.objects.filter(source=Question.Source.AI, review_status=Question.ReviewStatus.PENDING)
    assert 3 <= pending.count() <= 6
    assert all("not a real call" in q.ai_model for q in pending)
    assert not Question.objects.servable().filter(pk__in=pending).exists()

    client.force_login(moderator)
    queue = client.get("/admin/aigen/aiquestion/").content.decode()
    for question in pending:
        assert f"/admin/exams/question/{question.pk}/preview/" in queue
