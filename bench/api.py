"""What the JSON API costs against the HTML views doing the same work, in one run, in-process.

    .venv/bin/python bench/api.py [--learners 20] [--batch 65]

Through Django's test client (no server, no network) with the production settings (DEBUG=0), on
a copy of the database bench/load.py prepares (run that once first), so the runs never touch it.
Each learner answers a 20-question practice session twice: on the site (the htmx answer, which
draws the answered card and carries the next) and through the API (the answered card as JSON
with its feedback). A batch of --batch questions (POST /api/v1/questions/batch) is set against
starting a practice session of as many questions on the site, the HTML way of drawing them. Then
both sessions are submitted and their results read (page and JSON), and the learner's progress
(the dashboard, and GET /api/v1/progress).
Prints p50 and p95 in milliseconds and the API's p50 as a share of the HTML one.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD_DB = Path("/tmp/ptp-load.db")
BENCH_DB = Path("/tmp/ptp-api-bench.db")


def signing_key() -> str:
    """A key for this run's access tokens (production reads HEADLESS_JWT_PRIVATE_KEY)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--batch", type=int, default=65)
    parser.add_argument("--questions", type=int, default=10_000, help="the load database's bank (SCALE-<n>)")
    args = parser.parse_args()
    if not LOAD_DB.exists():
        raise SystemExit(f"No {LOAD_DB}: run bench/load.py once (it prepares it).")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(LOAD_DB, BENCH_DB)
    os.environ.update({
        "DEBUG": "0", "SECRET_KEY": "bench-" + "k" * 60, "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": "/tmp/ptp-load-static", "RATE_LIMIT_ANSWER": "100000/60", "RATE_LIMIT_API_BATCH": "100000/60",
        "FREE_DAILY_QUESTIONS": "1000000", "BILLING_DEFAULT_PLAN": "pro", "DATABASE_URL": f"sqlite:///{BENCH_DB}",
        "CACHE_PATH": "/tmp/ptp-api-bench-cache.sqlite3", "DJANGO_SETTINGS_MODULE": "pingtopass.settings",
        "HEADLESS_JWT_PRIVATE_KEY": signing_key(),
    })
    Path(os.environ["CACHE_PATH"]).unlink(missing_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from pingtopass.fragments import precompile
    from study.models import SessionItem
    from study.scale import LOAD_PASSWORD
    from tests.answers import correct_post_data, wrong_post_data

    precompile()
    code = f"SCALE-{args.questions}"
    pks = list(User.objects.filter(email__startswith="load-").order_by("pk").values_list("pk", flat=True))
    users = list(User.objects.filter(pk__in=random.Random(1).sample(pks, min(args.learners, len(pks)))))
    times = {name: [] for name in ("answer html", "answer api", "draw html", "draw api", "results html", "results api",
                                   "progress html", "progress api")}
    handler = Client().handler  # one handler for all, as one server process has

    def timed(name, call, *call_args, **call_kwargs):
        started = time.perf_counter()
        response = call(*call_args, **call_kwargs)
        times[name].append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, (name, response.status_code, response.content[:300])
        return response

    rng = random.Random(2)
    for user in users:
        html, app = Client(), Client()
        html.handler = app.handler = handler
        html.force_login(user)
        login = app.post("/_allauth/app/v1/auth/login", {"email": user.email, "password": LOAD_PASSWORD},
                         content_type="application/json")
        bearer = {"Authorization": f"Bearer {login.json()['meta']['access_token']}"}

        started = timed("draw html", html.post, f"/exams/{code}/start/", {
            "mode": "practice", "count": "custom", "custom_count": str(args.batch), "difficulty_min": "1",
            "difficulty_max": "5", "source": "all"})
        timed("draw api", app.post, "/api/v1/questions/batch", {"exam": code, "count": args.batch},
              content_type="application/json", headers=bearer)

        html_session = started["Location"].rstrip("/").split("/")[-1]
        api_session = app.post("/api/v1/sessions", {"exam": code, "mode": "practice", "count": 20},
                               content_type="application/json", headers=bearer).json()["id"]
        for position in range(1, 21):
            for name, session in (("answer html", html_session), ("answer api", api_session)):
                item = SessionItem.objects.select_related("question").get(session_id=session, position=position)
                form = (correct_post_data if rng.random() < 0.7 else wrong_post_data)(item)
                if name == "answer html":
                    timed(name, html.post, f"/sessions/{session}/q/{position}/answer/", form, HTTP_HX_REQUEST="true")
                else:
                    answer = {k: [int(v) for v in value] if isinstance(value, list) else int(value)
                              for k, value in form.items()}
                    timed(name, app.post, f"/api/v1/sessions/{session}/questions/{position}/answer",
                          json.dumps({"answer": answer}), content_type="application/json", headers=bearer)
        # Finished: both sessions submitted, their results read, then the learner's progress (the
        # dashboard on the site; the same figures as JSON), which folds the answers just given.
        html.post(f"/sessions/{html_session}/submit/")
        app.post(f"/api/v1/sessions/{api_session}/submit", headers=bearer)
        timed("results html", html.get, f"/sessions/{html_session}/results/")
        timed("results api", app.get, f"/api/v1/sessions/{api_session}/results", headers=bearer)
        timed("progress html", html.get, "/dashboard/")
        timed("progress api", app.get, "/api/v1/progress", headers=bearer)

    print(f"{len(users)} learners, 20 answers each on both sides, draws of {args.batch} questions (ms, wall time)")
    print(f"{'':14}{'n':>6}{'p50':>9}{'p95':>9}")
    for name, values in times.items():
        print(f"{name:14}{len(values):>6}{statistics.median(values):>9.1f}{percentile(values, 95):>9.1f}")
    for what in ("answer", "draw", "results", "progress"):
        api, html = statistics.median(times[f"{what} api"]), statistics.median(times[f"{what} html"])
        print(f"{what}: the API's p50 is {api / html:.2f}× the HTML view's")


if __name__ == "__main__":
    main()
