import pytest

from study import estimator as est


def test_a_right_answer_raises_ability_and_a_wrong_one_lowers_it():
    up, var_up = est.ability_update(0.0, 1.0, correct=True, difficulty=3)
    down, var_down = est.ability_update(0.0, 1.0, correct=False, difficulty=3)
    assert up > 0 > down
    assert var_up < 1.0 and var_down < 1.0  # every answer makes us surer


def test_hard_questions_answered_right_count_for_more_than_easy_ones():
    hard, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=5)
    easy, _ = est.ability_update(0.0, 1.0, correct=True, difficulty=1)
    assert hard > easy
    missed_easy, _ = est.ability_update(0.0, 1.0, correct=False, difficulty=1)
    missed_hard, _ = est.ability_update(0.0, 1.0, correct=False, difficulty=5)
    assert missed_easy < missed_hard


def test_idle_time_makes_an_estimate_uncertain_again():
    _, fresh = est.ability_update(1.0, 0.2, correct=True, difficulty=3, idle_days=0)
    _, stale = est.ability_update(1.0, 0.2, correct=True, difficulty=3, idle_days=60)
    assert stale > fresh
    _, capped = est.ability_update(1.0, 0.2, correct=True, difficulty=3, idle_days=10_000)
    assert capped <= est.PRIOR_VARIANCE


def test_an_objective_with_few_answers_leans_on_overall_ability():
    theta, var = est.ability_update(est.PRIOR_MEAN, est.PRIOR_VARIANCE, correct=False, difficulty=3)
    pooled, _ = est.objective_posterior(theta, var, overall_theta=2.0, overall_variance=0.05)
    assert theta < 0 < pooled < 2.0
    unseen, unseen_var = est.objective_posterior(None, None, overall_theta=2.0, overall_variance=0.05)
    assert unseen == 2.0 and unseen_var == pytest.approx(est.OBJECTIVE_SPREAD**2 + 0.05)


def _readiness(theta, variance=0.01):
    domains = [est.DomainAbility(w, theta, variance) for w in (30, 30, 40)]
    return est.readiness(domains, question_count=90, passing_fraction=0.8125)


def test_readiness_grows_with_ability_and_crosses_the_ready_threshold():
    weak, middling, strong = _readiness(0.5), _readiness(2.0), _readiness(3.5)
    assert weak.probability < middling.probability < strong.probability
    assert not weak.is_ready and strong.is_ready
    assert strong.probability >= est.READY_THRESHOLD


def test_readiness_band_widens_with_uncertainty():
    sure, unsure = _readiness(2.2, 0.01), _readiness(2.2, 1.0)
    assert sure.low <= sure.probability <= sure.high
    assert (unsure.high - unsure.low) > (sure.high - sure.low)


def test_pass_probability_is_a_binomial_tail():
    assert est.pass_probability(0.9, 90, 0.8125) > 0.95
    assert est.pass_probability(0.7, 90, 0.8125) < 0.01
    assert est.pass_probability(0.8125, 90, 0.8125) == pytest.approx(0.5, abs=0.1)
