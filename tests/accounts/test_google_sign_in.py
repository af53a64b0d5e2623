"""Sign-in with Google where the site has no Google app configured: allauth's URLs still exist,
and they answer 404 instead of a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/google/login/", "/accounts/google/login/callback/?code=x&state=y",
                                 "/accounts/google/login/token/"])
def test_it_answers_404_while_google_is_not_configured(client, settings, url):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {"SCOPE": ["profile", "email"]}}
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
