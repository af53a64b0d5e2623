"""The UTM tags of the link a visitor came by are kept from the landing page through sign-up, on
the new account, so sign-ups can be counted per source and campaign (growth counts those from X)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SignupSource, User
from accounts.privacy import user_data_export
from tests.factories import ExamFactory

pytestmark = pytest.mark.django_db

TAGGED = "utm_source=x&utm_medium=social&utm_campaign=question-of-the-day&utm_content=pingtopass-q12"


def sign_up(client, email="new.learner@example.com"):
    response = client.post("/accounts/signup/", {"email": email, "password1": "a-long-enough-passphrase",
                                                 "password2": "a-long-enough-passphrase"})
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_it_keeps_the_tags_of_the_landing_page_through_sign_up(client):
    exam = ExamFactory(code="SY0-701")
    before = timezone.now()
    assert client.get(f"/exams/{exam.code}/?{TAGGED}").status_code == 200
    client.get("/exams/")  # untagged pages on the way leave the tags alone
    client.get("/accounts/signup/")

    user = sign_up(client)

    source = user.signup_source
    assert (source.utm_source, source.utm_medium, source.utm_campaign, source.utm_content) == (
        "x", "social", "question-of-the-day", "pingtopass-q12")
    assert source.landing_path == f"/exams/{exam.code}/"
    assert before <= source.landed_at <= source.created_at <= timezone.now()
    assert "signup_source" not in client.session  # used once


def test_the_last_tagged_link_before_sign_up_gets_the_credit(client):
    client.get(f"/?{TAGGED}")
    client.get("/?utm_source=Newsletter&utm_campaign=december")

    source = sign_up(client).signup_source

    assert (source.utm_source, source.utm_campaign, source.utm_content) == ("newsletter", "december", "")


def test_a_sign_up_without_a_tagged_landing_has_no_source(client):
    client.get("/exams/")
    user = sign_up(client)
    assert not SignupSource.objects.filter(user=user).exists()


@pytest.mark.parametrize("query", [
    "utm_source=&utm_campaign=nothing",  # no source: not a tagged link
    "utm_campaign=only-a-campaign",
])
def test_a_link_without_a_source_is_not_kept(client, query):
    client.get(f"/?{query}")
    assert not SignupSource.objects.filter(user=sign_up(client)).exists()


def test_odd_tags_are_cleaned_and_never_break_sign_up(client):
    response = client.get("/", {"utm_source": " X\x00\n", "utm_campaign": "c" * 500, "utm_content": "<script>"})
    assert response.status_code == 200

    source = sign_up(client).signup_source

    assert (source.utm_source, len(source.utm_campaign), source.utm_content) == ("x", 100, "<script>")


def test_a_signed_in_persons_tagged_visits_are_not_kept(client, learner):
    client.force_login(learner)
    client.get(f"/?{TAGGED}")
    assert "signup_source" not in client.session


def test_the_source_is_in_the_learners_data_export(client):
    client.get(f"/?{TAGGED}")
    user = sign_up(client)
    SignupSource.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=1))

    exported = user_data_export(user=user)["signup_source"]

    assert exported["utm_source"] == "x" and exported["utm_content"] == "pingtopass-q12"
    assert exported["landing_path"] == "/" and exported["signed_up_at"]
