"""The signed-in user is loaded from a compiled query (accounts.models.UserManager.get): the same
user, every field as the database holds it, and the same errors as Django's own lookup."""

from datetime import UTC, datetime

import pytest
from django.db.models.query import QuerySet

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fields(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_a_lookup_by_id_gives_the_user_as_the_queryset_does():
    user = UserFactory(timezone="Asia/Tokyo", theme=User.Theme.DARK, last_login=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    UserFactory()  # another row, so a lookup that ignored the id could not pass
    fast = User.objects.get(pk=user.pk)
    usual = User.objects.filter(pk=user.pk).get()
    assert type(fast) is User and fast._state.adding is False and fast._state.db == "default"
    assert fields(fast) == fields(usual)
    assert fast.last_login == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_it_builds_no_query_for_an_id(monkeypatch):
    user = UserFactory()

    def built(*args, **kwargs):
        raise AssertionError("QuerySet.get was called")

    monkeypatch.setattr(QuerySet, "get", built)
    assert User.objects.get(pk=user.pk).email == user.email
    with pytest.raises(AssertionError, match="QuerySet.get was called"):
        User.objects.get(email=user.email)  # anything else goes the usual way


def test_an_unknown_id_raises_does_not_exist():
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=987_654)


def test_signed_in_pages_know_the_learner_and_a_deactivated_one_is_signed_out(client):
    user = UserFactory(display_name="Ada")
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
