import random
from collections import Counter

import pytest
from django.db.models import Count

from exams.models import Question, QuestionSlot, StratumSize
from exams.pools import question_pools_rebuild
from exams.selectors import SelectionCriteria, question_sample, question_sample_by_blueprint
from exams.services import question_review
from tests.factories import DomainFactory, ExamFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def assert_pools_consistent():
    """Every servable question has exactly one slot; ranks in each stratum run 0..size-1."""
    servable = set(Question.objects.servable().values_list("pk", flat=True))
    assert set(QuestionSlot.objects.values_list("question_id", flat=True)) == servable
    for stratum in StratumSize.objects.all():
        ranks = sorted(QuestionSlot.objects.filter(stratum=stratum).values_list("rank", flat=True))
        assert ranks == list(range(stratum.size)), stratum
    for slot in QuestionSlot.objects.select_related("question", "stratum"):
        assert (slot.stratum.objective_id, slot.stratum.difficulty) == (slot.question.objective_id, slot.question.difficulty)
        assert slot.key == QuestionSlot.make_key(slot.stratum_id, slot.rank)


def test_pools_follow_every_change_a_question_can_go_through(moderator):
    objective = ObjectiveFactory()
    other = ObjectiveFactory(domain=objective.domain)
    questions = QuestionFactory.create_batch(6, objective=objective, difficulty=2)
    pending = QuestionFactory(objective=objective, difficulty=2, review_status="pending", reviewed_at=None)
    assert_pools_consistent()
    question_review(questions=[pending], reviewer=moderator, status="approved")
    question_review(questions=questions[:2], reviewer=moderator, status="rejected", note="wrong")
    assert_pools_consistent()
    questions[2].difficulty = 4
    questions[2].save()
    questions[3].objective = other
    questions[3].save()
    questions[4].is_active = False
    questions[4].save()
    assert_pools_consistent()
    questions[5].delete()
    assert_pools_consistent()
    assert StratumSize.objects.get(objective=objective, difficulty=2).size == 1  # only `pending`, now approved
    assert question_pools_rebuild() == Question.objects.servable().count()
    assert_pools_consistent()


def test_samples_respect_objectives_difficulty_and_exclusions():
    exam = ExamFactory()
    a = ObjectiveFactory(domain=DomainFactory(exam=exam))
    b = ObjectiveFactory(domain=a.domain)
    for difficulty in range(1, 6):
        QuestionFactory.create_batch(4, objective=a, difficulty=difficulty)
        QuestionFactory.create_batch(4, objective=b, difficulty=difficulty)
    excluded = set(Question.objects.filter(objective=a, difficulty=3).values_list("pk", flat=True)[:2])
    criteria = SelectionCriteria(exam=exam, objective_ids=(a.pk,), difficulty_min=2, difficulty_max=3,
                                 exclude_probe=lambda ids: excluded & set(ids))
    drawn = question_sample(criteria, 50, rng=random.Random(1))
    assert len(drawn) == len(set(drawn)) == 6  # 8 matching, 2 excluded
    rows = Question.objects.filter(pk__in=drawn)
    assert all(q.objective_id == a.pk and 2 <= q.difficulty <= 3 and q.pk not in excluded for q in rows)


def test_draws_are_uniform_within_a_stratum():
    objective = ObjectiveFactory()
    QuestionFactory.create_batch(10, objective=objective, difficulty=3)
    exam = objective.domain.exam
    rng = random.Random(42)
    counts = Counter()
    trials = 3000
    for _ in range(trials):
        counts.update(question_sample(SelectionCriteria(exam=exam), 3, rng=rng))
    expected = trials * 3 / 10
    assert len(counts) == 10
    assert all(abs(n - expected) < 0.12 * expected for n in counts.values()), counts
    # chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value
    assert sum((n - expected) ** 2 / expected for n in counts.values()) < 27.9


def test_uniform_even_when_most_of_the_pool_is_excluded():
    objective = ObjectiveFactory()
    ids = [q.pk for q in QuestionFactory.create_batch(40, objective=objective)]
    seen = set(ids[:34])
    rng = random.Random(3)
    counts = Counter()
    for _ in range(600):
        drawn = question_sample(SelectionCriteria(exam=objective.domain.exam, exclude_probe=lambda c: seen & set(c)), 2, rng=rng)
        assert not seen & set(drawn)
        counts.update(drawn)
    assert set(counts) == set(ids[34:])
    assert max(counts.values()) < 1.35 * min(counts.values())


def test_blueprint_draws_follow_weights_and_fill_short_domains():
    exam = ExamFactory(question_count=20)
    big = ObjectiveFactory(domain=DomainFactory(exam=exam, number="1.0", weight=50))
    small = ObjectiveFactory(domain=DomainFactory(exam=exam, number="2.0", weight=50))
    QuestionFactory.create_batch(30, objective=big)
    QuestionFactory.create_batch(4, objective=small)
    drawn = question_sample_by_blueprint(SelectionCriteria(exam=exam), 20, rng=random.Random(5))
    shares = Counter(Question.objects.filter(pk__in=drawn).values_list("objective_id", flat=True))
    assert len(drawn) == 20 and shares == {small.pk: 4, big.pk: 16}


def test_inactive_exams_serve_nothing():
    question = QuestionFactory()
    exam = question.exam
    exam.is_active = False
    exam.save()
    assert question_sample(SelectionCriteria(exam=exam), 5) == []


def test_selection_queries_do_not_grow_with_the_pool(django_assert_max_num_queries):
    exam = ExamFactory()
    objectives = [ObjectiveFactory(domain=DomainFactory(exam=exam, weight=20)) for _ in range(5)]
    for objective in objectives:
        QuestionFactory.create_batch(60, objective=objective, difficulty=random.Random(objective.pk).randint(1, 5), choices=False)
    assert QuestionSlot.objects.aggregate(n=Count("id"))["n"] == 300
    with django_assert_max_num_queries(3):
        assert len(question_sample(SelectionCriteria(exam=exam), 65)) == 65
    with django_assert_max_num_queries(14):
        assert len(question_sample_by_blueprint(SelectionCriteria(exam=exam), 65)) == 65
