"""Question selection: which questions a new session gets.

Candidates are narrowed in the database (servable, exam, objectives, difficulty, include/exclude
sets); the random draw is uniform within each stratum. Exam simulations draw per domain so each
domain's share follows the blueprint weights (largest-remainder rounding).
"""

import random
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.core.cache import cache

from exams.models import Exam, Objective, Question


@dataclass(frozen=True)
class SelectionCriteria:
    exam: Exam
    objective_ids: Collection[int] = ()
    difficulty_min: int = 1
    difficulty_max: int = 5
    include_ids: Collection[int] | None = None  # only these (missed, bookmarked, due ...)
    exclude_ids: Collection[int] = ()  # never these (seen ...)


def _candidates(criteria: SelectionCriteria):
    qs = Question.objects.servable().filter(
        exam=criteria.exam, difficulty__gte=criteria.difficulty_min, difficulty__lte=criteria.difficulty_max
    )
    if criteria.objective_ids:
        qs = qs.filter(objective_id__in=list(criteria.objective_ids))
    if criteria.include_ids is not None:
        qs = qs.filter(pk__in=list(criteria.include_ids))
    return qs


def question_count_available(criteria: SelectionCriteria) -> int:
    exclude = set(criteria.exclude_ids)
    if not exclude:
        return _candidates(criteria).count()
    return sum(1 for pk in _candidates(criteria).values_list("pk", flat=True) if pk not in exclude)


def question_sample(criteria: SelectionCriteria, count: int, rng: random.Random | None = None) -> list[int]:
    """Up to `count` question ids drawn uniformly at random from the candidates."""
    rng = rng or random.SystemRandom()
    exclude = set(criteria.exclude_ids)
    ids = [pk for pk in _candidates(criteria).values_list("pk", flat=True) if pk not in exclude]
    return rng.sample(ids, min(count, len(ids)))


def blueprint_quota(weights: dict[int, int], total: int) -> dict[int, int]:
    """Split `total` questions over domains in proportion to their weights (largest remainder)."""
    weight_sum = sum(weights.values()) or 1
    exact = {d: total * w / weight_sum for d, w in weights.items()}
    quota = {d: int(x) for d, x in exact.items()}
    leftover = total - sum(quota.values())
    for d in sorted(exact, key=lambda d: exact[d] - quota[d], reverse=True)[:leftover]:
        quota[d] += 1
    return quota


def question_sample_by_blueprint(criteria: SelectionCriteria, count: int, rng: random.Random | None = None) -> list[int]:
    """Draw `count` questions so each domain's share follows its weight; a domain short of
    questions gives its remaining places to the others, still by weight."""
    rng = rng or random.SystemRandom()
    exclude = set(criteria.exclude_ids)
    pools: dict[int, list[int]] = defaultdict(list)
    for pk, domain_id in _candidates(criteria).values_list("pk", "objective__domain_id"):
        if pk not in exclude:
            pools[domain_id].append(pk)
    weights = dict(criteria.exam.domains.values_list("pk", "weight"))
    chosen: list[int] = []
    remaining = min(count, sum(len(p) for p in pools.values()))
    while remaining > 0:
        open_weights = {d: w for d, w in weights.items() if pools.get(d)}
        quota = blueprint_quota(open_weights, remaining)
        drawn_now = 0
        for domain_id, n in quota.items():
            take = rng.sample(pools[domain_id], min(n, len(pools[domain_id])))
            pools[domain_id] = [pk for pk in pools[domain_id] if pk not in set(take)]
            chosen += take
            drawn_now += len(take)
        remaining -= drawn_now
        if drawn_now == 0:
            break
    rng.shuffle(chosen)
    return chosen


def ordered_questions(ids: Iterable[int]) -> list[Question]:
    ids = list(ids)
    by_id = Question.objects.select_related("objective__domain").prefetch_related("choices").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class BlueprintDomain:
    id: int
    number: str
    name: str
    weight: int
    objective_ids: tuple[int, ...]


def _blueprint_key(exam_id: int) -> str:
    return f"blueprint:v1:{exam_id}"


def exam_blueprint(exam: Exam) -> list[BlueprintDomain]:
    """The exam's domains with weights and objective ids, cached (Redis when configured) and
    invalidated whenever an exam, domain or objective changes."""
    key = _blueprint_key(exam.pk)
    blueprint = cache.get(key)
    if blueprint is None:
        objectives = defaultdict(list)
        for domain_id, objective_id in Objective.objects.filter(domain__exam=exam).values_list("domain_id", "id"):
            objectives[domain_id].append(objective_id)
        blueprint = [
            BlueprintDomain(d.pk, d.number, d.name, d.weight, tuple(objectives[d.pk]))
            for d in exam.domains.order_by("position", "number")
        ]
        cache.set(key, blueprint, 60 * 60)
    return blueprint


def exam_blueprint_invalidate(exam_id: int) -> None:
    cache.delete(_blueprint_key(exam_id))
