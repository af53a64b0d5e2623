"""accounts' compiled queries give what the plain ORM queries beside them give, and the
authentication backends that load the signed-in user with them keep Django's rules."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user

from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.compiled_queries import user_by_pk, user_by_pk_query
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fields(users) -> list[dict]:
    return [{f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields} for user in users]


def test_it_gives_the_user_the_queryset_gives():
    user = UserFactory(timezone="Asia/Tokyo", theme=User.Theme.DARK, last_login=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    UserFactory()  # another row, so a lookup that ignored the id could not pass
    compiled, plain = user_by_pk(pk=user.pk), list(user_by_pk_query(user.pk))
    assert len(compiled) == 1 and fields(compiled) == fields(plain)
    assert type(compiled[0]) is User and compiled[0]._state.adding is False and compiled[0]._state.db == "default"
    assert compiled[0].last_login == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.mark.parametrize("pk", [987_654, 2**63])  # no such user; an id no column can hold
def test_it_gives_no_user_for_an_unknown_id(pk):
    UserFactory()
    assert user_by_pk(pk=pk) == []
    if pk < 2**63:
        assert list(user_by_pk_query(pk)) == []


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_backends_load_an_active_user_and_refuse_an_inactive_or_unknown_one(backend):
    user = UserFactory()
    assert backend().get_user(user.pk) == user
    assert backend().get_user(987_654) is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend().get_user(user.pk) is None


def test_a_signed_in_request_gets_its_user_and_a_deactivated_one_is_signed_out(client, rf):
    user = UserFactory()
    client.force_login(user)
    request = rf.get("/")
    request.session = client.session
    assert get_user(request) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not get_user(request).is_authenticated
