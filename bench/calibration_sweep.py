"""Try estimator settings against the calibration scenarios without editing study/estimator.py.

    .venv/bin/python bench/calibration_sweep.py [--bins] [--seeds 3,4] '{"OBJECTIVE_DRIFT": 0.1}' ['{"SPREAD": 0.5}' ...]

Each argument is one candidate: constants of study/estimator.py to replace (LEARNING_DRIFT,
OBJECTIVE_DRIFT, UPDATE_STEPS, PRIOR_MEAN, PRIOR_VARIANCE, OBJECTIVE_SPREAD, HALF_LIVES as
[[weight, days], ...]) and one change of method:
  SPREAD  the exam's share averaged over an authored difficulty that is off by N(0, SPREAD²) logits.
Every scenario of study/simulation.py runs on two seeds (1 and 2, as issue 30's target; --seeds
for others), 3,000 learners, one core each. It prints each scenario's worst bin (oracle −
readiness, points, at the bin's lower edge), Brier against the naive rule's, the share of "ready"
learners who passed, and whether issue 30's targets hold (within 8 points, Brier below naive,
≥ 85 % of "ready" pass); --bins adds every bin, oracle − readiness in points (a bin under 50
learners, which the target leaves out, with its count). About 75 s a candidate on two cores. The
candidate is applied in the worker processes only.
"""

import json
import math
import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingtopass.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from study import estimator as est  # noqa: E402
from study import simulation as sim  # noqa: E402

LEARNERS = 3000


def _spread(sd: float) -> None:
    nodes = ((-math.sqrt(3.0) * sd, 1 / 6), (0.0, 2 / 3), (math.sqrt(3.0) * sd, 1 / 6))

    def expected_share(theta: float, guess: float = est.EXAM_GUESS) -> float:
        return sum(w * est.p_correct(theta, est.difficulty_logit(d) + e, guess)
                   for d in est.DIFFICULTY_MIX for e, w in nodes) / len(est.DIFFICULTY_MIX)

    est.expected_share = expected_share


METHODS = {"SPREAD": _spread}


def apply(candidate: dict) -> None:
    for name, value in candidate.items():
        if name in METHODS:
            METHODS[name](value)
        elif name == "HALF_LIVES":
            est.HALF_LIVES = tuple((float(w), float(days)) for w, days in value)
        elif hasattr(est, name):
            setattr(est, name, value)
        else:
            raise SystemExit(f"study.estimator has no {name}")


def run(job: tuple[dict, int]) -> dict:
    candidate, seed = job
    apply(candidate)
    results = {}
    for name, scenario in sim.SCENARIOS.items():
        summary = sim.summarise(sim.simulate(scenario, learners=LEARNERS, seed=seed))
        worst = summary.worst
        results[name] = {
            "points": 100 * (worst.oracle - worst.predicted) if worst else 0.0, "bin": worst.low if worst else None,
            "brier": summary.brier, "naive": summary.naive,
            "ready": 100 * summary.ready_passed if summary.ready_passed is not None else None,
            "bins": [(b.low, b.learners, 100 * (b.oracle - b.predicted)) for b in summary.table],
            "holds": summary.meets_target,
        }
    return results


def holds(r: dict) -> bool:
    return r["holds"]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def main() -> None:
    args = sys.argv[1:]
    show_bins = "--bins" in args
    seeds = [1, 2]
    if "--seeds" in args:
        at = args.index("--seeds")
        seeds = [int(seed) for seed in args[at + 1].split(",")]
        del args[at:at + 2]
    candidates = [json.loads(arg) for arg in args if arg != "--bins"] or [{}]
    # A worker serves one candidate and one seed, then a fresh one starts: a candidate changes the
    # estimator module in place, and what one left there must not carry into the next. Spawned, not
    # forked: a forked pool hung once at its start here, its workers never running.
    with multiprocessing.get_context("spawn").Pool(2, maxtasksperchild=1) as pool:
        for candidate in candidates:
            first, second = pool.map(run, [(candidate, seed) for seed in seeds])
            misses = 0
            print(json.dumps(candidate) or "{}")
            for name in first:
                a, b = first[name], second[name]
                misses += (not holds(a)) + (not holds(b))
                print(f"  {name:10} worst {a['points']:+5.1f} @{a['bin']}% / {b['points']:+5.1f} @{b['bin']}%   "
                      f"Brier {a['brier']:.4f}/{b['brier']:.4f} (naive {a['naive']:.4f}/{b['naive']:.4f})   "
                      f"ready passed {_percent(a['ready'])}/{_percent(b['ready'])} %   "
                      f"{'holds' if holds(a) and holds(b) else 'misses'}")
                if show_bins:
                    for results in (a, b):
                        print("      " + "  ".join(f"{low:2}%:{points:+5.1f}" + ("" if n >= 50 else f"({n})")
                                                   for low, n, points in results["bins"]))
            worst = max(abs(r["points"]) for results in (first, second) for r in results.values())
            print(f"  misses {misses} of {2 * len(first)}; the worst bin is {worst:.1f} points from the oracle\n")


if __name__ == "__main__":
    main()
