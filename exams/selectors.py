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
import threading
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from django.core.cache import cache
from django.db.models import Sum

from exams import compiled_queries as compiled
from exams.models import Choice, Exam, Objective, Question, QuestionSlot, StratumSize
from pingtopass.db.prefetch import set_prefetched

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


def _strata(criteria: SelectionCriteria, objective_ids: Collection[int] | None = None) -> list[tuple[int, int]]:
    """(stratum id, size) of every non-empty stratum matching the criteria."""
    qs = StratumSize.objects.filter(
        exam=criteria.exam, size__gt=0, difficulty__gte=criteria.difficulty_min, difficulty__lte=criteria.difficulty_max
    )
    wanted = objective_ids if objective_ids is not None else criteria.objective_ids
    if wanted:
        qs = qs.filter(objective_id__in=list(wanted))
    return sorted(qs.values_list("pk", "size"))


def _lookup(keys: list[int]) -> dict[int, int]:
    """Slot key → question id for the keys that hold a servable question: one indexed IN."""
    found = dict(QuestionSlot.objects.filter(key__in=keys).values_list("key", "question_id"))
    # Slots change in the same transaction as their questions; this check only guards against a
    # pool someone edited by hand. Two primary-key lookups beat one join the planner may misjudge,
    # and the status is checked here, not in SQL: given `review_status = ?` SQLite picks the review
    # index and walks every approved question instead of 65 primary keys.
    servable = {
        pk
        for pk, active, status in Question.objects.filter(pk__in=list(found.values()))
        .order_by().values_list("pk", "is_active", "review_status")
        if active and status == Question.ReviewStatus.APPROVED
    }
    return {key: pk for key, pk in found.items() if pk in servable}


@dataclass
class _Group:
    """One part of a draw (a domain of the blueprint, or everything) and its progress."""

    strata: list[tuple[int, int]]
    count: int
    chosen: list[int]
    drawn: set[int]
    accept_rate: float = 1.0

    @cached_property
    def total(self) -> int:
        return sum(size for _, size in self.strata)

    def positions(self, rng: random.Random) -> list[int]:
        need, left = self.count - len(self.chosen), self.total - len(self.drawn)
        if need <= 0 or left <= 0:
            return []
        want = min(left, math.ceil(need / max(self.accept_rate, 0.05) * 1.2) + 2)
        if want * 3 >= left:  # most of what is left: take it all, shuffled
            picked = [p for p in range(self.total) if p not in self.drawn]
            rng.shuffle(picked)
        else:
            picked = []
            while len(picked) < want:
                p = rng.randrange(self.total)
                if p not in self.drawn and p not in picked:
                    picked.append(p)
        self.drawn.update(picked)
        return picked

    @cached_property
    def starts(self) -> list[int]:
        return list(accumulate([0] + [size for _, size in self.strata[:-1]]))

    def key(self, position: int) -> int:
        i = bisect_right(self.starts, position) - 1
        return QuestionSlot.make_key(self.strata[i][0], position - self.starts[i])


def _draw(criteria: SelectionCriteria, groups: list[_Group], rng: random.Random) -> None:
    """Fill every group with up to its count of distinct, non-excluded questions, uniformly at
    random within the group; each round is one lookup and one exclusion probe for all groups."""
    taken: set[int] = set()
    for _ in range(MAX_ROUNDS):
        asked = [(group, group.positions(rng)) for group in groups]
        keys = [group.key(p) for group, positions in asked for p in positions]
        if not keys:
            break
        found = _lookup(keys)
        excluded = _excluded(criteria, list(found.values()))
        for group, positions in asked:
            usable = 0
            for position in positions:
                pk = found.get(group.key(position))
                if pk is None or pk in excluded or pk in taken:
                    continue
                usable += 1
                if len(group.chosen) < group.count:
                    group.chosen.append(pk)
                    taken.add(pk)
                else:
                    group.drawn.discard(position)  # not needed after all: back in the pool
            group.accept_rate = usable / len(positions) if positions else 0.0


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
    group = _Group(strata=_strata(criteria), count=count, chosen=[], drawn=set())
    _draw(criteria, [group], rng)
    return group.chosen


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
    blueprint = exam_blueprint(criteria.exam)
    domain_of = {oid: d.id for d in blueprint for oid in d.objective_ids}
    strata_by_domain: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for stratum_id, objective_id, size in StratumSize.objects.filter(exam=criteria.exam, size__gt=0).values_list(
        "pk", "objective_id", "size"
    ).order_by("pk"):
        if objective_id in domain_of:
            strata_by_domain[domain_of[objective_id]].append((stratum_id, size))
    groups = {d.id: _Group(strata=strata_by_domain[d.id], count=0, chosen=[], drawn=set()) for d in blueprint}
    weights = {d.id: d.weight for d in blueprint}
    wanted = min(count, sum(g.total for g in groups.values()))
    while True:
        short = wanted - sum(len(g.chosen) for g in groups.values())
        open_weights = {d: w for d, w in weights.items() if len(groups[d].drawn) < groups[d].total}
        if short <= 0 or not open_weights:
            break
        for domain_id, extra in blueprint_quota(open_weights, short).items():
            groups[domain_id].count = len(groups[domain_id].chosen) + extra
        before = sum(len(g.chosen) for g in groups.values())
        _draw(criteria, list(groups.values()), rng)
        if sum(len(g.chosen) for g in groups.values()) == before:
            break
    chosen = [pk for g in groups.values() for pk in g.chosen]
    rng.shuffle(chosen)
    return chosen


class _ChoiceCache:
    """Questions' choices per process, keyed by (question id, last change); the least recently
    used go first once it holds `size` questions."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, tuple[Choice, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def choices(self, questions: list[Question]) -> list[tuple[Choice, ...]]:
        """Each question's choices, those not held read in one query."""
        keys = [(q.pk, q.updated_at) for q in questions]
        with self._lock:
            held = {key: self._entries[key] for key in keys if key in self._entries}
        missing = [key for key in keys if key not in held]
        if len(missing) == 1:  # a card's question: the compiled query skips Django's query building
            held[missing[0]] = tuple(compiled.choices_of(question=missing[0][0]))
        elif missing:  # a batch: one query for all
            read = defaultdict(list)
            for choice in Choice.objects.filter(question_id__in=[pk for pk, _ in missing]):  # in their own order
                read[choice.question_id].append(choice)
            held.update({key: tuple(read[key[0]]) for key in missing})
        with self._lock:
            for key in keys:
                self._entries[key] = held[key]
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return [held[key] for key in keys]


_choice_cache = _ChoiceCache(size=20_000)


def attach_cached_choices(questions: Iterable[Question]) -> None:
    """Give each question its choices as if prefetched, from a per-process cache keyed by the
    question's last change: saving or deleting a choice touches its question (exams/apps.py),
    so an edited question is read afresh. Pages must treat these choices as read-only."""
    questions = list(questions)
    for question, choices in zip(questions, _choice_cache.choices(questions), strict=True):
        set_prefetched(question, "choices", choices)


def question_choice_ids(ids: Iterable[int]) -> list[tuple[int, str, list[int]]]:
    """(id, type, choice ids in the choices' own order) for each of these questions that exists,
    in the order given: what a new session item needs, from two narrow queries and without
    building a question or a choice (building them was a third of starting a session)."""
    ids = list(ids)
    types = dict(Question.objects.filter(pk__in=ids).values_list("id", "type"))
    choices = defaultdict(list)
    for question_id, choice_id in Choice.objects.filter(question_id__in=ids).values_list("question_id", "id"):
        choices[question_id].append(choice_id)  # in Choice's ordering: question, position, id
    return [(pk, types[pk], choices[pk]) for pk in ids if pk in types]


@dataclass(frozen=True)
class BlueprintObjective:
    id: int
    number: str
    name: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class BlueprintDomain:
    id: int
    number: str
    name: str
    weight: int
    objectives: tuple[BlueprintObjective, ...]

    @property
    def objective_ids(self) -> tuple[int, ...]:
        return tuple(o.id for o in self.objectives)


def _blueprint_key(exam_id: int) -> str:
    return f"blueprint:v2:{exam_id}"


def exam_blueprint(exam: Exam) -> list[BlueprintDomain]:
    """The exam's domains with weights and objectives (in blueprint order), cached (Redis when
    configured) and invalidated whenever an exam, domain or objective changes. Pages that list
    the blueprint read it from here: no query, and no per-domain prefetch to build."""
    key = _blueprint_key(exam.pk)
    blueprint = cache.get(key)
    if blueprint is None:
        objectives = defaultdict(list)
        for domain_id, *objective in (
            Objective.objects.filter(domain__exam=exam).order_by("position", "number").values_list("domain_id", "id", "number", "name")
        ):
            objectives[domain_id].append(BlueprintObjective(*objective))
        blueprint = [
            BlueprintDomain(d.pk, d.number, d.name, d.weight, tuple(objectives[d.pk]))
            for d in exam.domains.order_by("position", "number")
        ]
        cache.set(key, blueprint, 60 * 60)
    return blueprint


def exam_blueprint_invalidate(exam_id: int) -> None:
    cache.delete(_blueprint_key(exam_id))


CATALOGUE_KEY = "catalogue:servable-counts:v1"


def servable_counts() -> dict[int, int]:
    """Exam id → servable questions, from the pool sizes; cached (Redis when configured) and
    invalidated whenever a pool or an exam changes."""
    counts = cache.get(CATALOGUE_KEY)
    if counts is None:
        counts = dict(StratumSize.objects.values("exam_id").annotate(n=Sum("size")).values_list("exam_id", "n"))
        cache.set(CATALOGUE_KEY, counts, 60 * 60)
    return counts


def catalogue_invalidate() -> None:
    cache.delete(CATALOGUE_KEY)
