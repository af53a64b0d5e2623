"""Moving the authentication backends signs nobody out (accounts/migrations/0006)."""

import importlib
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0006_sessions_name_accounts_backends")


def _session_signed_in_by(user, backend: str) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def test_a_session_from_before_the_move_stays_signed_in(client, learner, settings):
    django_session = _session_signed_in_by(learner, "django.contrib.auth.backends.ModelBackend")
    allauth_session = _session_signed_in_by(learner, "allauth.account.auth_backends.AuthenticationBackend")
    client.cookies[settings.SESSION_COOKIE_NAME] = django_session
    assert client.get("/dashboard/").status_code == 302  # the old path is no longer listed: signed out
    assert migration.rename_backends(migration.RENAMED) == 2
    for session_key in (django_session, allauth_session):
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        assert client.get("/dashboard/").status_code == 200
    assert migration.rename_backends(migration.RENAMED) == 0  # nothing left to rename
