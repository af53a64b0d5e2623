"""Question selection: which questions a new session gets.

Selection never scans or sorts the pool. Each servable question holds a gap-free rank within its
stratum (objective × difficulty, see exams/pools.py), so drawing k questions uniformly from the
strata that match is: draw k distinct positions in the strata's combined range, look the ranks
up through the (objective, difficulty, rank) index. Exclusions (questions a learner has seen)
are checked only for the drawn candidates, by a probe query, and the draw repeats for the ones
rejected — rejection sampling keeps the result uniform over what is left. Learner-specific
include sets (missed, bookmarked, due) are small and drawn from directly.

Exam simulations draw per domain so each domain's share follows the blueprint weights
(largest-remainder rounding); a domain short of questions gives its places to the others.
"""

import math
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import accumulate

from django.core.cache import cache
from django.db.models import Q

from exams.models import Exam, Objective, Question, QuestionSlot, StratumSize

Probe = Callable[[list[int]], set[int]]  # candidate ids → the ones to leave out
MAX_ROUNDS = 8


@dataclass(frozen=True)
class SelectionCriteria:
    exam: Exam
    objective_ids: Collection[int] = ()
    difficulty_min: int = 1
    difficulty_max: int = 5
    include_ids: Collection[int] | None = None  # only these (missed, bookmarked, due ...)
    exclude_ids: Collection[int] = ()  # never these (already chosen ...)
    exclude_probe: Probe | None = None  # never these either, asked per candidate batch (seen ...)


def _excluded(criteria: SelectionCriteria, ids: list[int]) -> set[int]:
    excluded = {pk for pk in ids if pk in criteria.exclude_ids} if criteria.exclude_ids else set()
    if criteria.exclude_probe is not None:
        rest = [pk for pk in ids if pk not in excluded]
        if rest:
            excluded |= criteria.exclude_probe(rest)
    return excluded


def _strata(criteria: SelectionCriteria, objective_ids: Collection[int] | None = None) -> list[tuple[int, int, int]]:
    qs = StratumSize.objects.filter(
        exam=criteria.exam, size__gt=0, difficulty__gte=criteria.difficulty_min, difficulty__lte=criteria.difficulty_max
    )
    wanted = objective_ids if objective_ids is not None else criteria.objective_ids
    if wanted:
        qs = qs.filter(objective_id__in=list(wanted))
    return sorted(qs.values_list("objective_id", "difficulty", "size"))


def _lookup(strata: list[tuple[int, int, int]], starts: list[int], positions: list[int]) -> list[int]:
    """Question ids at these combined positions, in the order of `positions`."""
    wanted: dict[tuple[int, int], list[int]] = defaultdict(list)
    at: dict[tuple[int, int, int], int] = {}
    for position in positions:
        i = bisect_right(starts, position) - 1
        objective, difficulty, _ = strata[i]
        rank = position - starts[i]
        wanted[(objective, difficulty)].append(rank)
        at[(objective, difficulty, rank)] = position
    condition = Q()
    for (objective, difficulty), ranks in wanted.items():
        condition |= Q(objective_id=objective, difficulty=difficulty, rank__in=ranks)
    found = {
        at[(o, d, r)]: q
        for o, d, r, q in QuestionSlot.objects.filter(condition)
        .filter(question__is_active=True, question__review_status=Question.ReviewStatus.APPROVED)
        .values_list("objective_id", "difficulty", "rank", "question_id")
    }
    return [found[p] for p in positions if p in found]


def _draw(criteria: SelectionCriteria, strata: list[tuple[int, int, int]], count: int, rng: random.Random) -> list[int]:
    total = sum(size for _, _, size in strata)
    starts = list(accumulate([0] + [size for _, _, size in strata[:-1]])) if strata else []
    drawn: set[int] = set()
    chosen: list[int] = []
    accept_rate = 1.0
    for _ in range(MAX_ROUNDS):
        need = count - len(chosen)
        left = total - len(drawn)
        if need <= 0 or left <= 0:
            break
        want = min(left, math.ceil(need / max(accept_rate, 0.05) * 1.2) + 2)
        if want * 3 >= left:  # most of what is left: take it all, shuffled
            positions = [p for p in range(total) if p not in drawn]
            rng.shuffle(positions)
        else:
            positions = []
            while len(positions) < want:
                p = rng.randrange(total)
                if p not in drawn:
                    drawn.add(p)
                    positions.append(p)
        drawn.update(positions)
        candidates = _lookup(strata, starts, positions)
        excluded = _excluded(criteria, candidates)
        accepted = [pk for pk in candidates if pk not in excluded]
        accept_rate = len(accepted) / len(candidates) if candidates else 0.0
        chosen += accepted[:need]
    return chosen


def _draw_included(criteria: SelectionCriteria, count: int, rng: random.Random) -> list[int]:
    qs = Question.objects.servable().filter(
        exam=criteria.exam, pk__in=list(criteria.include_ids or ()),
        difficulty__gte=criteria.difficulty_min, difficulty__lte=criteria.difficulty_max,
    )
    if criteria.objective_ids:
        qs = qs.filter(objective_id__in=list(criteria.objective_ids))
    ids = sorted(qs.values_list("pk", flat=True))
    excluded = _excluded(criteria, ids)
    ids = [pk for pk in ids if pk not in excluded]
    return rng.sample(ids, min(count, len(ids)))


def question_sample(criteria: SelectionCriteria, count: int, rng: random.Random | None = None) -> list[int]:
    """Up to `count` question ids drawn uniformly at random from the matching servable questions."""
    rng = rng or random.SystemRandom()
    if count <= 0 or not criteria.exam.is_active:
        return []
    if criteria.include_ids is not None:
        return _draw_included(criteria, count, rng)
    return _draw(criteria, _strata(criteria), count, rng)


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
    if not criteria.exam.is_active:
        return []
    strata_by_domain = {}
    sizes = {}
    for domain in exam_blueprint(criteria.exam):
        strata_by_domain[domain.id] = _strata(criteria, objective_ids=domain.objective_ids) if domain.objective_ids else []
        sizes[domain.id] = sum(size for _, _, size in strata_by_domain[domain.id])
    weights = {d.id: d.weight for d in exam_blueprint(criteria.exam)}
    chosen: list[int] = []
    taken = dict.fromkeys(weights, 0)
    remaining = min(count, sum(sizes.values()))
    while remaining > 0:
        open_weights = {d: w for d, w in weights.items() if taken[d] < sizes[d]}
        if not open_weights:
            break
        drawn_now = 0
        for domain_id, n in blueprint_quota(open_weights, remaining).items():
            n = min(n, sizes[domain_id] - taken[domain_id])
            if n <= 0:
                continue
            more = _draw(
                SelectionCriteria(criteria.exam, exclude_ids=set(chosen) | set(criteria.exclude_ids),
                                  exclude_probe=criteria.exclude_probe),
                strata_by_domain[domain_id], n, rng,
            )
            chosen += more
            taken[domain_id] += len(more)
            if len(more) < n:
                sizes[domain_id] = taken[domain_id]  # the rest of this domain is excluded
            drawn_now += len(more)
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
