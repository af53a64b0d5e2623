from datetime import timedelta

import pytest
from django.utils import timezone

from growth.models import VoiceProfile, XAccount
from growth.tokens import token_encrypt
from tests.factories import ExamFactory, ObjectiveFactory
from tests.growth.fake_x import OUR_ID, OUR_NAME, FakeX


@pytest.fixture(autouse=True)
def _no_real_services(settings):
    # Whatever .env says, no test reaches X or a real model.
    settings.GROWTH_X_API_BASE_URL = "http://127.0.0.1:9"
    settings.AI_API_KEY = ""
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"


@pytest.fixture
def fake_x(settings, monkeypatch):
    """A scripted X API v2 on loopback; the growth app's client (xdk) is pointed at it."""
    # oauthlib refuses to refresh a token over plain HTTP unless told this is a test.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    server = FakeX().start()
    settings.GROWTH_X_API_BASE_URL = server.base_url
    settings.GROWTH_X_CLIENT_ID = "client-id"
    settings.GROWTH_X_CLIENT_SECRET = "client-secret"
    settings.GROWTH_X_TIMEOUT_SECONDS = 2
    settings.GROWTH_X_MONTHLY_CAP_USD = 100
    settings.GROWTH_SEARCH_MAX_RESULTS = 10
    yield server
    server.stop()


@pytest.fixture
def exam(db):
    objective = ObjectiveFactory(name="Explain subnetting and CIDR notation",
                                 domain__exam=ExamFactory(code="SY0-701", name="CompTIA Security+"))
    return objective.domain.exam


@pytest.fixture
def account(db, exam):
    account = XAccount.objects.create(
        username=OUR_NAME, x_user_id=OUR_ID, status=XAccount.Status.ACTIVE, monthly_cap_usd=10,
        access_token=token_encrypt("access-1"), refresh_token=token_encrypt("refresh-1"),
        token_expires_at=timezone.now() + timedelta(hours=2),
    )
    account.exams.set([exam])
    VoiceProfile.objects.create(
        account=account, persona="A patient CompTIA instructor", audience="People studying for Security+",
        tone="warm and precise", words_to_avoid="guaranteed\ncheat", example_posts="Subnetting clicks once you count in binary.")
    return account
