"""Every view that sends the browser where the request says (`next=`) sends it to a path on this
site or to its own default: never off-site, never a 500, never to a view named by the user."""

from urllib.parse import urlsplit

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

HOSTILE = [
    "abc", "study:dashboard", "home", "", "/\x00x", "/\u202e", "/\nSet-Cookie: a=b", "//evil.example",
    "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "http://evil.example/", "https://testserver.evil/",
    "/" + "a" * 5000,
]


def assert_local(response, default: str | None = None):
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    parts = urlsplit(location)
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert not parts.scheme and not parts.netloc, location
    if default is not None:
        assert location == default


@pytest.mark.parametrize("target", HOSTILE)
def test_it_sends_the_theme_switch_home_for_a_hostile_next(learner_client, learner, target):
    response = learner_client.post("/account/theme/", {"theme": "dark", "next": target})
    assert_local(response, default="/")
    assert User.objects.get(pk=learner.pk).theme == "dark"


@pytest.mark.parametrize("target", ["/exams/", "/sessions/?page=2", "/ü", "/exams/PTP-100/#start"])
def test_it_sends_the_theme_switch_back_to_the_page_it_came_from(learner_client, target):
    response = learner_client.post("/account/theme/", {"theme": "light", "next": target})
    assert response.status_code == 302
    assert response["Location"] in (target, "/%C3%BC")


def test_it_sends_the_theme_switch_home_over_https_too(learner_client):
    response = learner_client.post("/account/theme/", {"theme": "dark", "next": "https://testserver/exams/"}, secure=True)
    assert_local(response, default="/")
    assert learner_client.post("/account/theme/", {"theme": "dark", "next": "/exams/"}, secure=True)["Location"] == "/exams/"


@pytest.mark.parametrize("target", HOSTILE)
def test_it_signs_in_and_stays_on_the_site_for_a_hostile_next(client, learner, password, target):
    response = client.post("/accounts/login/", {"login": learner.email, "password": password, "next": target})
    assert_local(response)
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("target", HOSTILE)
def test_it_signs_out_and_stays_on_the_site_for_a_hostile_next(learner_client, target):
    response = learner_client.post("/accounts/logout/", {"next": target})
    assert_local(response)
    assert "_auth_user_id" not in learner_client.session
