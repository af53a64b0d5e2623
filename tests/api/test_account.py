"""The learner's data over the API: the export is the settings page's download, and deleting the
account asks for the password and the phrase, counts against the same limit (5 tries an hour,
refused while the cache that counts them is down) and leaves the app's token useless."""

import json

import pytest
from django.test import override_settings

from accounts.models import AuditEvent, User
from study.models import Bookmark, StudySession
from tests.answers import correct_post_data
from tests.api.conftest import API
from tests.api.test_learner_loop import as_json_answer
from tests.factories import PASSWORD, UserFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db

DELETE = {"password": PASSWORD, "confirm": "delete my account"}


@pytest.fixture
def studied(signed_in_app, learner, start):
    session = start(learner, count=3)
    item = session.items.get(position=1)
    app = signed_in_app
    app.post(f"{API}/sessions/{session.pk}/questions/1/answer", {"answer": as_json_answer(correct_post_data(item))})
    app.post(f"{API}/sessions/{session.pk}/questions/1/bookmark", {"note": "my private note"})
    other = UserFactory(email="other@example.com")
    Bookmark.objects.create(user=other, question=item.question, note="other's secret note")
    return session


def test_the_export_is_the_settings_pages_download(signed_in_app, learner, learner_client, studied):
    response = signed_in_app.post(f"{API}/account/export")

    assert response.status_code == 200, response.content
    data = response.json()
    download = json.loads(learner_client.post("/account/export/").content)
    assert {**data, "exported_at": None} == {**download, "exported_at": None}
    assert data["profile"]["email"] == learner.email
    assert [s["id"] for s in data["study"]["sessions"]] == [studied.pk]
    assert [b["note"] for b in data["study"]["bookmarks"]] == ["my private note"]
    assert "other@example.com" not in response.content.decode() and "other's secret" not in response.content.decode()
    assert AuditEvent.objects.filter(action="data_exported", actor=learner).count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({**DELETE, "password": "not-my-password"}, "password"),
    ({**DELETE, "confirm": "delete it"}, "confirm"),
    ({"password": DELETE["password"]}, "confirm"),
])
def test_deletion_needs_the_password_and_the_phrase(signed_in_app, learner, body, field):
    response = signed_in_app.post(f"{API}/account/delete", body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert User.objects.filter(pk=learner.pk).exists()


def test_deleting_the_account_keeps_answers_anonymously_and_stops_the_token(signed_in_app, learner, studied):
    response = signed_in_app.post(f"{API}/account/delete", DELETE)

    assert response.status_code == 204 and not response.content
    assert not User.objects.filter(pk=learner.pk).exists()
    studied.refresh_from_db()
    assert studied.user_id is None and StudySession.objects.filter(pk=studied.pk).exists()
    assert list(Bookmark.objects.values_list("note", flat=True)) == ["other's secret note"]
    assert signed_in_app.get(f"{API}/progress").status_code == 401
    assert signed_in_app.post(f"{API}/account/export").status_code == 401


def test_deletion_tries_are_limited_as_on_the_site(signed_in_app, learner):
    tries = [signed_in_app.post(f"{API}/account/delete", {**DELETE, "password": f"guess {n}"}) for n in range(5)]
    assert [r.status_code for r in tries] == [422] * 5

    limited = signed_in_app.post(f"{API}/account/delete", DELETE)  # the right password, too late

    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
    assert User.objects.filter(pk=learner.pk).exists()


def test_deletion_is_refused_with_retry_after_while_the_cache_is_down(signed_in_app, learner, settings):
    nothing_listens = {"default": {**settings.CACHES["default"], "BACKEND": "pingtopass.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0", "OPTIONS": {"COOL_DOWN": 5}}}
    with override_settings(CACHES=nothing_listens):
        response = signed_in_app.post(f"{API}/account/delete", DELETE)

    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "60" and response.json()["code"] == "briefly_unavailable"
    assert User.objects.filter(pk=learner.pk).exists()
