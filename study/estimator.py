"""Mastery and readiness: the numbers a learner sees about themselves. Pure functions, no Django,
so the calibration command runs exactly the code the site runs.

Mastery is a Rasch-model ability estimate per objective, on the logit scale. The chance of
answering a question of difficulty b correctly is g + (1 − g)·σ(θ − b), where g is the chance of
getting it right by picking at random (a quarter on a four-option question, nothing to speak of
on an ordering question): a learner who knows nothing still gets some right. Each answer moves
θ to the posterior's mode and sets its variance from the curvature there (a Laplace
approximation), so hard questions answered right count for more than easy ones.

Two things change a learner between answers, and the estimate follows both:
- Forgetting: while an estimate goes without answers, what it holds above the floor (a coin flip
  on a medium question) fades with a half-life (HALF_LIVES: not knowing how fast this learner
  forgets, a fast, a typical and a slow forgetter). Only the expected ability moves, never its
  uncertainty, and only down, so readiness aged to a later date can fall but never rise.
- Learning: before each answer the variance grows by a drift (the ability may have moved since),
  so old answers weigh less than recent ones and the estimate follows a learner who is improving
  instead of averaging over their whole history.

Readiness is the probability of passing the real exam: each domain's ability (the mean of its
objectives) and its uncertainty give the expected share of that domain's questions answered
correctly (over a spread of difficulties); the blueprint weights combine them into the exam's
share, itself uncertain (the overall ability's uncertainty is common to every domain, the
objectives' own is not); a binomial over the real exam's question count turns that into the
chance of reaching the passing share.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PRIOR_MEAN = 0.9  # a learner who starts preparing: 71 % on a medium question, before any guessing
PRIOR_VARIANCE = 1.5
FORGETTING_FLOOR = 0.0  # forgetting goes back to a coin flip on a medium question (before guessing), no further
# Idle days in which what is known above the floor halves. How fast a given learner forgets is not
# known: 90 days give or take a factor of three, as a fast, a typical and a slow forgetter weighted
# like a three-point Gauss–Hermite rule over the log half-life.
HALF_LIVES = ((1 / 6, 30.0), (2 / 3, 90.0), (1 / 6, 270.0))
LEARNING_DRIFT = 0.01  # variance added to the exam's estimate before each answer on the exam: the last ~25 carry it
OBJECTIVE_DRIFT = 0.12  # ... and to an objective's before each of its own: it gets about one answer in twenty
UPDATE_STEPS = 4  # Fisher-scoring steps from the prior to the posterior's mode on each answer
MIN_ANSWERS_FOR_MASTERY = 5  # per objective, below this the page says "not enough data"
MIN_ANSWERS_FOR_READINESS = 20  # per exam
READY_THRESHOLD = 0.80  # readiness at or above this is "ready"
DIFFICULTY_MIX = (1, 2, 3, 4, 5)  # the real exam is assumed to spread evenly over difficulty
EXAM_GUESS = 0.25  # ... and to be four-option questions, so a random pick is right one time in four


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def difficulty_logit(difficulty: int) -> float:
    """Difficulty 1..5 on the logit scale: 3 is 0, each step 0.8."""
    return (difficulty - 3) * 0.8


def p_correct(theta: float, b: float, guess: float = 0.0) -> float:
    """The chance of a right answer at ability theta on a question of logit difficulty b."""
    return guess + (1.0 - guess) * sigmoid(theta - b)


def idle_days(last: datetime | None, now: datetime) -> float:
    return max((now - last).total_seconds() / 86400, 0.0) if last else 0.0


def retained(idle_days: float, half_life: float | None = None) -> float:
    """The share of what is known above the floor still there after idle days: at one half-life,
    or averaged over the learner not known to forget fast or slowly."""
    if half_life is not None:
        return 0.5 ** (max(idle_days, 0.0) / half_life)
    return sum(weight * retained(idle_days, h) for weight, h in HALF_LIVES)


def forgotten(theta: float, idle_days: float, half_life: float | None = None) -> float:
    """The expected ability after idle days: what is known above the floor decays; an ability at or
    below the floor stays where it is (staying away never raises it)."""
    if theta <= FORGETTING_FLOOR or idle_days <= 0:
        return theta
    return FORGETTING_FLOOR + (theta - FORGETTING_FLOOR) * retained(idle_days, half_life)


def ability_update(theta: float, variance: float, *, correct: bool | float, difficulty: int, guess: float = 0.0,
                   idle_days: float = 0.0, drift: float = LEARNING_DRIFT) -> tuple[float, float]:
    """The estimate after one answer given idle days after the previous one: aged (forgetting),
    widened by the drift (learning), then moved to the most likely ability given the answer (the
    posterior's mode, by UPDATE_STEPS Fisher-scoring steps from the aged estimate), its variance
    narrowed by what the answer tells at that ability. A single step stops short where the curve
    bends: after a right answer to a hard question or a wrong one to an easy question.
    `correct` may be a fraction (partial credit): the outcome y in the Bernoulli likelihood
    p^y (1-p)^(1-y), which for y of 0 or 1 is the plain right-or-wrong update."""
    prior = forgotten(theta, idle_days)
    variance = min(PRIOR_VARIANCE, variance + drift)
    b, y = difficulty_logit(difficulty), float(correct)

    def slope_and_information(at: float) -> tuple[float, float]:
        """d log-likelihood / dθ and the answer's Fisher information, at ability `at`."""
        s = sigmoid(at - b)
        p = guess + (1.0 - guess) * s
        dp = (1.0 - guess) * s * (1.0 - s)
        return dp * (y / p - (1.0 - y) / (1.0 - p)), dp * dp / (p * (1.0 - p))

    mode = prior
    for _ in range(UPDATE_STEPS):
        score, information = slope_and_information(mode)
        mode += (score - (mode - prior) / variance) / (information + 1.0 / variance)
    return mode, 1.0 / (1.0 / variance + slope_and_information(mode)[1])


def mastery_percent(theta: float) -> int:
    """Chance of answering a medium four-option question of the objective correctly, in percent."""
    return round(100 * p_correct(theta, 0.0, EXAM_GUESS))


def expected_share(theta: float, guess: float = EXAM_GUESS) -> float:
    """The share of the real exam's questions answered right at ability theta, on an exam whose
    questions a random pick gets right with chance `guess`."""
    return sum(p_correct(theta, difficulty_logit(d), guess) for d in DIFFICULTY_MIX) / len(DIFFICULTY_MIX)


@dataclass(frozen=True)
class DomainAbility:
    """A domain's ability: the mean of its objectives', with the uncertainty its expected share is
    taken over (its objectives' taken as fully correlated, the cautious choice), and how that
    uncertainty spreads to the exam's share: `shared` (0..1) of the overall ability's moves every
    domain together, `own` (a variance; by default all of it) is the domain's alone."""

    weight: float  # blueprint percent
    theta: float
    variance: float
    shared: float = 0.0
    own: float | None = None


@dataclass(frozen=True)
class Readiness:
    probability: float
    low: float  # 10th percentile over the ability uncertainty
    high: float  # 90th percentile
    expected_share: float

    @property
    def is_ready(self) -> bool:
        return self.probability >= READY_THRESHOLD


def pass_probability(share: float, question_count: int, passing_fraction: float) -> float:
    """P(at least the passing number right out of question_count), each right with p=share
    (normal approximation to the binomial with continuity correction)."""
    needed = math.ceil(passing_fraction * question_count - 1e-9)
    mean = question_count * share
    sd = math.sqrt(max(question_count * share * (1 - share), 1e-9))
    z = (needed - 0.5 - mean) / sd
    return 0.5 * math.erfc(z / math.sqrt(2))


def _share_moments(theta: float, variance: float, guess: float = EXAM_GUESS) -> tuple[float, float]:
    """Mean and variance of expected_share(θ) for θ ~ N(theta, variance), by three-point
    Gauss–Hermite quadrature (exact enough for a smooth, bounded function)."""
    sd = math.sqrt(variance)
    nodes = ((-math.sqrt(3.0), 1 / 6), (0.0, 2 / 3), (math.sqrt(3.0), 1 / 6))
    values = [(w, expected_share(theta + x * sd, guess)) for x, w in nodes]
    mean = sum(w * v for w, v in values)
    return mean, sum(w * (v - mean) ** 2 for w, v in values)


def readiness(domains: Sequence[DomainAbility], *, question_count: int, passing_fraction: float,
              overall_variance: float = 0.0, guess: float = EXAM_GUESS) -> Readiness:
    """The chance of passing: the exam's expected share correct is uncertain (the domains'
    abilities are); given a share, the number right on a real exam is binomial. The share is
    treated as normal: its mean is the weighted domain shares', its variance the overall ability's
    (`overall_variance`, which every domain shares as far as its `shared` says, so it adds up
    across domains) plus each domain's own, each carried by how steeply the domain's share climbs
    with ability; the binomial by its normal approximation. The band is the pass chance at the
    share's 10th and 90th percentiles. `guess`: the exam's chance of a right random pick."""
    total_weight = sum(d.weight for d in domains) or 1.0
    mean = shared_sd = own = 0.0
    for d in domains:
        m, v = _share_moments(d.theta, d.variance, guess)
        steepness = math.sqrt(v / d.variance) if d.variance > 0 else 0.0  # share sd per ability sd
        w = d.weight / total_weight
        mean += w * m
        shared_sd += w * steepness * d.shared * math.sqrt(overall_variance)
        own += (w * steepness) ** 2 * (d.variance if d.own is None else d.own)
    var = shared_sd**2 + own
    needed = math.ceil(passing_fraction * question_count - 1e-9)
    spread = math.sqrt(max(question_count * mean * (1 - mean) + (question_count**2) * var, 1e-9))
    probability = 0.5 * math.erfc((needed - 0.5 - question_count * mean) / spread / math.sqrt(2))
    z90 = 1.2815515655446004
    low_share = min(max(mean - z90 * math.sqrt(var), 0.0), 1.0)
    high_share = min(max(mean + z90 * math.sqrt(var), 0.0), 1.0)
    return Readiness(
        probability=probability,
        low=min(pass_probability(low_share, question_count, passing_fraction), probability),
        high=max(pass_probability(high_share, question_count, passing_fraction), probability),
        expected_share=mean,
    )


OBJECTIVE_SPREAD = 0.6  # sd of a learner's objectives around their overall ability (partial pooling)


def pooling_prior_variance(overall_variance: float) -> float:
    """The variance of an objective's prior in the pooling: the overall ability's, widened by how
    far a learner's objectives spread around it."""
    return OBJECTIVE_SPREAD**2 + overall_variance


def objective_posterior(theta: float | None, variance: float | None, *, overall_theta: float,
                        overall_variance: float) -> tuple[float, float]:
    """An objective's ability, pooled with the learner's overall ability on the exam.

    The per-objective estimate started from the flat prior; what its answers added (their
    precision and the mean they point to) is combined with the overall ability as the prior, so
    an objective with few answers leans on how the learner does elsewhere instead of on zero.
    """
    prior_var = pooling_prior_variance(overall_variance)
    if theta is None or variance is None:
        return overall_theta, prior_var
    info = max(1.0 / variance - 1.0 / PRIOR_VARIANCE, 0.0)
    if info == 0.0:
        return overall_theta, prior_var
    evidence_mean = (theta / variance - PRIOR_MEAN / PRIOR_VARIANCE) / info
    precision = info + 1.0 / prior_var
    return (evidence_mean * info + overall_theta / prior_var) / precision, 1.0 / precision


def domain_ability(weight: float, objectives: Sequence[tuple[float, float]], *,
                   overall_variance: float = 0.0) -> DomainAbility:
    """A domain's ability as the mean over all its objectives' pooled abilities (objective_posterior's
    answers). Its expected share is taken over the mean of the objectives' standard deviations
    (fully correlated, which keeps the band honest rather than optimistic). How it moves the
    exam's share: each pooled ability leans on the overall ability with the weight its pooling
    gave it (posterior over prior variance); that part of its uncertainty is the overall ability's,
    common to all objectives and domains, and what is left is the objective's own, independent of
    the others'."""
    n = max(len(objectives), 1)
    prior_variance = pooling_prior_variance(overall_variance)
    leans = [v / prior_variance for _, v in objectives]
    own = sum(max(v - k * k * overall_variance, 0.0) for (_, v), k in zip(objectives, leans, strict=True)) / n**2
    return DomainAbility(weight, theta=sum(t for t, _ in objectives) / n,
                         variance=(sum(math.sqrt(v) for _, v in objectives) / n) ** 2, shared=sum(leans) / n, own=own)


class Estimate(Protocol):
    """An ability estimate as its last answer left it (a progress or mastery row)."""

    theta: float
    variance: float
    last_answer_at: datetime | None


class BlueprintDomain(Protocol):
    weight: float
    objective_ids: Sequence[int]


def readiness_at(when: datetime, *, blueprint: Sequence[BlueprintDomain], overall: Estimate,
                 objectives: Mapping[int, Estimate], question_count: int, passing_fraction: float,
                 guess: float = EXAM_GUESS) -> Readiness:
    """Readiness as of `when`: every estimate aged from its own last answer to `when` (forgetting,
    as the next answer would find it), objectives pooled with the overall ability, domains
    weighted by the blueprint; chance and band averaged over a fast, a typical and a slow
    forgetter. Ageing only lowers abilities, and pooling and readiness only grow with them, so a
    later `when` never gives more."""
    overall_idle = idle_days(overall.last_answer_at, when)
    idle = {oid: idle_days(row.last_answer_at, when) for oid, row in objectives.items()}
    parts = []
    for weight, half_life in HALF_LIVES:
        base = forgotten(overall.theta, overall_idle, half_life), overall.variance
        unmeasured = objective_posterior(None, None, overall_theta=base[0], overall_variance=base[1])
        domains = []
        for domain in blueprint:
            pooled = [
                objective_posterior(forgotten(row.theta, idle[oid], half_life), row.variance, overall_theta=base[0],
                                    overall_variance=base[1])
                if (row := objectives.get(oid)) else unmeasured
                for oid in domain.objective_ids
            ]
            domains.append(domain_ability(domain.weight, pooled or [unmeasured], overall_variance=base[1]))
        parts.append((weight, readiness(domains, question_count=question_count, passing_fraction=passing_fraction,
                                        overall_variance=base[1], guess=guess)))
    return Readiness(
        probability=sum(w * r.probability for w, r in parts),
        low=sum(w * r.low for w, r in parts),
        high=sum(w * r.high for w, r in parts),
        expected_share=sum(w * r.expected_share for w, r in parts),
    )
