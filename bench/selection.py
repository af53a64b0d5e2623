"""Question selection benchmark: p50/p95 of 65-question selections against the seed design's
naive `ORDER BY RANDOM()` query, on the same data in the same process, for SQLite and PostgreSQL.

    .venv/bin/python bench/selection.py [--sizes 10000 100000] [--runs 200] [--backends sqlite postgres]

Each (backend, size) gets a fresh database filled by `manage.py seed --scale` (2,000 learners and
ten answers per question, capped at a million), then a child process times:
  practice   65 questions from the whole exam
  unseen     65 questions the learner has never answered (learner with the longest history)
  blueprint  65 questions drawn by the blueprint weights (an exam simulation); the naive
             baseline runs one ORDER BY RANDOM() LIMIT <share> per domain
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/{name}")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def child(runs: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingtopass.settings")
    django.setup()
    import random

    from django.db import connection
    from django.db.models import Count

    from exams.models import Exam, Question
    from exams.selectors import SelectionCriteria, blueprint_quota, question_sample, question_sample_by_blueprint
    from study.models import SessionItem
    from study.selectors import seen_probe

    exam = Exam.objects.filter(code__startswith="SCALE-").latest("pk")
    learner_id = (SessionItem.objects.filter(session__exam=exam).values("session__user").annotate(n=Count("id"))
                  .order_by("-n").first()["session__user"])
    from accounts.models import User

    learner = User.objects.get(pk=learner_id)
    history = SessionItem.objects.filter(session__user=learner).count()
    rng = random.Random(7)
    servable = Question.objects.servable().filter(exam=exam)
    answered = SessionItem.objects.filter(session__user=learner, response__isnull=False).values("question_id")

    quota = blueprint_quota({d.pk: d.weight for d in exam.domains.all()}, 65)

    def naive_blueprint(count):
        """The seed design's way, per domain: ORDER BY RANDOM() LIMIT the domain's share."""
        assert sum(quota.values()) == count
        return [pk for domain_id, n in quota.items()
                for pk in servable.filter(objective__domain_id=domain_id).order_by("?").values_list("pk", flat=True)[:n]]

    cases = {
        "practice": (lambda: question_sample(SelectionCriteria(exam=exam), 65, rng=rng),
                     lambda: list(servable.order_by("?").values_list("pk", flat=True)[:65])),
        "unseen": (lambda: question_sample(SelectionCriteria(exam=exam, exclude_probe=seen_probe(user=learner)), 65, rng=rng),
                   lambda: list(servable.exclude(pk__in=answered).order_by("?").values_list("pk", flat=True)[:65])),
        "blueprint": (lambda: question_sample_by_blueprint(SelectionCriteria(exam=exam), 65, rng=rng),
                      lambda: naive_blueprint(65)),
    }
    results = {"vendor": connection.vendor, "questions": servable.count(), "history": history, "cases": {}}
    for name, (ours, naive) in cases.items():
        timings = {}
        for label, fn in (("ours", ours), ("naive", naive)):
            for _ in range(5):
                fn()  # warm caches like a running site
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                got = fn()
                samples.append((time.perf_counter() - started) * 1000)
                assert len(got) == 65, (name, label, len(got))
            timings[label] = {"p50": statistics.median(samples), "p95": percentile(samples, 95)}
        results["cases"][name] = timings
    print(json.dumps(results))


def prepare(backend: str, size: int) -> dict:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "SECURE_SSL_REDIRECT": "0", "STATIC_MANIFEST": "0",
           "REDIS_URL": "", "LOG_LEVEL": "WARNING"}
    if backend == "sqlite":
        path = f"/tmp/ptp-bench-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        name = f"ptp_bench_{size}"
        admin = PG_URL.format(name="postgres")
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        env["DATABASE_URL"] = PG_URL.format(name=name)
    answers = min(size * 10, 1_000_000)
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "seed", "--scale", str(size), "--learners", "2000", "--answers", str(answers)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"# {backend} {size:,}: data ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return
    print(f"{'backend':<10} {'questions':>9} {'history':>7} {'case':<10} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'naive p50':>10} {'naive p95':>10} {'×p50':>6} {'×p95':>6}")
    for backend in args.backends:
        for size in args.sizes:
            env = prepare(backend, size)
            out = subprocess.run([sys.executable, __file__, "--child", "--runs", str(args.runs)], cwd=ROOT, env=env,
                                 check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            for case, t in r["cases"].items():
                ours, naive = t["ours"], t["naive"]
                print(f"{r['vendor']:<10} {r['questions']:>9,} {r['history']:>7,} {case:<10} {ours['p50']:>8.2f} {ours['p95']:>8.2f} "
                      f"{naive['p50']:>10.2f} {naive['p95']:>10.2f} {naive['p50'] / ours['p50']:>6.1f} {naive['p95'] / ours['p95']:>6.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
