"""Synthetic learners for calibrating readiness (the simulate_learners command).

A synthetic learner has a true ability per objective that the site never sees: an overall
ability drawn around 0.9 (sd 1), each objective 0.6 either side of it. They practise 20–400
questions in sessions of 10–40, half a day to four days apart, a third of them on a favourite
domain; each answer is drawn from their true ability at that moment. The site's own fold
(study.progress.fold_answer: idle days from the answers' times, as the site computes them)
turns the answers into estimates, and readiness as the dashboard shows it on the exam day
(study.estimator.readiness_at) is the prediction. Then they sit one simulated exam built like the
blueprint, and because the generator knows their true abilities at exam time it also knows the
oracle: the exact chance that they pass.

The scenarios break the estimator's assumptions one at a time, then all together (every scenario
but guessing and all has typed answers, no floor):
- on-model: a fixed ability per objective, difficulties as authored, the exam the day after the
  last session, and questions a random pick cannot answer (typed answers: no guessing floor, in
  the bank or on the exam); the site knows each question's type, so it is told the floor is 0;
- guessing: a random pick is right one time in the number of valid answers (a bank and an exam
  of four-option questions, true/false, choose two of five and four-step orderings), and the site
  is told each question's floor and the exam's mean floor;
- learning: abilities rise with practice from 0.5–2.5 logits lower, most of it over 40–160 answers;
- forgetting: what was learned (0.5–2.5 logits) fades with each learner's own half-life (60 days
  give or take a factor of two, some much more) from the last time an objective was practised,
  and the exam comes 0–21 days after the last session;
- noisy difficulty: a question's true difficulty is its authored one give or take 0.6 logits;
- all together.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import NormalDist

from study import estimator as est
from study.progress import fold_answer

BLUEPRINT = (12, 22, 18, 28, 20)  # CompTIA Security+ SY0-701
OBJECTIVES_PER_DOMAIN = 4
QUESTION_COUNT = 90
PASSING_FRACTION = (750 - 100) / (900 - 100)
# Question kinds as (share of the bank and of the exam, chance a random pick is right): four-option
# single choice, true/false, choose two of five, an ordering of four steps.
KINDS = ((0.75, 1 / 4), (0.10, 1 / 2), (0.10, 1 / 10), (0.05, 1 / 24))
MEAN_GUESS = sum(share * guess for share, guess in KINDS)
DIFFICULTY_NOISE = 0.6  # noisy difficulty: sd of the true difficulty around the authored one, in logits
# The noise at 20 equally likely points (the midpoints of its quantiles), to average over exactly.
NOISE_POINTS = tuple(NormalDist(0, DIFFICULTY_NOISE).inv_cdf((i + 0.5) / 20) for i in range(20))
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    guessing: bool = False
    learning: bool = False
    forgetting: bool = False
    noisy: bool = False


SCENARIOS = {
    "on-model": Scenario(),
    "guessing": Scenario(guessing=True),
    "learning": Scenario(learning=True),
    "forgetting": Scenario(forgetting=True),
    "noisy": Scenario(noisy=True),
    "all": Scenario(guessing=True, learning=True, forgetting=True, noisy=True),
}


@dataclass(frozen=True)
class Question:
    difficulty: int  # as authored, what the site sees
    true_b: float  # what the learner meets
    guess: float


@dataclass(frozen=True)
class Domain:
    weight: float
    objective_ids: tuple[int, ...]


@dataclass
class Row:
    """What the site keeps per exam and per objective (the fields of ExamProgress / ObjectiveMastery
    that the fold and readiness use)."""

    theta: float = est.PRIOR_MEAN
    variance: float = est.PRIOR_VARIANCE
    answered: int = 0
    correct: int = 0
    last_answer_at: datetime | None = None


@dataclass(frozen=True)
class Site:
    """The site's side of a simulation: how an answer is folded into a row, and the readiness the
    dashboard shows on a given day. Replaceable, so an older estimator can be measured the same way."""

    fold: Callable[..., None]
    readiness: Callable[[Row, dict[int, Row], Sequence[Domain], datetime, float], float]  # ..., the exam's floor


def _shown_readiness(overall: Row, objectives: dict[int, Row], blueprint: Sequence[Domain], when: datetime,
                     guess: float) -> float:
    # As study.dashboard does: within a day of the last answer the stored readiness (as of that
    # answer) stands; later it is aged to the day.
    if est.idle_days(overall.last_answer_at, when) < 1:
        when = overall.last_answer_at
    return est.readiness_at(when, blueprint=blueprint, overall=overall, objectives=objectives,
                            question_count=QUESTION_COUNT, passing_fraction=PASSING_FRACTION, guess=guess).probability


SITE = Site(fold=fold_answer, readiness=_shown_readiness)
EXAM_BLUEPRINT = tuple(
    Domain(weight, tuple(range(d * OBJECTIVES_PER_DOMAIN, (d + 1) * OBJECTIVES_PER_DOMAIN)))
    for d, weight in enumerate(BLUEPRINT)
)
EXAM_QUESTIONS = [round(w * QUESTION_COUNT / sum(BLUEPRINT)) for w in BLUEPRINT]  # 11, 20, 16, 25, 18
NEEDED = math.ceil(PASSING_FRACTION * QUESTION_COUNT - 1e-9)


@dataclass
class Learner:
    scenario: Scenario
    peak: list[float]  # per objective: the ability once learned
    floor: list[float]  # per objective: what forgetting goes back to (the ability before study)
    pace: float = 0.0  # learning: answers for the learned part to come within 1/e of the peak
    half_life: float = math.inf  # forgetting: days
    last_practised: list[datetime] = field(default_factory=list)

    @classmethod
    def draw(cls, rng: random.Random, scenario: Scenario) -> "Learner":
        general = rng.gauss(0.9, 1.0)
        peak = [general + rng.gauss(0, est.OBJECTIVE_SPREAD) for _ in range(len(BLUEPRINT) * OBJECTIVES_PER_DOMAIN)]
        learned = rng.uniform(0.5, 2.5)
        return cls(
            scenario, peak, [p - learned for p in peak],
            pace=rng.uniform(40, 160) if scenario.learning else 0.0,
            half_life=60 * math.exp(rng.gauss(0, 0.7)) if scenario.forgetting else math.inf,
            last_practised=[START] * len(peak),
        )

    def ability(self, objective: int, at: datetime, answered: int) -> float:
        level = self.peak[objective]
        if self.scenario.learning:
            level -= (level - self.floor[objective]) * math.exp(-answered / self.pace)
        if self.scenario.forgetting:
            days = (at - self.last_practised[objective]).total_seconds() / 86400
            level = self.floor[objective] + (level - self.floor[objective]) * 0.5 ** (days / self.half_life)
        return level

    def p_correct(self, theta: float, question: Question) -> float:
        return est.p_correct(theta, question.true_b, question.guess)


def _question(rng: random.Random, scenario: Scenario) -> Question:
    """A question as the bank or the exam holds them: difficulty spread evenly, kinds in their
    shares (typed answers, without a floor, where the scenario has no guessing)."""
    difficulty = rng.randint(1, 5)
    noise = rng.gauss(0, DIFFICULTY_NOISE) if scenario.noisy else 0.0
    guess = rng.choices([g for _, g in KINDS], weights=[share for share, _ in KINDS])[0]
    return Question(difficulty, est.difficulty_logit(difficulty) + noise, guess if scenario.guessing else 0.0)


def exam_floor(scenario: Scenario) -> float:
    """The exam's mean chance of a right random pick, which the site is told as it is of a real exam
    (Exam.guessing_floor)."""
    return MEAN_GUESS if scenario.guessing else 0.0


@dataclass(frozen=True)
class Outcome:
    readiness: float
    naive: float  # 1 when practice accuracy reaches the passing share, else 0
    passed: int  # of one simulated exam
    oracle: float  # the exact chance of passing given the true abilities at exam time


def simulate_learner(rng: random.Random, scenario: Scenario, *, min_answers: int, max_answers: int,
                     site: Site = SITE) -> Outcome:
    learner = Learner.draw(rng, scenario)
    overall, rows = Row(), {}
    favourite = rng.randrange(len(BLUEPRINT))  # learners practise unevenly
    total = rng.randint(min_answers, max_answers)
    at, in_session = START, rng.randint(10, 40)
    for n in range(total):
        if in_session == 0:  # the next session, half a day to four days later
            at += timedelta(days=rng.uniform(0.5, 4.0))
            in_session = rng.randint(10, 40)
        in_session -= 1
        at += timedelta(seconds=rng.uniform(30, 120))
        d = favourite if rng.random() < 0.3 else rng.randrange(len(BLUEPRINT))
        objective = d * OBJECTIVES_PER_DOMAIN + rng.randrange(OBJECTIVES_PER_DOMAIN)
        question = _question(rng, scenario)
        correct = rng.random() < learner.p_correct(learner.ability(objective, at, n), question)
        learner.last_practised[objective] = at
        for row, drift in ((rows.setdefault(objective, Row()), est.OBJECTIVE_DRIFT), (overall, est.LEARNING_DRIFT)):
            site.fold(row, correct=correct, difficulty=question.difficulty, guess=question.guess, at=at, drift=drift)
    exam_at = at + timedelta(days=rng.uniform(0, 21) if scenario.forgetting else 1.0)
    right = 0
    for domain, count in zip(EXAM_BLUEPRINT, EXAM_QUESTIONS, strict=True):
        for _ in range(count):
            objective = rng.choice(domain.objective_ids)
            right += rng.random() < learner.p_correct(learner.ability(objective, exam_at, total), _question(rng, scenario))
    return Outcome(
        readiness=site.readiness(overall, rows, EXAM_BLUEPRINT, exam_at, exam_floor(scenario)),
        naive=1.0 if overall.correct / overall.answered >= PASSING_FRACTION else 0.0,
        passed=int(right >= NEEDED),
        oracle=_pass_chance([_domain_share(learner, domain, exam_at, total) for domain in EXAM_BLUEPRINT]),
    )


def _domain_share(learner: Learner, domain: Domain, at: datetime, answered: int) -> float:
    """The chance of a right answer on a question drawn for the domain's part of the exam: averaged
    over its objectives, the difficulties, the difficulty noise and the kinds (the chance is linear
    in the guessing floor, so the kinds enter through their mean floor)."""
    noise = NOISE_POINTS if learner.scenario.noisy else (0.0,)
    guess = exam_floor(learner.scenario)
    total = 0.0
    for objective in domain.objective_ids:
        theta = learner.ability(objective, at, answered)
        total += sum(est.p_correct(theta, est.difficulty_logit(d) + e, guess) for d in range(1, 6) for e in noise)
    return total / (len(domain.objective_ids) * 5 * len(noise))


def _pass_chance(shares: Sequence[float]) -> float:
    """P(at least NEEDED right): each domain's count is binomial (its questions are drawn
    independently), the exam's the convolution of the domains'."""
    total = [1.0]
    for p, n in zip(shares, EXAM_QUESTIONS, strict=True):
        domain = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
        total = [sum(total[i] * domain[k - i] for i in range(max(0, k - n), min(k, len(total) - 1) + 1))
                 for k in range(len(total) + n)]
    return sum(total[NEEDED:])


def simulate(scenario: Scenario, *, learners: int, seed: int, min_answers: int = est.MIN_ANSWERS_FOR_READINESS,
             max_answers: int = 400, site: Site = SITE) -> list[Outcome]:
    rng = random.Random(seed)
    return [simulate_learner(rng, scenario, min_answers=min_answers, max_answers=max_answers, site=site)
            for _ in range(learners)]


def brier(predictions: Sequence[float], outcomes: Sequence[float]) -> float:
    return sum((p - o) ** 2 for p, o in zip(predictions, outcomes, strict=True)) / len(outcomes)


@dataclass(frozen=True)
class Bin:
    low: int  # percent
    learners: int
    predicted: float  # mean readiness
    oracle: float  # mean oracle pass chance
    observed: float  # pass rate of the simulated exam


def calibration(outcomes: Sequence[Outcome], bins: int = 10) -> list[Bin]:
    width = 100 // bins
    table = []
    for low in range(0, 100, width):
        group = [o for o in outcomes if low <= o.readiness * 100 < low + width or (low + width == 100 and o.readiness == 1.0)]
        if group:
            n = len(group)
            table.append(Bin(low, n, sum(o.readiness for o in group) / n, sum(o.oracle for o in group) / n,
                             sum(o.passed for o in group) / n))
    return table


@dataclass(frozen=True)
class Summary:
    learners: int
    pass_rate: float
    brier: float
    naive: float
    base_rate: float
    table: list[Bin]
    worst: Bin | None  # the bin of at least MIN_BIN learners whose readiness is furthest from the oracle
    ready: int  # learners shown "ready"
    ready_passed: float | None  # the share of them who passed

    MIN_BIN = 50
    # Issue 30's target: every bin of at least MIN_BIN learners within TARGET_GAP of the oracle,
    # Brier below the naive rule's, at least TARGET_READY of the learners shown "ready" pass.
    TARGET_GAP = 0.08
    TARGET_READY = 0.85

    @property
    def meets_target(self) -> bool:
        return ((self.worst is None or abs(self.worst.oracle - self.worst.predicted) <= self.TARGET_GAP)
                and self.brier < self.naive and (self.ready_passed is None or self.ready_passed >= self.TARGET_READY))


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    passed = [o.passed for o in outcomes]
    rate = sum(passed) / len(passed)
    table = calibration(outcomes)
    counted = [b for b in table if b.learners >= Summary.MIN_BIN]
    ready = [o for o in outcomes if o.readiness >= est.READY_THRESHOLD]
    return Summary(
        learners=len(outcomes), pass_rate=rate,
        brier=brier([o.readiness for o in outcomes], passed),
        naive=brier([o.naive for o in outcomes], passed),
        base_rate=brier([rate] * len(passed), passed),
        table=table,
        worst=max(counted, key=lambda b: abs(b.oracle - b.predicted)) if counted else None,
        ready=len(ready),
        ready_passed=sum(o.passed for o in ready) / len(ready) if ready else None,
    )
