"""Practice answers are saved at once and folded into progress in batches (study.progress):
whatever the batching, the learner sees the same progress as if each answer were folded as it
came, every answer is folded exactly once, and every page that shows progress includes the
answers given moments before."""

import random
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from exams.models import Question
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, SessionItem, StudyDay, StudySession, WeeklyStat
from study.progress import progress_catch_up, progress_catch_up_stale
from study.services import SessionRequest, answer_record, session_start
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import QuestionFactory, UserFactory, pro_subscription

pytestmark = pytest.mark.django_db


def _answer(item, n):
    data = wrong_post_data(item) if n % 3 == 0 else correct_post_data(item)
    return answer_record(item=item, data=data, client_seconds=5 + n % 40, confidence=1 + n % 3)


def _snapshot(user):
    progress = ExamProgress.objects.get(user=user)
    return {
        "progress": (progress.answered, progress.correct, progress.study_seconds, progress.theta, progress.variance,
                     progress.readiness, progress.readiness_low, progress.readiness_high, progress.last_answer_at),
        "masteries": sorted(ObjectiveMastery.objects.filter(user=user).values_list(
            "objective_id", "answered", "correct", "theta", "variance", "last_answer_at")),
        "cards": sorted(  # fsrs numbers each card from the clock: its id is the one thing that may differ
            (*row[:-1], {k: v for k, v in row[-1].items() if k != "card_id"})
            for row in ReviewCard.objects.filter(user=user).values_list(
                "question_id", "due", "last_rating", "reviews", "lapses", "card")
        ),
        "days": sorted(StudyDay.objects.filter(user=user).values_list("date", "answered", "study_seconds")),
        "weeks": sorted(WeeklyStat.objects.filter(user=user).values_list("week_start", "answered", "correct", "readiness")),
    }


def test_folding_a_batch_gives_what_folding_each_answer_as_it_came_gives(test_exam):
    for i in range(24):
        objective = test_exam.domains.all()[i % 2].objectives.first()
        QuestionFactory(objective=objective, stem=f"fold {i}", difficulty=1 + i % 5)
    one_by_one, batched = UserFactory(), UserFactory()
    # Three sessions over two weeks; the third repeats the first's questions, so one batch
    # reviews the same card twice. Answers land 7 hours apart, across days and a week boundary.
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a Friday
    for user in (one_by_one, batched):
        n = 0
        for seed in (5, 6, 5):
            with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=7 * n)):
                session = session_start(user=user, exam=test_exam, request=SessionRequest(mode="practice", count=10),
                                        rng=random.Random(seed))
            for item in session.items.all():
                item.session.user = user
                with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=7 * n)):
                    _answer(item, n)
                if user is one_by_one:
                    assert progress_catch_up(user=user) == 1
                n += 1
    assert not ExamProgress.objects.filter(user=batched).exists()  # nothing folded yet
    assert progress_catch_up(user=batched) == 30

    expected, got = _snapshot(one_by_one), _snapshot(batched)
    assert got["progress"][0] == 30 and got["progress"][5] is not None  # enough answers for readiness
    assert len(got["weeks"]) == 2 and any(reviews == 2 for _, _, _, reviews, _, _ in got["cards"])
    assert got == expected


def test_each_answer_is_folded_once_however_often_progress_is_read(learner, start):
    session = start(learner)
    items = list(session.items.all()[:3])
    for n, item in enumerate(items):
        _answer(item, n + 1)
    assert progress_catch_up(user=learner) == 3
    assert progress_catch_up(user=learner) == 0
    assert ExamProgress.objects.get(user=learner).answered == 3
    assert sum(Question.objects.filter(pk__in=[i.question_id for i in items]).values_list("times_answered", flat=True)) == 3
    assert not SessionItem.objects.filter(session=session, progress_pending=True).exists()


def test_pages_that_show_progress_include_an_answer_given_moments_before(learner_client, learner, start):
    session = start(learner)
    item = session.items.get(position=1)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", wrong_post_data(item))
    assert "Seen 1 of" in learner_client.get("/exams/").content.decode()
    progress = ExamProgress.objects.get(user=learner)
    assert (progress.answered, progress.correct) == (1, 0)
    # The wrong answer is at once a "missed" question to retry.
    response = learner_client.post(f"/exams/{session.exam.code}/start/", {"quick": "missed"})
    retry = StudySession.objects.exclude(pk=session.pk).get(user=learner)
    assert response["Location"] == retry.get_absolute_url()
    assert list(retry.items.values_list("question_id", flat=True)) == [item.question_id]


def test_submitting_a_practice_session_folds_its_answers(learner_client, learner, start):
    session = start(learner)
    for n, item in enumerate(session.items.all()[:4]):
        _answer(item, n + 1)
    learner_client.post(f"/sessions/{session.pk}/submit/")
    assert ExamProgress.objects.get(user=learner).answered == 4
    assert not SessionItem.objects.filter(progress_pending=True).exists()


def test_the_periodic_fold_takes_answers_left_in_abandoned_sessions(learner, start):
    session = start(learner)
    old, recent = session.items.get(position=1), session.items.get(position=2)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(minutes=30)):
        _answer(old, 1)
    _answer(recent, 2)
    gone = start(UserFactory())
    erased = gone.items.get(position=1)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(minutes=30)):
        _answer(erased, 1)
    StudySession.objects.filter(pk=gone.pk).update(user=None)  # the learner deleted their account

    assert progress_catch_up_stale() == 2
    assert ExamProgress.objects.get(user=learner).answered == 1
    assert SessionItem.objects.filter(progress_pending=True).get() == recent
    assert Question.objects.get(pk=erased.question_id).times_answered == (1 + (erased.question_id == old.question_id))
    assert ExamProgress.objects.count() == 1  # the erased learner's answer counts only as a statistic


@pytest.mark.parametrize("progress_before", [False, True], ids=["no progress row yet", "progress row there"])
def test_a_fold_whose_rows_moved_before_it_wrote_is_folded_again_on_top(test_exam, progress_before):
    """A fold is planned with no lock held and written in a short transaction. When another fold
    of the learner (another tab) lands in between, the plan is dropped and its answers are folded
    again under the lock, on top: the learner ends up exactly where the two folds, one after the
    other, would have put them."""
    from study import progress as folding

    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    raced, reference = UserFactory(), UserFactory()
    sessions = {}
    for user in (raced, reference):
        n = 0
        for seed in (4, 5, 6) if progress_before else (5, 6):
            with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=n)):
                session = session_start(user=user, exam=test_exam, request=SessionRequest(mode="practice", count=4),
                                        rng=random.Random(seed))
            for item in session.items.all():
                with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=n)):
                    _answer(item, n)
                n += 1
            if seed == 4:
                assert progress_catch_up(user=user) == 4
            sessions.setdefault(user, []).append(session)
    first, second = sessions[raced][-2:]

    def pending(session):
        return SessionItem.objects.filter(session=session, progress_pending=True)

    plan = folding._plan_fold
    planned = []

    def plan_then_another_tab_folds(group, *, lock):
        fold = plan(group, lock=lock)
        planned.append((group[0].session_id, lock))
        if len(planned) == 1:
            assert folding._fold_pending_locked(pending(second), user=raced) == 4
        return fold

    with mock.patch.object(folding, "_plan_fold", plan_then_another_tab_folds):
        assert folding._fold_pending(pending(first), user=raced) == 4
    # planned unlocked; the other tab folded; found moved, so folded again under the lock
    assert planned == [(first.pk, False), (second.pk, True), (first.pk, True)]

    assert folding._fold_pending(pending(sessions[reference][-1]), user=reference) == 4
    assert folding._fold_pending(pending(sessions[reference][-2]), user=reference) == 4
    assert not SessionItem.objects.filter(progress_pending=True).exists()
    assert ExamProgress.objects.get(user=raced).answered == 8 + 4 * progress_before
    assert _snapshot(raced) == _snapshot(reference)
    answered = sum(Question.objects.filter(exam=test_exam).values_list("times_answered", flat=True))
    assert answered == 2 * (8 + 4 * progress_before)  # each answer counted once in the statistics


def test_a_fold_that_finds_its_answers_folded_meanwhile_adds_nothing(learner, start):
    from study import progress as folding

    session = start(learner)
    for n, item in enumerate(session.items.all()[:3]):
        _answer(item, n + 1)
    plan = folding._plan_fold
    folded_meanwhile = []

    def plan_then_another_tab_folds(group, *, lock):
        fold = plan(group, lock=lock)
        if not lock:
            folded_meanwhile.append(folding._fold_pending_locked(
                SessionItem.objects.filter(session=session, progress_pending=True), user=learner))
        return fold

    with mock.patch.object(folding, "_plan_fold", plan_then_another_tab_folds):
        assert progress_catch_up(user=learner) == 0  # nothing left for it: the other tab folded all three
    assert folded_meanwhile == [3]
    assert ExamProgress.objects.get(user=learner).answered == 3
    assert sum(Question.objects.filter(exam=session.exam).values_list("times_answered", flat=True)) == 3


def test_a_day_another_fold_began_meanwhile_is_added_to_not_lost(learner, start):
    """The plan found no row for today, and another fold (the learner's other exam, say) made it
    before this one wrote: the insert is refused, and the answers are added to that row."""
    from study import progress as folding

    session = start(learner)
    items = list(session.items.all()[:3])
    for n, item in enumerate(items):
        _answer(item, n + 1)
    today = timezone.now().astimezone(learner.zone).date()
    plan = folding._plan_fold

    def plan_then_another_exam_folds(group, *, lock):
        fold = plan(group, lock=lock)
        if not lock:
            assert fold.days_there == set()
            StudyDay.objects.create(user=learner, date=today, answered=2, study_seconds=50)
        return fold

    with mock.patch.object(folding, "_plan_fold", plan_then_another_exam_folds):
        assert progress_catch_up(user=learner) == 3
    day = StudyDay.objects.get(user=learner, date=today)
    assert day.answered == 5
    assert day.study_seconds == 50 + sum(SessionItem.objects.get(pk=i.pk).time_spent_seconds for i in items)
    assert ExamProgress.objects.get(user=learner).answered == 3


@pytest.mark.django_db(transaction=True)
def test_folds_of_one_learner_running_at_once_count_every_answer_once(start):
    """Two tabs (or a tab and the periodic task) fold the same learner's answers at the same
    moment, with real connections: on PostgreSQL each fold's checked write waits for the other's
    row lock and then finds the row moved. Whatever the interleaving, every answer counts once."""
    import threading

    from django.db import connection, connections

    from study import progress as folding

    if connection.vendor != "postgresql":
        pytest.skip("needs a database whose connections write at the same time (PostgreSQL)")
    learner = UserFactory()
    pro_subscription(learner)  # more answers than a free day holds
    rounds, total = 4, 0
    for _ in range(rounds):
        sessions = [start(learner, count=4), start(learner, count=4)]
        for session in sessions:
            for n, item in enumerate(session.items.all()):
                _answer(item, n + 1)
                total += 1
        barrier, failures = threading.Barrier(2), []

        def fold(session, barrier=barrier, failures=failures):
            try:
                barrier.wait()
                folding._fold_pending(SessionItem.objects.filter(session=session, progress_pending=True), user=learner)
            except Exception as exc:  # noqa: BLE001 -- reported below, with the thread's result
                failures.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=fold, args=(session,)) for session in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
    assert not SessionItem.objects.filter(progress_pending=True).exists()
    progress = ExamProgress.objects.get(user=learner)
    assert progress.answered == total == 8 * rounds
    assert sum(ObjectiveMastery.objects.filter(user=learner).values_list("answered", flat=True)) == total
    assert sum(StudyDay.objects.filter(user=learner).values_list("answered", flat=True)) == total
    assert sum(WeeklyStat.objects.filter(user=learner).values_list("answered", flat=True)) == total
    assert sum(Question.objects.values_list("times_answered", flat=True)) == total
    assert sum(ReviewCard.objects.filter(user=learner).values_list("reviews", flat=True)) == total
