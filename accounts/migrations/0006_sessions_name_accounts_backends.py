"""Signed-in sessions name the backend that signed them in; the backends moved to
accounts.backends (the signed-in user loaded by a compiled query), and Django logs out a session
whose backend is no longer listed in AUTHENTICATION_BACKENDS. This renames it in every live
session, so nobody is signed out by the deploy."""

from importlib import import_module

from django.conf import settings
from django.db import migrations
from django.utils import timezone

BACKEND_SESSION_KEY = "_auth_user_backend"  # django.contrib.auth.BACKEND_SESSION_KEY
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}


def rename_backends(renamed: dict[str, str]) -> int:
    """Rename the backend in every unexpired session that names one of `renamed`; returns how many."""
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    changed = 0
    for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if row.get_decoded().get(BACKEND_SESSION_KEY) not in renamed:
            continue
        store = store_class(session_key=row.session_key)  # through the store: its cached copy changes too
        store[BACKEND_SESSION_KEY] = renamed[store[BACKEND_SESSION_KEY]]
        store.save()
        changed += 1
    return changed


def forwards(apps, schema_editor):
    rename_backends(RENAMED)


def backwards(apps, schema_editor):
    rename_backends({new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_plan_version"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
