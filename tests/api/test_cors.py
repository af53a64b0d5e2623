"""Only the configured origins may call the API from a browser (django-cors-headers)."""

import pytest

pytestmark = pytest.mark.django_db

APP_ORIGIN = "https://app.pingtopass.example"


@pytest.fixture(autouse=True)
def _one_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP_ORIGIN]


def preflight(client, origin, path="/api/v1/sessions"):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "authorization, content-type"})


def test_a_configured_origin_may_call_the_api_and_sign_in(client):
    for path in ("/api/v1/sessions", "/_allauth/app/v1/auth/login"):
        response = preflight(client, APP_ORIGIN, path)
        assert response["Access-Control-Allow-Origin"] == APP_ORIGIN
        assert "authorization" in response["Access-Control-Allow-Headers"]


def test_any_other_origin_gets_no_cors_headers(client):
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://evil.example")
    assert "Access-Control-Allow-Origin" not in client.get("/exams/", headers={"Origin": APP_ORIGIN})  # the site is not the API
