"""A prepared query gives what its queryset gives, for any values, and refuses what it cannot
prepare instead of running the wrong SQL."""

import datetime

import pytest
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When

from accounts.models import User
from pingtopass.db.prepared import PreparedQuery, PreparedUpdate
from study.models import Bookmark, SessionItem
from tests.factories import BookmarkFactory, SessionItemFactory, StudySessionFactory, UserFactory, reloaded

pytestmark = pytest.mark.django_db


def _items(user, session):
    bookmark = Bookmark.objects.filter(user_id=user, question=OuterRef("question_id"))
    return (
        SessionItem.objects.select_related("question__objective", "session__exam")
        .annotate(bookmarked=Exists(bookmark), bookmark_note=Subquery(bookmark.values("note")[:1]))
        .filter(session_id=session, session__user_id=user)
        .order_by("position")
    )


ITEMS = PreparedQuery(_items)


def _snapshot(items):
    return [
        (i.pk, i.position, i.response, i.answered_at, i.bookmarked, i.bookmark_note, i.question.stem,
         i.question.objective.number, i.session.started_at, i.session.exam.code, i.session.user_id)
        for i in items
    ]


@pytest.fixture
def two_learners():
    sessions = [StudySessionFactory(), StudySessionFactory()]
    for session in sessions:
        for _ in range(3):
            SessionItemFactory(session=session, question__exam=session.exam, question__objective__domain__exam=session.exam)
    first = sessions[0].items.order_by("position")[0]
    first.response, first.answered_at = [1, 2], datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)
    first.save()
    BookmarkFactory(user=sessions[0].user, question=first.question, note="Check the port numbers")
    return sessions


def test_gives_the_querysets_instances_for_each_learner(two_learners, django_assert_num_queries):
    for session in two_learners:
        with django_assert_num_queries(1):
            prepared = ITEMS(user=session.user_id, session=session.pk)
        assert _snapshot(prepared) == _snapshot(_items(session.user_id, session.pk))
        assert len(prepared) == 3
    mine = ITEMS(user=two_learners[0].user_id, session=two_learners[0].pk)
    assert (mine[0].bookmarked, mine[0].bookmark_note) == (True, "Check the port numbers")
    assert mine[0].response == [1, 2] and mine[0].answered_at.tzinfo is not None  # JSON and datetime converted
    assert [i.bookmarked for i in mine[1:]] == [False, False]


def test_another_learners_session_gives_nothing(two_learners):
    assert ITEMS(user=two_learners[1].user_id, session=two_learners[0].pk) == []


@pytest.mark.parametrize("too_big", [2**63, 2**64, -(2**63) - 1, 10**40 - 1])
def test_it_finds_nothing_for_an_id_no_column_can_hold(two_learners, too_big):
    session = two_learners[0]
    assert ITEMS(user=session.user_id, session=too_big) == []  # SQLite's driver raised OverflowError
    assert ITEMS(user=too_big, session=session.pk) == []
    assert len(ITEMS(user=session.user_id, session=session.pk)) == 3  # and the next call binds as before


def test_it_still_finds_the_rows_of_the_largest_ids_a_column_holds():
    session = StudySessionFactory(pk=2**63 - 1)
    SessionItemFactory(session=session, question__exam=session.exam, question__objective__domain__exam=session.exam)
    assert [i.session_id for i in ITEMS(user=session.user_id, session=2**63 - 1)] == [2**63 - 1]


def test_refuses_a_query_whose_sql_changes_with_its_values():
    with pytest.raises(ValueError, match="SQL changes"):
        PreparedQuery(lambda count: SessionItem.objects.all()[:count])(count=3)


def test_refuses_a_value_that_never_reaches_the_sql():
    with pytest.raises(ValueError, match="do not reach"):
        PreparedQuery(lambda session, unused: SessionItem.objects.filter(session_id=session))(session=1, unused=2)


def _claim(user, today, limit):
    return User.objects.filter(pk=user).filter(Q(allowance_day__isnull=True) | ~Q(allowance_day=today) | Q(allowance_used__lt=limit)), {
        "allowance_used": Case(When(allowance_day=today, then=F("allowance_used") + 1), default=Value(1)),
        "allowance_day": today,
    }


CLAIM = PreparedUpdate(_claim)
SHOWN = PreparedUpdate(lambda item, at: (SessionItem.objects.filter(pk=item, shown_at__isnull=True), {"shown_at": at}))


def test_an_update_binds_dates_and_counts_the_rows_it_changed():
    learner = UserFactory()
    today, tomorrow = datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)
    assert [CLAIM(user=learner.pk, today=today, limit=2) for _ in range(3)] == [1, 1, 0]  # the third is over the limit
    assert reloaded(learner).allowance_used == 2 and reloaded(learner).allowance_day == today
    assert CLAIM(user=learner.pk, today=tomorrow, limit=2) == 1  # a new day starts again at one
    assert (reloaded(learner).allowance_used, reloaded(learner).allowance_day) == (1, tomorrow)


def test_an_update_binds_aware_datetimes():
    item = SessionItemFactory()
    at = datetime.datetime(2026, 7, 4, 18, 5, 9, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=-4)))
    assert SHOWN(item=item.pk, at=at) == 1
    assert SHOWN(item=item.pk, at=at + datetime.timedelta(hours=1)) == 0  # only the first showing counts
    item.refresh_from_db()
    assert item.shown_at == at


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_refuses_values_it_cannot_bind_as_given():
    with pytest.raises(ValueError, match="integers, floats, dates and datetimes"):
        PreparedQuery(lambda note: Bookmark.objects.filter(note=note))(note="x")
    with pytest.raises(ValueError, match="none of them as given"):  # a date compared with a datetime column
        PreparedQuery(lambda day: SessionItem.objects.filter(answered_at__gte=day))(day=datetime.date(2026, 1, 1))


def test_a_compiled_update_writes_what_update_writes_and_checks_its_filter_when_run():
    from pingtopass.db.prepared import compiled_update

    item = SessionItemFactory()
    at = datetime.datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    fields = {"response": {"choices": [3, 1], "note": "it's \"quoted\""}, "is_correct": False, "answered_at": at,
              "time_spent_seconds": 12.5}
    unanswered = SessionItem.objects.filter(pk=item.pk, response__isnull=True)
    first, second = compiled_update(unanswered, fields), compiled_update(unanswered, {**fields, "is_correct": True})
    assert first() == 1
    item = reloaded(item)
    assert (item.response, item.is_correct, item.answered_at, item.time_spent_seconds) == (
        fields["response"], False, at, 12.5)
    assert second() == 0  # compiled while unanswered, run once answered: its filter no longer matches
    assert reloaded(item).is_correct is False
