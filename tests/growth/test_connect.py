"""Connecting an account to X (OAuth 2.0 with PKCE and offline.access) through the staff pages, the
X side played by the fake X server (its consent page and token endpoint, reached over real HTTP),
and keeping the tokens fresh (tokens_refresh_due, on beat every 15 minutes)."""

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from accounts.models import AuditEvent
from growth.models import XAccount, XApiCall
from growth.services import tokens_refresh_due
from growth.tasks import tokens_refresh_due_task
from growth.tokens import token_decrypt, token_encrypt
from tests.growth.fake_x import OUR_ID, OUR_NAME, Reply

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/growth/oauth/callback/"


@pytest.fixture
def x_login(fake_x, settings):
    """X's consent page is the fake's too."""
    settings.GROWTH_X_AUTHORIZE_BASE_URL = fake_x.authorize_base_url
    return fake_x


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def new_account(db):
    return XAccount.objects.create(username=OUR_NAME)  # added in admin, not connected yet


def start(staff_client, account) -> str:
    """Click "Connect": the address of X's consent page the app sends the person to."""
    response = staff_client.get(f"/growth/accounts/{account.pk}/connect/")
    assert response.status_code == 302
    return response["Location"]


def consent(url: str) -> str:
    """The person allows the app on X's page (real HTTP to the fake); where X sends them back."""
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def back_to_the_site(staff_client, url: str):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return staff_client.get(f"{parts.path}?{parts.query}", follow=True)


def test_it_connects_an_account_with_pkce_and_keeps_its_tokens_encrypted(staff_client, x_login, new_account, moderator):
    authorize = start(staff_client, new_account)

    parts = urlsplit(authorize)
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{x_login.authorize_base_url}/oauth2/authorize"
    assert (query["response_type"], query["client_id"], query["redirect_uri"]) == ("code", "client-id", CALLBACK)
    assert set(query["scope"].split()) == {"tweet.read", "tweet.write", "users.read", "offline.access"}
    assert query["code_challenge_method"] == "S256" and len(query["state"]) >= 20

    page = back_to_the_site(staff_client, consent(authorize))

    assert "@pingtopass is connected." in page.content.decode()
    [exchange] = x_login.requests_to("POST", "/2/oauth2/token")
    form = {key: value[0] for key, value in exchange.body.items()}
    assert (form["grant_type"], form["redirect_uri"]) == ("authorization_code", CALLBACK)
    verifier = form["code_verifier"]  # what the session kept; X checks it against the challenge
    assert base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=") == query["code_challenge"]
    assert verifier not in authorize  # the verifier never went through the browser
    account = XAccount.objects.get(pk=new_account.pk)
    assert (account.status, account.status_reason, account.x_user_id, account.display_name, account.followers) == (
        "active", "", OUR_ID, "PingToPass", 1200)
    assert (token_decrypt(account.access_token), token_decrypt(account.refresh_token)) == ("access-2", "refresh-2")
    assert "access-2" not in account.access_token and "refresh-2" not in account.refresh_token
    assert timedelta(minutes=119) < account.token_expires_at - timezone.now() <= timedelta(hours=2, seconds=1)
    [me] = x_login.requests_to("GET", "/2/users/me")
    assert me.headers["authorization"] == "Bearer access-2"
    event = AuditEvent.objects.get(action="growth_account_connected")
    assert (event.actor, event.target_id, event.detail["x_user_id"]) == (moderator, str(account.pk), OUR_ID)


def test_a_callback_is_good_once_and_only_with_its_state(staff_client, x_login, new_account):
    back = consent(start(staff_client, new_account))
    forged = back.replace("state=", "state=x")

    page = back_to_the_site(staff_client, forged).content.decode()

    assert "did not start here, or it was already used" in page
    assert x_login.requests_to("POST", "/2/oauth2/token") == []  # nothing exchanged on a forged state
    page = back_to_the_site(staff_client, back).content.decode()  # the state was used up by the forged try
    assert "did not start here" in page
    assert XAccount.objects.get(pk=new_account.pk).status == "new"


def test_signing_in_to_x_as_another_account_connects_nothing(staff_client, x_login, new_account):
    x_login.user("200", "learner_ann")
    x_login.signed_in_as = "200"

    page = back_to_the_site(staff_client, consent(start(staff_client, new_account))).content.decode()

    assert "You signed in to X as @learner_ann; sign in as @pingtopass to connect it." in page
    account = XAccount.objects.get(pk=new_account.pk)
    assert (account.status, account.access_token, account.refresh_token) == ("new", "", "")
    assert account.status_reason == "Signed in as @learner_ann, not @pingtopass."


def test_when_the_person_declines_on_x_the_queue_says_so(staff_client, x_login, new_account):
    x_login.consent = "deny"

    page = back_to_the_site(staff_client, consent(start(staff_client, new_account))).content.decode()

    assert "X did not connect the account: access_denied." in page
    assert x_login.requests_to("POST", "/2/oauth2/token") == []
    assert XAccount.objects.get(pk=new_account.pk).status == "new"


@pytest.mark.parametrize("answer", [
    Reply(400, {"error": "invalid_request", "error_description": "Value passed for the authorization code was invalid."}),
    Reply(200, "<html>Bad gateway</html>"),
])
def test_a_refused_or_unreadable_token_answer_connects_nothing(staff_client, x_login, new_account, answer):
    x_login.fail("POST /2/oauth2/token", answer)

    page = back_to_the_site(staff_client, consent(start(staff_client, new_account))).content.decode()

    assert "X did not give a token" in page
    account = XAccount.objects.get(pk=new_account.pk)
    assert (account.status, account.access_token) == ("new", "")


def test_an_account_that_needs_reconnecting_is_connected_again(staff_client, x_login, account):
    XAccount.objects.filter(pk=account.pk).update(status="reconnect", status_reason="The token could not be refreshed.")
    queue = staff_client.get("/growth/").content.decode()
    assert f'href="/growth/accounts/{account.pk}/connect/">Connect @pingtopass to X</a>' in queue

    page = back_to_the_site(staff_client, consent(start(staff_client, account))).content.decode()

    assert "@pingtopass is connected." in page
    account.refresh_from_db()
    assert (account.status, account.status_reason, token_decrypt(account.access_token)) == ("active", "", "access-2")


def test_connecting_without_the_x_apps_keys_says_what_to_set(staff_client, settings, new_account):
    settings.GROWTH_X_CLIENT_ID = ""
    response = staff_client.get(f"/growth/accounts/{new_account.pk}/connect/", follow=True)
    assert "Set GROWTH_X_CLIENT_ID and GROWTH_X_CLIENT_SECRET" in response.content.decode()


# --- tokens_refresh_due -----------------------------------------------------------------------
def expiring_in(account: XAccount, delta: timedelta) -> XAccount:
    XAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + delta)
    account.refresh_from_db()
    return account


def test_it_refreshes_a_token_that_expires_within_twenty_minutes(fake_x, account):
    expiring_in(account, timedelta(minutes=10))

    assert tokens_refresh_due() == [account.pk]

    [refresh] = fake_x.requests_to("POST", "/2/oauth2/token")
    assert refresh.body["grant_type"] == ["refresh_token"] and refresh.body["refresh_token"] == ["refresh-1"]
    assert refresh.headers["authorization"].startswith("Basic ")  # a confidential client
    account.refresh_from_db()
    assert (token_decrypt(account.access_token), token_decrypt(account.refresh_token)) == ("access-2", "refresh-2")
    assert timedelta(minutes=119) < account.token_expires_at - timezone.now() <= timedelta(hours=2, seconds=1)
    assert not XApiCall.objects.exists()  # a refresh is not a charged request


def test_it_leaves_fresh_tokens_and_unusable_accounts_alone(fake_x, account):
    expiring_in(account, timedelta(hours=1))
    paused = XAccount.objects.create(username="paused_brand", status="paused", refresh_token=token_encrypt("refresh-1"),
                                     access_token=token_encrypt("access-1"), token_expires_at=timezone.now())
    no_refresh = XAccount.objects.create(username="no_offline", status="active", access_token=token_encrypt("access-1"),
                                         token_expires_at=timezone.now())

    assert tokens_refresh_due() == []

    assert fake_x.requests == []
    assert XAccount.objects.get(pk=paused.pk).status == "paused"
    assert XAccount.objects.get(pk=no_refresh.pk).status == "active"


def test_a_refused_refresh_marks_that_account_for_reconnecting_and_the_others_go_on(fake_x, account, logged_warnings):
    warnings = logged_warnings("pingtopass.growth")
    expiring_in(account, timedelta(minutes=5))
    stale = XAccount.objects.create(username="old_brand", status="active", access_token=token_encrypt("access-0"),
                                    refresh_token=token_encrypt("refresh-0"),  # X no longer knows it
                                    token_expires_at=timezone.now() - timedelta(minutes=1))

    assert tokens_refresh_due() == [account.pk]

    stale.refresh_from_db()
    assert stale.status == "reconnect" and "could not be refreshed" in stale.status_reason
    assert token_decrypt(stale.access_token) == "access-0"  # kept until a person connects it again
    assert XAccount.objects.get(pk=account.pk).status == "active"
    assert any("@old_brand" in record.getMessage() for record in warnings)
    assert tokens_refresh_due() == []  # an account that needs reconnecting is not tried again and again
    assert len(fake_x.requests_to("POST", "/2/oauth2/token")) == 2


def test_a_token_stored_under_a_key_we_no_longer_hold_needs_reconnecting(fake_x, account, settings):
    expiring_in(account, timedelta(minutes=5))
    settings.GROWTH_TOKEN_KEYS = [base64.urlsafe_b64encode(b"k" * 32).decode()]  # the old key is gone

    assert tokens_refresh_due_task.delay().get() == []

    account.refresh_from_db()
    assert account.status == "reconnect" and "GROWTH_TOKEN_KEYS" in account.status_reason
    assert fake_x.requests == []


def test_the_beat_task_refreshes_what_is_due(fake_x, account):
    expiring_in(account, timedelta(minutes=19))
    assert tokens_refresh_due_task.delay().get() == [account.pk]
    assert token_decrypt(XAccount.objects.get(pk=account.pk).access_token) == "access-2"
