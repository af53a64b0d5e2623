"""The estimator's numbers, pinned to values worked out by hand (the arithmetic is in the
comments), so a changed constant or a slip in a formula fails a test, not only a wrong sign."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from study import estimator as est
from study.progress import fold_answer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Row:
    theta: float = 0.0  # what a new database row holds
    variance: float = 1.5
    answered: int = 0
    correct: int = 0
    last_answer_at: datetime | None = None


@dataclass(frozen=True)
class Domain:
    weight: float
    objective_ids: tuple[int, ...]


def test_it_reads_the_logistic_curve_on_both_sides_of_zero():
    assert est.sigmoid(0.0) == 0.5
    assert est.sigmoid(2.0) == pytest.approx(0.8807970780, abs=1e-9)  # 1 / (1 + e^-2)
    assert est.sigmoid(-2.0) == pytest.approx(0.1192029220, abs=1e-9)  # e^-2 / (1 + e^-2)
    assert est.sigmoid(-800.0) == 0.0 and est.sigmoid(800.0) == 1.0  # no overflow either way


def test_it_places_authored_difficulty_on_the_logit_scale():
    assert [est.difficulty_logit(d) for d in (1, 2, 3, 4, 5)] == pytest.approx([-1.6, -0.8, 0.0, 0.8, 1.6])


def test_it_puts_the_guessing_floor_under_the_chance_of_a_right_answer():
    assert est.p_correct(0.0, 0.0, 0.25) == 0.625  # 0.25 + 0.75 · 0.5
    assert est.p_correct(0.0, 0.0) == 0.5  # no guessing: the Rasch model
    assert est.p_correct(-50.0, 0.0, 0.25) == pytest.approx(0.25)  # knowing nothing still gets a quarter


def test_the_first_step_of_an_update_moves_the_estimate_by_the_hand_computed_amount(monkeypatch):
    monkeypatch.setattr(est, "UPDATE_STEPS", 1)
    # θ 0, variance 1, a medium four-option question: σ = 0.5, p = 0.625, dp/dθ = 0.75·0.25 = 0.1875,
    # information = 0.1875² / (0.625·0.375) = 0.15, step 1 / (1 + 0.15) = 0.869565.
    # Right: score 0.1875 / 0.625 = 0.3, θ = 0.869565·0.3. Wrong: score −σ = −0.5.
    right, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=3, guess=0.25, drift=0.0)
    wrong, _ = est.ability_update(0.0, 1.0, correct=False, difficulty=3, guess=0.25, drift=0.0)
    assert (right, wrong) == pytest.approx((0.2608695652, -0.4347826087), abs=1e-9)
    # No guessing, the hardest question: σ(−1.6) = 0.1679816, information σ(1−σ) = 0.1397637,
    # step 1 / 1.1397637 = 0.8773748, θ = 0.8773748 · (1 − 0.1679816).
    hard, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=5, drift=0.0)
    assert hard == pytest.approx(0.7299919431, abs=1e-9)


def _posterior_mode(prior: float, variance: float, *, correct: bool, b: float, guess: float) -> float:
    """The log-posterior's maximum by bisection on its slope (a different road from the site's)."""
    def slope(theta: float) -> float:
        s = est.sigmoid(theta - b)
        p = guess + (1 - guess) * s
        dp = (1 - guess) * s * (1 - s)
        return (dp / p if correct else -dp / (1 - p)) - (theta - prior) / variance
    low, high = prior - 10, prior + 10
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if slope(middle) > 0 else (low, middle)
    return low


def _information(theta: float, b: float, guess: float) -> float:
    s = est.sigmoid(theta - b)
    p = guess + (1 - guess) * s
    return ((1 - guess) * s * (1 - s)) ** 2 / (p * (1 - p))


@pytest.mark.parametrize(("correct", "difficulty", "guess", "pinned"), [
    (True, 3, 0.25, (0.2723819637, 0.8660816662)),  # the first step alone stops at 0.2609
    (False, 3, 0.25, (-0.4010275617, 0.8840301668)),  # ... at −0.4348
    (True, 5, 0.0, (0.7090799932, 0.8289911080)),  # ... at 0.7300
])
def test_an_answer_moves_the_estimate_to_the_posteriors_mode(correct, difficulty, guess, pinned):
    """Four scoring steps come within 1e-4 of the mode (scoring steps by the expected information,
    which with a guessing floor is not the curvature, so the last digits take longer); the variance
    is the prior's precision plus the answer's information there."""
    assert est.UPDATE_STEPS == 4
    theta, variance = est.ability_update(0.0, 1.0, correct=correct, difficulty=difficulty, guess=guess, drift=0.0)
    b = est.difficulty_logit(difficulty)
    assert theta == pytest.approx(_posterior_mode(0.0, 1.0, correct=correct, b=b, guess=guess), abs=1e-4)
    assert variance == pytest.approx(1 / (1 + _information(theta, b, guess)), abs=1e-12)
    assert (theta, variance) == pytest.approx(pinned, abs=1e-9)


def test_the_drift_widens_the_estimate_before_each_answer_up_to_the_prior():
    assert est.LEARNING_DRIFT == 0.01 and est.OBJECTIVE_DRIFT == 0.12
    # Variance 1 + 0.01 = 1.01 before the answer, so the answer moves it a little further than from 1.
    theta, variance = est.ability_update(0.0, 1.0, correct=True, difficulty=3)
    assert theta == pytest.approx(_posterior_mode(0.0, 1.01, correct=True, b=0.0, guess=0.0), abs=1e-6)
    assert (theta, variance) == pytest.approx((0.4042858789, 0.8129053343), abs=1e-9)
    capped, capped_variance = est.ability_update(0.0, est.PRIOR_VARIANCE, correct=True, difficulty=3, drift=1.0)
    # Widened to the prior, no further: the same as an update from the prior without drift.
    assert capped_variance == pytest.approx(1 / (1 / 1.5 + _information(capped, 0.0, 0.0)))
    assert capped == pytest.approx(_posterior_mode(0.0, 1.5, correct=True, b=0.0, guess=0.0), abs=1e-6)


def test_a_right_guess_on_true_false_counts_for_less_than_on_four_options():
    four, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=3, guess=0.25, drift=0.0)
    two, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=3, guess=0.5, drift=0.0)
    none, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=3, drift=0.0)
    assert (none, four, two) == pytest.approx((0.4010581375, 0.2723819637, 0.1612622130), abs=1e-9)


def test_a_row_starts_from_the_prior_and_folds_a_known_sequence():
    row = Row()
    # From the prior (0.9, 1.5): a medium four-option question right, the hardest true/false right,
    # the easiest four-option question wrong, all in the same second (no forgetting between them),
    # with the exam's drift: each answer an update as checked above.
    for correct, difficulty, guess in ((True, 3, 0.25), (True, 5, 0.5), (False, 1, 0.25)):
        fold_answer(row, correct=correct, difficulty=difficulty, guess=guess, at=T0, drift=est.LEARNING_DRIFT)
    assert (est.PRIOR_MEAN, est.PRIOR_VARIANCE) == (0.9, 1.5)
    assert (row.theta, row.variance) == pytest.approx((0.3452086369, 1.0697277506), abs=1e-9)
    assert (row.answered, row.correct, row.last_answer_at) == (3, 2, T0)


def test_it_counts_idle_days_from_the_last_answer():
    assert est.idle_days(T0, T0 + timedelta(hours=36)) == 1.5
    assert est.idle_days(None, T0) == 0.0
    assert est.idle_days(T0 + timedelta(days=1), T0) == 0.0  # a clock that went back is no idle time


def test_what_is_known_above_the_floor_fades_with_the_half_life():
    assert est.FORGETTING_FLOOR == 0.0
    assert est.HALF_LIVES == ((1 / 6, 30.0), (2 / 3, 90.0), (1 / 6, 270.0))
    # At one half-life, half is left: 2 → 1.
    assert est.forgotten(2.0, 90, half_life=90.0) == pytest.approx(1.0)
    # Over the three forgetters after 90 days: 1/6·2^-3 + 2/3·2^-1 + 1/6·2^-(1/3) = 0.486450.
    assert est.retained(90) == pytest.approx(0.4864500877, abs=1e-9)
    assert est.forgotten(2.0, 90) == pytest.approx(0.9729001753, abs=1e-9)
    # After 21 days: 1/6·2^-0.7 + 2/3·2^-(7/30) + 1/6·2^-(7/90) = 0.827626; 2.5 → 2.069065.
    assert est.forgotten(2.5, 21) == pytest.approx(2.0690653576, abs=1e-9)
    assert est.forgotten(-1.0, 365) == -1.0  # at or below the floor nothing is lost
    assert est.forgotten(2.0, 0) == 2.0


def test_an_answer_after_idle_days_starts_from_the_faded_estimate():
    fresh = est.ability_update(2.0, 0.5, correct=True, difficulty=3, drift=0.0)
    stale = est.ability_update(2.0, 0.5, correct=True, difficulty=3, drift=0.0, idle_days=90)
    assert stale == pytest.approx(est.ability_update(0.9729001753, 0.5, correct=True, difficulty=3, drift=0.0))
    assert stale[0] < fresh[0]


def test_mastery_and_expected_share_include_the_exams_guessing_floor():
    assert est.EXAM_GUESS == 0.25 and est.DIFFICULTY_MIX == (1, 2, 3, 4, 5)
    assert est.mastery_percent(0.9) == 78  # 0.25 + 0.75·σ(0.9) = 0.7832
    # Mean over difficulties 1..5 of 0.25 + 0.75·σ(1 − b): 0.763637.
    assert est.expected_share(1.0) == pytest.approx(0.7636370177, abs=1e-9)


def test_pass_probability_is_a_binomial_tail():
    # 74 of 90 needed; mean 76.5, sd √(90·0.85·0.15) = 3.3875; z = (73.5 − 76.5) / 3.3875 = −0.8856.
    assert est.pass_probability(0.85, 90, 0.8125) == pytest.approx(0.8120874563, abs=1e-9)
    assert est.pass_probability(0.7, 90, 0.8125) < 0.01


_KNOWN = [est.DomainAbility(30, 2.0, 0.05), est.DomainAbility(30, 1.5, 0.05), est.DomainAbility(40, 2.5, 0.05)]


def test_readiness_for_known_domain_abilities():
    readiness = est.readiness(_KNOWN, question_count=90, passing_fraction=0.8125)
    # Share per domain by three-point Gauss–Hermite over θ ± √3·sd; weighted: mean 0.874258,
    # variance 0.000131; pass chance with spread √(90·m(1−m) + 90²·v): 0.941331; the band is the
    # pass chance at the share's 10th and 90th percentiles, m ∓ 1.28155·√v.
    assert readiness.expected_share == pytest.approx(0.8742583463, abs=1e-9)
    assert readiness.probability == pytest.approx(0.9413309224, abs=1e-9)
    assert (readiness.low, readiness.high) == pytest.approx((0.8794379444, 0.9854285263), abs=1e-9)
    assert readiness.is_ready


def test_ready_starts_at_eighty_percent():
    assert est.READY_THRESHOLD == 0.8
    assert est.Readiness(0.8, 0.7, 0.9, 0.8).is_ready and not est.Readiness(0.7999, 0.7, 0.9, 0.8).is_ready


def test_an_objective_with_few_answers_leans_on_overall_ability():
    # Evidence information 1/0.5 − 1/1.5 = 1.3333 pointing at (1/0.5 − 0.9/1.5) / 1.3333 = 1.05; prior
    # the overall 2.0 with variance 0.6² + 0.1 = 0.46: (1.05·1.3333 + 2/0.46) / (1.3333 + 2.1739).
    assert est.objective_posterior(1.0, 0.5, overall_theta=2.0, overall_variance=0.1) == pytest.approx(
        (1.6388429752, 0.2851239669), abs=1e-9)
    assert est.objective_posterior(None, None, overall_theta=2.0, overall_variance=0.05) == pytest.approx((2.0, 0.41))
    assert est.objective_posterior(0.9, 1.5, overall_theta=2.0, overall_variance=0.05) == pytest.approx((2.0, 0.41))


def test_a_domain_is_the_mean_of_its_objectives_and_leans_on_the_overall_ability_as_they_do():
    # Alone (no overall uncertainty): the mean, the band over ((0.2 + 0.4) / 2)², each objective
    # leaning on the overall by its variance over the prior's 0.6²: (0.04 + 0.16) / 0.36 / 2; its own
    # variance, independent objectives, (0.04 + 0.16) / 2².
    assert est.domain_ability(10, [(1.0, 0.04), (2.0, 0.16)]) == est.DomainAbility(
        10, 1.5, pytest.approx(0.09), shared=pytest.approx(0.2777777778), own=pytest.approx(0.05))
    # With overall variance 0.1 the prior is 0.46: leans 0.086957 and 0.347826, mean 0.217391; what
    # is the overall's comes off each objective's own: (0.04 − 0.086957²·0.1 + 0.16 − 0.347826²·0.1) / 4.
    assert est.domain_ability(10, [(1.0, 0.04), (2.0, 0.16)], overall_variance=0.1) == est.DomainAbility(
        10, 1.5, pytest.approx(0.09), shared=pytest.approx(0.2173913043), own=pytest.approx(0.0467863894))


def test_uncertainty_every_domain_shares_adds_up_across_them():
    """The same domains as above with all their uncertainty the overall ability's: the exam's share
    moves as one, its variance (Σ w·g·√v)² instead of Σ (w·g)²·v, a lower chance and a wider band."""
    shared = [est.DomainAbility(d.weight, d.theta, d.variance, shared=1.0, own=0.0) for d in _KNOWN]
    together = est.readiness(shared, question_count=90, passing_fraction=0.8125, overall_variance=0.05)
    apart = est.readiness(_KNOWN, question_count=90, passing_fraction=0.8125)
    assert together.expected_share == pytest.approx(apart.expected_share)
    assert together.probability == pytest.approx(0.9243556599, abs=1e-9)
    assert (together.low, together.high) == pytest.approx((0.8039847318, 0.9955448813), abs=1e-9)
    assert together.high - together.low > apart.high - apart.low


def test_an_exam_a_random_pick_cannot_answer_has_no_floor_under_its_share():
    # Mean over difficulties 1..5 of σ(1 − b), no quarter for free: 0.684849.
    assert est.expected_share(1.0, guess=0.0) == pytest.approx(0.6848493569, abs=1e-9)
    floorless = est.readiness([est.DomainAbility(100, 2.5, 0.05)], question_count=90, passing_fraction=0.8125, guess=0.0)
    four_option = est.readiness([est.DomainAbility(100, 2.5, 0.05)], question_count=90, passing_fraction=0.8125)
    assert floorless.probability == pytest.approx(0.9566716674, abs=1e-9)
    assert floorless.probability < four_option.probability


def _readiness_at(days, overall, objectives, **floor):
    blueprint = [Domain(60, (1, 2)), Domain(40, (3,))]
    return est.readiness_at(T0 + timedelta(days=days), blueprint=blueprint, overall=overall, objectives=objectives,
                            question_count=90, passing_fraction=0.8125, **floor)


def test_readiness_aged_to_a_later_date_falls_and_never_rises():
    strong = (Row(2.6, 0.05, last_answer_at=T0), {1: Row(2.5, 0.2, last_answer_at=T0), 3: Row(2.9, 0.3, last_answer_at=T0)})
    # Below the bar and unsure: under the old rule, where idle days only widened the band, this one rose.
    weak = (Row(1.3, 0.6, last_answer_at=T0), {2: Row(1.0, 1.0, last_answer_at=T0 - timedelta(days=3))})
    for overall, objectives in (strong, weak):
        shown = [_readiness_at(day, overall, objectives).probability for day in range(0, 400, 3)]
        assert all(later <= earlier for earlier, later in zip(shown, shown[1:], strict=False))
        assert shown[7] < shown[0]  # three weeks away
    # Pinned: the strong learner after 21 days, each estimate aged by its own idle days.
    assert _readiness_at(0, *strong).probability == pytest.approx(0.9996253551, abs=1e-9)
    assert _readiness_at(21, *strong).probability == pytest.approx(0.9341591936, abs=1e-9)
    # On an exam of typed answers (no floor) the same learner is less likely to pass.
    assert _readiness_at(21, *strong, guess=0.0).probability == pytest.approx(0.7776535641, abs=1e-9)


def test_readiness_follows_a_learner_whose_accuracy_climbs_within_sixty_answers():
    """200 answers at 60 %, then 95 %: readiness reaches "ready" within N = 60 answers (it takes
    50 today; the estimator before drift still said 48 % after 400)."""
    overall, objectives = Row(), {}
    blueprint = [Domain(50, (0, 1)), Domain(50, (2, 3))]
    shown = []
    for n in range(260):
        correct = n % 5 < 3 if n < 200 else n % 20 != 0
        at = T0 + timedelta(minutes=n)
        fold_answer(objectives.setdefault(n % 4, Row()), correct=correct, difficulty=1 + n % 5, guess=0.25, at=at,
                    drift=est.OBJECTIVE_DRIFT)
        fold_answer(overall, correct=correct, difficulty=1 + n % 5, guess=0.25, at=at, drift=est.LEARNING_DRIFT)
        shown.append(est.readiness_at(at, blueprint=blueprint, overall=overall, objectives=objectives,
                                      question_count=90, passing_fraction=0.8125).probability)
    assert shown[199] < 0.05
    assert shown[259] >= est.READY_THRESHOLD
    assert math.isclose(shown[249], 0.9, abs_tol=0.1)
