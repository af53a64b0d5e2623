"""What one typed line of a CLI lab costs, against answering a single-choice question, in one run.

    .venv/bin/python bench/lab_line.py [--rounds 20] [--calls]

In-process through Django's test client (no server, no network), with the production settings
(DEBUG=0), on its own SQLite database (/tmp/ptp-lab-bench.db, migrated and seeded with the dev
exams on the first run: a few minutes, then seconds). Each round starts a practice session of
200-301's OSPF lab (200-301-c04) and one single-choice question of the same objective, types the
lab's eight lines through the terminal (POST .../cli/, as htmx does), submits the lab (graded on
the device's state) and answers the single-choice question. Prints per request the median and
p90 of this process's CPU, the queries, with --calls the Python calls (the figure that does not
drift with the machine), and each as a ratio to the single-choice answer measured in the same run.
"""

import argparse
import cProfile
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
DB = Path("/tmp/ptp-lab-bench.db")
FORM = "application/x-www-form-urlencoded"
LINES = ["enable", "configure terminal", "router ospf 10", "router-id 10.255.0.2",
         "network 10.0.12.0 0.0.0.3 area 0", "network 172.16.30.0 0.0.0.255 area 0",
         "passive-interface GigabitEthernet0/0/1", "end"]


def prepare(env: dict) -> None:
    if DB.exists():
        return
    print("== preparing", DB, "(migrate and seed: a few minutes, once)")
    for command in (["migrate", "-v0"], ["seed", "--env", "dev"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", action="store_true", help="count Python calls per request (slower)")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "DEBUG": "1"}
    prepare(env)
    os.environ.update({"DATABASE_URL": f"sqlite:///{DB}", "DEBUG": "0", "SECRET_KEY": "bench-" + "k" * 60,
                       "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
                       "CSRF_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING", "STATIC_ROOT": "/tmp/ptp-load-static",
                       "RATE_LIMIT_ANSWER": "100000/60", "RATE_LIMIT_LAB_LINE": "100000/60",
                       "FREE_DAILY_QUESTIONS": "1000000", "DJANGO_SETTINGS_MODULE": "pingtopass.settings",
                       "CACHE_PATH": "/tmp/ptp-lab-bench-cache.sqlite3"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from exams.models import Question
    from pingtopass.fragments import precompile
    from study.models import StudySession
    from study.services import SessionRequest, session_start

    precompile()
    lab = Question.objects.get(seed_key="200-301-c04")
    single = Question.objects.filter(objective=lab.objective, type="single").first()
    user = User.objects.get(email="learner@pingtopass.local")
    cpu, queries, calls = defaultdict(list), defaultdict(list), defaultdict(list)

    def timed(name, call, *a, **kw):
        executed = [0]

        def count(execute, sql, params, many, context):
            executed[0] += 1
            return execute(sql, params, many, context)

        counter = cProfile.Profile() if args.calls else None
        with connection.execute_wrapper(count):
            if counter:
                counter.enable()
            started = time.process_time()
            response = call(*a, **kw)
            cpu[name].append((time.process_time() - started) * 1000)
            if counter:
                counter.disable()
                calls[name].append(sum(entry.callcount for entry in counter.getstats()))
        queries[name].append(executed[0])
        assert response.status_code in (200, 302), (name, response.status_code, response.content[:300])
        return response

    client = Client()
    client.force_login(user)
    for _ in range(args.rounds):
        session = session_start(user=user, exam=lab.exam, request=SessionRequest(
            mode=StudySession.Mode.PRACTICE, count=2, objective_ids=(lab.objective_id,)))
        session.items.all().delete()  # exactly the two questions measured, whatever the draw was
        from study.models import SessionItem

        SessionItem.objects.bulk_create([SessionItem(session=session, position=1, question=lab, choice_order=[], match_order=[]),
                                         SessionItem(session=session, position=2, question=single,
                                                     choice_order=list(single.choices.values_list("pk", flat=True)), match_order=[])])
        StudySession.objects.filter(pk=session.pk).update(question_total=2)
        here = f"/sessions/{session.pk}/q/1/"
        for line in LINES:
            timed("lab line", client.post, here + "cli/", urlencode({"device": "R2", "line-R2": line}),
                  content_type=FORM, HTTP_HX_REQUEST="true")
        timed("lab answer", client.post, here + "answer/", urlencode({"lab": "1", "elapsed": "60"}),
              content_type=FORM, HTTP_HX_REQUEST="true")
        correct = next(i for i, pk in enumerate(single.choices.values_list("pk", flat=True))
                       if single.choices.get(pk=pk).is_correct)
        timed("choice answer", client.post, f"/sessions/{session.pk}/q/2/answer/",
              urlencode({"choice": str(correct), "elapsed": "12"}), content_type=FORM, HTTP_HX_REQUEST="true")

    base = statistics.median(cpu["choice answer"])
    base_calls = statistics.mean(calls["choice answer"]) if args.calls else None
    print(f"{'request':<15}{'count':>7}{'median ms':>11}{'p90 ms':>9}{'× answer':>10}{'queries':>9}"
          + (f"{'calls':>10}{'× answer':>10}" if args.calls else ""))
    for name in ("lab line", "lab answer", "choice answer"):
        values = sorted(cpu[name])
        line = (f"{name:<15}{len(values):>7}{statistics.median(values):>11.2f}{values[int(len(values) * 0.9)]:>9.2f}"
                f"{statistics.median(values) / base:>10.2f}{statistics.median(queries[name]):>9.0f}")
        if args.calls:
            mean_calls = statistics.mean(calls[name])
            line += f"{mean_calls:>10.0f}{mean_calls / base_calls:>10.2f}"
        print(line)


if __name__ == "__main__":
    main()
