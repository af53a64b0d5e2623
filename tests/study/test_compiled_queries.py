"""Each of study's compiled queries gives what its plain ORM query gives (study/compiled_queries.py)."""

import functools
from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Question
from study import compiled_queries as compiled
from study.models import Bookmark, ObjectiveMastery, SessionItem, StudySession
from tests.compiled import assert_same_rows, assert_same_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(learner, start):
    session = start(learner, count=3)
    item = session.items.get(position=2)
    Bookmark.objects.create(user=learner, question_id=item.question_id, note="Check the RFC")
    SessionItem.objects.filter(pk=item.pk).update(progress_pending=True, response=[1])
    return session


def test_it_finds_the_cards_item_with_the_learners_bookmark(session, learner):
    for position in (1, 2, 4):
        values = {"user": learner.pk, "session": session.pk, "position": position}
        found = assert_same_rows(compiled.session_item, compiled.session_item_query, **values)
        assert len(found) == (position <= 3)
        assert_same_rows(compiled.session_item_with_session, compiled.session_item_with_session_query, **values)
    found = compiled.session_item(user=learner.pk, session=session.pk, position=2)
    assert found[0].bookmarked and found[0].bookmark_note == "Check the RFC"
    stranger = UserFactory()
    assert compiled.session_item_with_session(user=stranger.pk, session=session.pk, position=1) == []


def test_it_finds_a_start_made_moments_ago_and_the_open_session(session, learner):
    since = timezone.now() - timedelta(seconds=10)
    for mode in StudySession.Mode.values:
        found = assert_same_rows(compiled.just_started[mode], functools.partial(compiled.just_started_query, mode=mode),
                                 user=learner.pk, exam=session.exam_id, since=since)
        assert [s.pk for s in found] == ([session.pk] if mode == session.mode else [])
    assert_same_rows(compiled.open_session_locked, compiled.open_session_locked_query, session=session.pk)


def test_it_finds_pending_answers(session, learner):
    found = assert_same_rows(compiled.pending_probe, compiled.pending_probe_query, user=learner.pk)
    assert len(found) == 1


def test_its_writes_change_what_the_plain_updates_change(session, learner):
    item = session.items.get(position=1)
    assert assert_same_update(compiled.mark_shown, compiled.mark_shown_update, SessionItem,
                              item=item.pk, at=timezone.now()) == 1
    assert assert_same_update(compiled.move_to, compiled.move_to_update, StudySession,
                              session=session.pk, position=3) == 1
    assert assert_same_update(compiled.add_answers, compiled.add_answers_update, Question,
                              question=item.question_id, answered=2, correct=1, seconds=12.5) == 1
    mastery = ObjectiveMastery.objects.create(user=learner, exam=session.exam, objective=item.question.objective)
    assert assert_same_update(compiled.set_mastery, compiled.set_mastery_update, ObjectiveMastery,
                              pk=mastery.pk, theta=0.4, variance=0.9, answered=3, correct=2,
                              last_answer_at=timezone.now()) == 1
    bump = compiled.bump(ObjectiveMastery, ("answered",), ("theta",), ("pk",))
    values = {"where_pk": mastery.pk, "add_answered": 2, "set_theta": 1.25}

    def plain(**v):
        return compiled.bump_update(ObjectiveMastery, ("answered",), ("theta",), ("pk",), **v)

    assert assert_same_update(bump, plain, ObjectiveMastery, **values) == 1
