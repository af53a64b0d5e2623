"""Calibrate readiness against synthetic learners whose true ability is known (study.simulation).

Per scenario: the Brier score of readiness (as the dashboard shows it on the exam day), of the
naive rule "practice accuracy ≥ passing share" and of always predicting the base rate; a
calibration table of readiness against the pass rate of one simulated exam and against the
oracle (the exact chance of passing given the true abilities at exam time); and how many of the
learners shown "ready" passed.
"""

from django.core.management.base import BaseCommand, CommandError

from study import estimator as est
from study import simulation as sim


class Command(BaseCommand):
    help = "Simulate learners of known ability and report how well readiness predicts passing."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scenario", choices=[*sim.SCENARIOS, "every"], default="every")
        parser.add_argument("--min-answers", type=int, default=est.MIN_ANSWERS_FOR_READINESS)
        parser.add_argument("--max-answers", type=int, default=400)

    def handle(self, *args, learners, seed, scenario, min_answers, max_answers, **options):
        if learners < 10 or not est.MIN_ANSWERS_FOR_READINESS <= min_answers <= max_answers:
            raise CommandError(f"Need --learners ≥ 10 and {est.MIN_ANSWERS_FOR_READINESS} ≤ --min-answers ≤ --max-answers.")
        self.stdout.write(
            f"{learners} synthetic learners per scenario (seed {seed}), {min_answers}-{max_answers} practice answers "
            f"each, exam of {sim.QUESTION_COUNT} questions, passing share {sim.PASSING_FRACTION:.4f}\n"
        )
        for name in sim.SCENARIOS if scenario == "every" else [scenario]:
            outcomes = sim.simulate(sim.SCENARIOS[name], learners=learners, seed=seed, min_answers=min_answers,
                                    max_answers=max_answers)
            self._report(name, sim.summarise(outcomes))

    def _report(self, name: str, s: sim.Summary) -> None:
        w = self.stdout.write
        w(f"{name}: pass rate {s.pass_rate:.1%}; Brier: readiness {s.brier:.4f}, naive rule {s.naive:.4f}, "
          f"base rate {s.base_rate:.4f}")
        w("  readiness  learners  mean readiness  mean oracle  observed pass  oracle − readiness")
        for b in s.table:
            w(f"  {b.low:>3}-{b.low + 10:<3}%  {b.learners:>8}  {b.predicted:>14.1%}  {b.oracle:>11.1%}  "
              f"{b.observed:>13.1%}  {100 * (b.oracle - b.predicted):>+15.1f} pts")
        if s.worst is not None:
            w(f"  worst bin of ≥ {s.MIN_BIN} learners: {s.worst.low}-{s.worst.low + 10} %, "
              f"{100 * (s.worst.oracle - s.worst.predicted):+.1f} pts against the oracle")
        ready = f"{s.ready_passed:.1%} of them passed" if s.ready_passed is not None else "none"
        w(f"  shown ready (≥ {est.READY_THRESHOLD:.0%}): {s.ready} learners, {ready}\n")
