"""The calibration command (study/management/commands/simulate_learners.py, study/simulation.py)."""

import math
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from study import estimator as est
from study import simulation as sim


def test_it_reports_brier_scores_a_calibration_table_and_the_ready_learners_who_passed():
    out = StringIO()
    call_command("simulate_learners", "--learners", "60", "--seed", "3", "--scenario", "all", stdout=out)
    report = out.getvalue()
    assert "60 synthetic learners per scenario (seed 3)" in report
    assert "all: pass rate" in report and "naive rule" in report and "base rate" in report
    assert "mean readiness  mean oracle  observed pass" in report
    assert "shown ready (≥ 80%)" in report


def test_it_refuses_an_unknown_scenario_and_too_few_learners():
    with pytest.raises(CommandError):
        call_command("simulate_learners", "--scenario", "lucky", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("simulate_learners", "--learners", "5", stdout=StringIO())


def test_the_oracle_is_the_exact_binomial_tail():
    p = 0.8
    tail = sum(math.comb(90, k) * p**k * (1 - p) ** (90 - k) for k in range(sim.NEEDED, 91))
    assert sim._pass_chance([p] * len(sim.EXAM_QUESTIONS)) == pytest.approx(tail, rel=1e-12)
    assert sum(sim.EXAM_QUESTIONS) == sim.QUESTION_COUNT and sim.NEEDED == 74


def test_the_same_seed_gives_the_same_learners_and_scores():
    first = sim.simulate(sim.SCENARIOS["all"], learners=20, seed=4)
    again = sim.simulate(sim.SCENARIOS["all"], learners=20, seed=4)
    assert first == again
    assert all(0.0 <= o.readiness <= 1.0 and 0.0 <= o.oracle <= 1.0 and o.passed in (0, 1) for o in first)


def test_within_a_day_of_the_last_answer_the_stored_readiness_stands_as_on_the_dashboard():
    overall, rows = sim.Row(), {}
    at = sim.START
    for n in range(30):
        for row, drift in ((rows.setdefault(n % 20, sim.Row()), est.OBJECTIVE_DRIFT), (overall, est.LEARNING_DRIFT)):
            sim.SITE.fold(row, correct=n % 4 != 0, difficulty=3, guess=0.25, at=at, drift=drift)
    stored = est.readiness_at(at, blueprint=sim.EXAM_BLUEPRINT, overall=overall, objectives=rows,
                              question_count=sim.QUESTION_COUNT, passing_fraction=sim.PASSING_FRACTION).probability
    assert sim.SITE.readiness(overall, rows, sim.EXAM_BLUEPRINT, at + timedelta(hours=12), est.EXAM_GUESS) == stored
    assert sim.SITE.readiness(overall, rows, sim.EXAM_BLUEPRINT, at + timedelta(days=3), est.EXAM_GUESS) < stored


@pytest.mark.parametrize(("scenario", "floors", "exam_floor"), [
    ("on-model", {0.0}, 0.0),  # typed answers: a random pick is never right, and the site is told so
    ("guessing", {1 / 4, 1 / 2, 1 / 10, 1 / 24}, 0.75 / 4 + 0.10 / 2 + 0.10 / 10 + 0.05 / 24),  # the kinds' mean
])
def test_the_site_is_told_each_questions_floor_and_the_exams(scenario, floors, exam_floor):
    seen, exams = set(), set()

    def fold(row, *, guess, **kwargs):
        seen.add(guess)
        sim.SITE.fold(row, guess=guess, **kwargs)

    def readiness(overall, rows, blueprint, when, guess):
        exams.add(guess)
        return sim.SITE.readiness(overall, rows, blueprint, when, guess)

    sim.simulate(sim.SCENARIOS[scenario], learners=15, seed=2, site=sim.Site(fold=fold, readiness=readiness))
    (told,) = exams
    assert seen == floors and told == pytest.approx(exam_floor)
