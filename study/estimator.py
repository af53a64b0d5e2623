"""Mastery and readiness: the numbers a learner sees about themselves. Pure functions, no Django,
so the calibration command runs exactly the code the site runs.

Mastery is a Rasch-model ability estimate per objective, on the logit scale: the chance of
answering a question of difficulty b correctly is σ(θ − b). Each answer updates θ and its
variance with a one-step Bayesian (Laplace) update, so hard questions answered right count for
more than easy ones. Before each update the variance grows with the days since the previous
answer, so old evidence fades (recency) and a stale estimate becomes uncertain again.

Readiness is the probability of passing the real exam: each domain's ability (the mean of its
objectives) and its uncertainty give the expected share of that domain's questions answered
correctly (over a spread of difficulties); the blueprint weights combine them into the exam's
share, itself uncertain; a binomial over the real exam's question count turns that into the
chance of reaching the passing share.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

PRIOR_MEAN = 0.0
PRIOR_VARIANCE = 1.5
DRIFT_PER_DAY = 0.01  # variance added per idle day: about a year without study resets to the prior
MIN_ANSWERS_FOR_MASTERY = 5  # per objective, below this the page says "not enough data"
MIN_ANSWERS_FOR_READINESS = 20  # per exam
READY_THRESHOLD = 0.80  # readiness at or above this is "ready"
DIFFICULTY_MIX = (1, 2, 3, 4, 5)  # the real exam is assumed to spread evenly over difficulty


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def difficulty_logit(difficulty: int) -> float:
    """Difficulty 1..5 on the logit scale: 3 is 0, each step 0.8."""
    return (difficulty - 3) * 0.8


def aged_variance(variance: float, idle_days: float) -> float:
    """An estimate's variance after idle days: old evidence fades, back to the prior at most."""
    return min(PRIOR_VARIANCE, variance + DRIFT_PER_DAY * max(idle_days, 0.0))


def ability_update(theta: float, variance: float, *, correct: bool, difficulty: int, idle_days: float = 0.0) -> tuple[float, float]:
    variance = aged_variance(variance, idle_days)
    p = sigmoid(theta - difficulty_logit(difficulty))
    new_variance = 1.0 / (1.0 / variance + p * (1.0 - p))
    return theta + new_variance * ((1.0 if correct else 0.0) - p), new_variance


def mastery_percent(theta: float) -> int:
    """Chance of answering a medium question of the objective correctly, in percent."""
    return round(100 * sigmoid(theta))


def expected_share(theta: float, difficulties: Sequence[int] = DIFFICULTY_MIX) -> float:
    return sum(sigmoid(theta - difficulty_logit(d)) for d in difficulties) / len(difficulties)


@dataclass(frozen=True)
class DomainAbility:
    weight: float  # blueprint percent
    theta: float
    variance: float


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


def _share_moments(theta: float, variance: float, difficulties: Sequence[int] = DIFFICULTY_MIX) -> tuple[float, float]:
    """Mean and variance of expected_share(θ) for θ ~ N(theta, variance), by three-point
    Gauss–Hermite quadrature (exact enough for a smooth, bounded function)."""
    sd = math.sqrt(variance)
    nodes = ((-math.sqrt(3.0), 1 / 6), (0.0, 2 / 3), (math.sqrt(3.0), 1 / 6))
    values = [(w, expected_share(theta + x * sd, difficulties)) for x, w in nodes]
    mean = sum(w * v for w, v in values)
    return mean, sum(w * (v - mean) ** 2 for w, v in values)


def readiness(domains: Sequence[DomainAbility], *, question_count: int, passing_fraction: float) -> Readiness:
    """The chance of passing: the exam's expected share correct is uncertain (the domains'
    abilities are); given a share, the number right on a real exam is binomial. The share is
    treated as normal with the moments of the weighted domain shares, and the binomial by its
    normal approximation; the band is the pass chance at the share's 10th and 90th percentiles."""
    total_weight = sum(d.weight for d in domains) or 1.0
    mean = var = 0.0
    for d in domains:
        m, v = _share_moments(d.theta, d.variance)
        mean += d.weight / total_weight * m
        var += (d.weight / total_weight) ** 2 * v
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


def objective_posterior(theta: float | None, variance: float | None, *, overall_theta: float,
                        overall_variance: float) -> tuple[float, float]:
    """An objective's ability, pooled with the learner's overall ability on the exam.

    The per-objective estimate started from the flat prior; what its answers added (their
    precision and the mean they point to) is combined with the overall ability as the prior, so
    an objective with few answers leans on how the learner does elsewhere instead of on zero.
    """
    prior_var = OBJECTIVE_SPREAD**2 + overall_variance
    if theta is None or variance is None:
        return overall_theta, prior_var
    info = max(1.0 / variance - 1.0 / PRIOR_VARIANCE, 0.0)
    if info == 0.0:
        return overall_theta, prior_var
    evidence_mean = (theta / variance - PRIOR_MEAN / PRIOR_VARIANCE) / info
    precision = info + 1.0 / prior_var
    return (evidence_mean * info + overall_theta / prior_var) / precision, 1.0 / precision


def domain_ability(objectives: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """A domain's ability as the mean over all its objectives' (pooled) abilities. The
    uncertainties are treated as fully correlated (the mean of the standard deviations), which
    keeps the band honest rather than optimistic."""
    n = max(len(objectives), 1)
    return sum(t for t, _ in objectives) / n, (sum(math.sqrt(v) for _, v in objectives) / n) ** 2
