"""A number no column can hold finds no row, whatever the lookup (pingtopass/db/lookups.py).

Django finds nothing for `pk=2**63` itself, but handed `pk__in=[2**63]` and any lookup through a
foreign key (`user=2**63`) to the database driver as they were: SQLite's raised OverflowError.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from djstripe.models import Charge

from accounts.models import User
from exams.models import Exam
from pingtopass.db.lookups import integer_range
from study.models import Bookmark, StudySession
from tests.factories import BookmarkFactory, StudySessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_LARGE, TOO_SMALL, FORTY_NINES = 2**63, -(2**63) - 1, int("9" * 40)


def test_it_leaves_out_of_in_the_numbers_no_column_holds():
    session = StudySessionFactory(question_total=3)
    assert list(StudySession.objects.filter(pk__in=[TOO_LARGE, session.pk, TOO_SMALL])) == [session]
    assert list(StudySession.objects.filter(id__in=[str(FORTY_NINES), str(session.pk)])) == [session]
    assert list(StudySession.objects.filter(question_total__in=[-1, 40_000, TOO_LARGE, 3])) == [session]
    assert not StudySession.objects.filter(pk__in=[TOO_LARGE, FORTY_NINES]).exists()


def test_it_finds_nothing_through_a_foreign_key_for_a_number_no_column_holds():
    bookmark = BookmarkFactory()
    for value in (TOO_LARGE, TOO_SMALL, FORTY_NINES, str(TOO_LARGE)):
        assert not Bookmark.objects.filter(user=value).exists()
        assert not Bookmark.objects.filter(question__objective__domain__exam=value).exists()
        assert not Bookmark.objects.filter(user__in=[value]).exists()
    assert list(Bookmark.objects.filter(user__in=[TOO_LARGE, bookmark.user_id])) == [bookmark]
    assert list(Bookmark.objects.filter(question__in=[bookmark.question, FORTY_NINES])) == [bookmark]


def test_it_finds_nothing_across_many_to_many_and_reverse_relations():
    session, group = StudySessionFactory(), Group.objects.create(name="testers")
    session.user.groups.add(group)
    assert list(User.objects.filter(groups__in=[TOO_LARGE, group.pk])) == [session.user]
    assert not User.objects.filter(groups=TOO_LARGE).exists()
    assert list(Exam.objects.filter(study_sessions__in=[FORTY_NINES, session.pk])) == [session.exam]


def test_it_compares_a_foreign_key_with_such_a_number_as_django_compares_an_id():
    bookmark = BookmarkFactory()
    assert list(Bookmark.objects.filter(user__lt=TOO_LARGE)) == list(Bookmark.objects.filter(pk__lt=TOO_LARGE)) == [bookmark]
    assert list(Bookmark.objects.filter(user__lte=TOO_LARGE)) == [bookmark]
    assert list(Bookmark.objects.filter(user__gt=TOO_SMALL)) == [bookmark]
    assert list(Bookmark.objects.filter(user__gte=TOO_SMALL)) == [bookmark]
    for lookup, value in [("gt", TOO_LARGE), ("gte", TOO_LARGE), ("lt", TOO_SMALL), ("lte", TOO_SMALL)]:
        assert not Bookmark.objects.filter(**{f"user__{lookup}": value}).exists()
        assert not Bookmark.objects.filter(**{f"pk__{lookup}": value}).exists()


def test_it_keeps_every_other_answer_of_the_lookups():
    first, second = UserFactory(), UserFactory()
    assert set(User.objects.filter(pk__in=[first.pk, second.pk, None])) == {first, second}
    assert not User.objects.filter(pk__in=[]).exists()
    assert list(User.objects.filter(pk__in=User.objects.filter(pk=first.pk).values("pk"))) == [first]
    with pytest.raises(ValueError):  # text where a number goes is still the caller's mistake
        User.objects.filter(pk__in=["abc"])


def test_it_knows_the_range_of_a_foreign_key_from_the_field_it_points_to():
    ids = connection.ops.integer_field_range("BigAutoField")
    assert integer_range(Bookmark._meta.get_field("user"), connection) == ids
    assert integer_range(StudySession._meta.get_field("question_total"), connection) == (
        connection.ops.integer_field_range("PositiveSmallIntegerField"))
    assert integer_range(Charge._meta.get_field("customer"), connection) is None  # to dj-stripe's text id
    assert integer_range(Bookmark._meta.get_field("note"), connection) is None
