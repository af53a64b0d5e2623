"""Calibrate the readiness estimate against synthetic learners whose true ability is known.

Each learner has a true ability per objective; they practise a random number of questions of
random difficulty; the site's own estimator (study.estimator) turns their answers into a
readiness; then they sit a simulated full exam built like the blueprint. We print the Brier score
and a calibration table for the estimator and for the naive rule "practice accuracy ≥ passing
share" as the baseline.
"""

import random

from django.core.management.base import BaseCommand, CommandError

from study import estimator as est

BLUEPRINT = [12, 22, 18, 28, 20]  # CompTIA Security+ SY0-701
OBJECTIVES_PER_DOMAIN = 4
QUESTION_COUNT = 90
PASSING_FRACTION = (750 - 100) / (900 - 100)


class Command(BaseCommand):
    help = "Simulate learners of known ability and report how well readiness predicts passing."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--min-answers", type=int, default=est.MIN_ANSWERS_FOR_READINESS)
        parser.add_argument("--max-answers", type=int, default=400)

    def handle(self, *args, learners, seed, min_answers, max_answers, **options):
        if learners < 10 or min_answers < 1 or max_answers < min_answers:
            raise CommandError("Need --learners ≥ 10 and 1 ≤ --min-answers ≤ --max-answers.")
        rng = random.Random(seed)
        rows = [self._learner(rng, min_answers, max_answers) for _ in range(learners)]
        outcomes = [r[2] for r in rows]
        self.stdout.write(
            f"{learners} synthetic learners, {min_answers}-{max_answers} practice answers each, "
            f"exam of {QUESTION_COUNT} questions, passing share {PASSING_FRACTION:.3f}; "
            f"observed pass rate {sum(outcomes) / learners:.1%}\n"
        )
        for name, index in (("PingToPass readiness", 0), ("naive: accuracy ≥ passing share", 1)):
            predictions = [r[index] for r in rows]
            brier = sum((p - o) ** 2 for p, o in zip(predictions, outcomes, strict=True)) / learners
            self.stdout.write(f"{name}: Brier score {brier:.4f}")
            self._table(predictions, outcomes)
        always = sum(outcomes) / learners
        base = sum((always - o) ** 2 for o in outcomes) / learners
        self.stdout.write(f"reference: always predicting the base rate {always:.3f} scores Brier {base:.4f}")

    def _learner(self, rng, min_answers, max_answers):
        general = rng.gauss(0.9, 1.0)
        truth = [[general + rng.gauss(0, 0.6) for _ in range(OBJECTIVES_PER_DOMAIN)] for _ in BLUEPRINT]
        estimates = {}
        overall = (est.PRIOR_MEAN, est.PRIOR_VARIANCE)
        right = answered = 0
        favourite = rng.randrange(len(BLUEPRINT))  # learners practise unevenly
        for _ in range(rng.randint(min_answers, max_answers)):
            d = favourite if rng.random() < 0.3 else rng.randrange(len(BLUEPRINT))
            o = rng.randrange(OBJECTIVES_PER_DOMAIN)
            difficulty = rng.randint(1, 5)
            correct = rng.random() < est.sigmoid(truth[d][o] - est.difficulty_logit(difficulty))
            idle = rng.random()
            theta, var = estimates.get((d, o), (est.PRIOR_MEAN, est.PRIOR_VARIANCE))
            estimates[(d, o)] = est.ability_update(theta, var, correct=correct, difficulty=difficulty, idle_days=idle)
            overall = est.ability_update(*overall, correct=correct, difficulty=difficulty, idle_days=idle)
            right += correct
            answered += 1
        domains = []
        for d, weight in enumerate(BLUEPRINT):
            pooled = [
                est.objective_posterior(*estimates.get((d, o), (None, None)), overall_theta=overall[0], overall_variance=overall[1])
                for o in range(OBJECTIVES_PER_DOMAIN)
            ]
            theta, var = est.domain_ability(pooled)
            domains.append(est.DomainAbility(weight, theta, var))
        predicted = est.readiness(domains, question_count=QUESTION_COUNT, passing_fraction=PASSING_FRACTION).probability
        naive = 1.0 if right / answered >= PASSING_FRACTION else 0.0
        return predicted, naive, self._sit_exam(rng, truth)

    @staticmethod
    def _sit_exam(rng, truth) -> int:
        correct = 0
        for d, weight in enumerate(BLUEPRINT):
            for _ in range(round(weight * QUESTION_COUNT / 100)):
                theta = truth[d][rng.randrange(OBJECTIVES_PER_DOMAIN)]
                correct += rng.random() < est.sigmoid(theta - est.difficulty_logit(rng.randint(1, 5)))
        return int(correct >= PASSING_FRACTION * QUESTION_COUNT)

    def _table(self, predictions, outcomes):
        self.stdout.write("  predicted      learners  mean predicted  observed pass rate")
        for low in range(0, 100, 10):
            bucket = [(p, o) for p, o in zip(predictions, outcomes, strict=True) if low <= p * 100 < low + 10 or (low == 90 and p == 1.0)]
            if not bucket:
                continue
            mean_p = sum(p for p, _ in bucket) / len(bucket)
            observed = sum(o for _, o in bucket) / len(bucket)
            self.stdout.write(f"  {low:>3}-{low + 10:<3}%     {len(bucket):>8}  {mean_p:>14.1%}  {observed:>18.1%}")
        self.stdout.write("")
