"""What one study request costs in-process: milliseconds of this process's CPU and queries.

    .venv/bin/python bench/request_cost.py [--sessions 30] [--profile answer] [--calls]

Runs against the database bench/load.py prepares (run that once first; DATABASE_URL overrides)
with the production settings (DEBUG=0), through Django's test client: no HTTP server and no
network, so the figures are the application's own cost per request — what caps the load test
on a 2-core machine. Each simulated learner starts a practice session and, for each of its 20
questions, GETs the card (HTMX) unless the previous answer carried it, as the browser does,
and POSTs an answer; then it submits, reads the results and the dashboard. Prints the median
and p90 per endpoint, the mean time it held the SQLite writers' queue (pingtopass/db/sqlite/base.py: every other write waits that long) and
the queries each ran; --profile NAME prints a cProfile of that endpoint's requests (BENCH_SORT,
BENCH_ROWS choose its order and length; BENCH_PROFILE_OUT=FILE also saves it for pstats). --calls also counts the Python function calls each
request makes: on a machine whose timings drift by 20% between runs, that count does not, so it
compares two versions of the code where milliseconds cannot (the profiler slows the run).
"""

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CHOICE = re.compile(r'name="choice" value="(\d+)"')
FORM = "application/x-www-form-urlencoded"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--profile", default="", help="endpoint to profile: question, answer, start")
    parser.add_argument("--fetch-every-card", action="store_true",
                        help="GET every card, as before answers carried the next one")
    parser.add_argument("--calls", action="store_true", help="count Python calls per request (slower)")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1, help="which learners (the same ones for the same seed)")
    args = parser.parse_args()

    os.environ.update({"DEBUG": "0", "SECRET_KEY": "load-" + "k" * 60, "ALLOWED_HOSTS": "testserver",
                       "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
                       "LOG_LEVEL": "WARNING", "STATIC_ROOT": "/tmp/ptp-load-static", "RATE_LIMIT_ANSWER": "100000/60", "FREE_DAILY_QUESTIONS": "1000000"})
    os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ptp-load.db")
    os.environ["CACHE_PATH"] = "/tmp/ptp-request-cost-cache.sqlite3"
    for suffix in ("", "-wal", "-shm"):  # an empty cache every run, as a new server process has
        Path(os.environ["CACHE_PATH"] + suffix).unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingtopass.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from pingtopass.fragments import precompile

    precompile()  # as pingtopass/wsgi.py does when a worker starts

    from accounts.models import User
    from bench.load import carried_card

    code = f"SCALE-{args.questions}"
    # The same learners every run (--seed): their histories differ, and so does what their pages cost.
    pks = list(User.objects.filter(email__startswith="load-").order_by("pk").values_list("pk", flat=True))
    users = list(User.objects.filter(pk__in=random.Random(args.seed).sample(pks, min(args.sessions, len(pks)))).order_by("pk"))
    if len(users) < args.sessions:
        raise SystemExit("No load database here: run bench/load.py once (it prepares /tmp/ptp-load.db).")
    cpu = defaultdict(list)
    queries = defaultdict(list)
    held = defaultdict(list)  # ms holding SQLite's writers' queue (pingtopass/db/sqlite/base.py)
    holding = {"since": None, "ms": 0.0}
    from pingtopass.db.sqlite import base as sqlite_base

    enter, leave = sqlite_base.DatabaseWrapper._queue_enter, sqlite_base.DatabaseWrapper._queue_leave

    def timed_enter(self):
        enter(self)
        holding["since"] = time.perf_counter()

    def timed_leave(self):
        if self._queue_held and holding["since"] is not None:
            holding["ms"] += (time.perf_counter() - holding["since"]) * 1000
            holding["since"] = None
        leave(self)

    sqlite_base.DatabaseWrapper._queue_enter, sqlite_base.DatabaseWrapper._queue_leave = timed_enter, timed_leave
    calls = defaultdict(list)
    profiler = cProfile.Profile()

    def timed(name, call, *call_args, **call_kwargs):
        counter = cProfile.Profile() if args.calls else None
        holding["ms"] = 0.0
        # Queries are counted by an execute wrapper, not CaptureQueriesContext: its debug cursor
        # formats every statement's SQL (on SQLite with an extra query per statement), which
        # would be counted in the CPU and in the time the writers' queue is held.
        executed = [0]

        def count(execute, sql, params, many, context):
            executed[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            if name == args.profile:
                profiler.enable()
            if counter:
                counter.enable()
            started = time.process_time()
            response = call(*call_args, **call_kwargs)
            cpu[name].append((time.process_time() - started) * 1000)
            if counter:
                counter.disable()
                calls[name].append(sum(entry.callcount for entry in counter.getstats()))
            if name == args.profile:
                profiler.disable()
        queries[name].append(executed[0])
        held[name].append(holding["ms"])
        return response

    # One handler for every learner, as a server process has: a new Client loads the middleware
    # again on its first request, and WhiteNoise's start-up scan of the static files (some 30 ms)
    # would be counted in each learner's exam page.
    handler = Client(enforce_csrf_checks=False).handler
    for user in users:
        client = Client(enforce_csrf_checks=False)
        client.handler = handler
        client.force_login(user)
        timed("exam page", client.get, f"/exams/{code}/")
        response = timed("start", client.post, f"/exams/{code}/start/", {
            "mode": "practice", "count": "custom", "custom_count": "20", "difficulty_min": "1",
            "difficulty_max": "5", "source": "all"})
        session = response["Location"].rstrip("/").split("/")[-1]
        carried = None
        for position in range(1, 21):
            if carried is None:
                page = timed("question", client.get, f"/sessions/{session}/q/{position}/", HTTP_HX_REQUEST="true")
                carried = page.content.decode()
            choices = CHOICE.findall(carried)
            answered = timed("answer", client.post, f"/sessions/{session}/q/{position}/answer/",
                             urlencode({"choice": choices[0], "elapsed": "12"}), HTTP_HX_REQUEST="true",
                             content_type=FORM)  # what htmx sends, not the test client's multipart
            carried = None if args.fetch_every_card else carried_card(answered.content.decode())
        timed("submit", client.post, f"/sessions/{session}/submit/")
        timed("results", client.get, f"/sessions/{session}/results/")
        timed("dashboard", client.get, "/dashboard/")  # readiness, aged to today, with the session folded in

    print(f"{'endpoint':<11}{'requests':>9}{'median ms':>11}{'p90 ms':>9}{'queries':>9}{'lock ms':>9}"
          + (f"{'calls':>9}" if args.calls else "") + "   (CPU of this process)")
    for name, values in cpu.items():
        values.sort()
        print(f"{name:<11}{len(values):>9}{statistics.median(values):>11.2f}{values[int(len(values) * 0.9)]:>9.2f}"
              f"{statistics.median(queries[name]):>9.0f}{statistics.mean(held[name]):>9.2f}"
              + (f"{statistics.mean(calls[name]):>9.0f}" if args.calls else ""))
    per_question = (sum(cpu["question"]) + sum(cpu["answer"])) / len(cpu["answer"])
    print(f"one question (its card, when fetched, and its answer): {per_question:.1f} ms of CPU on average")
    session_total = sum(sum(values) for values in cpu.values()) / args.sessions
    print(f"one session (exam page, start, 20 questions, submit, results, dashboard): {session_total:.0f} ms of CPU, "
          f"{session_total / 20:.1f} ms a question")
    if args.profile and os.environ.get("BENCH_PROFILE_OUT"):
        profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])  # for pstats' callers and callees
    if args.profile:
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_ROWS", "45")))


if __name__ == "__main__":
    main()
