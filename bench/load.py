"""Load test: gunicorn with the production settings, simulated learners, latency per endpoint.

    .venv/bin/python bench/load.py [--steps 250 500 1000 1500 2000] [--think 10] [--duration 60]
    .venv/bin/python bench/load.py --database postgres --cache redis   # the at-scale shape

It prepares a SQLite database (or DATABASE_URL; with --database postgres, a PostgreSQL one) with
`manage.py seed --scale`, takes the SQLite cache file the workers share or, with --cache redis,
Redis (cache, sessions and broker, as production at scale), starts gunicorn on 127.0.0.1 with
DEBUG=0 (static files collected, whitenoise), and runs an asyncio HTTP client (aiohttp) in this
process. Each simulated learner:

  signs in            (a sample of learners through the real login form; the others come back
                       with a session cookie issued up front, like returning learners — password
                       hashing would otherwise dominate a 2-core machine's budget)
  starts a session    POST /exams/<code>/start/ (practice, 20 questions)
  answers 20          GET the question, think (exponential, mean --think seconds), POST the answer;
                      as in the browser, a question the answered card carried (practice's
                      <template id="next-card">, shown by static/js/study.js) is not fetched again
  finishes            POST submit, GET results

A newcomer is met mid-session, as a steady state would have it: its first session is 1 to 20
questions long (uniformly), so those who arrived together do not all reach the end of a session,
the heaviest requests, in the same minute 20 questions later (--in-step restores that).

Concurrency steps up through --steps; new learners arrive at up to --arrivals a second, and each
step runs --duration seconds once its learners have ramped in and settled (twice the think time).
The script reports throughput, p50/p95/p99 per endpoint, errors and CPU per request, then the
largest step held with p95 < 100 ms and no errors. The load generator shares the machine's cores.
"""

import argparse
import asyncio
import fcntl
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
from yarl import URL

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
SESSION = re.compile(r"/sessions/(\d+)/q/(\d+)/")
CARRIED = re.compile(r'<template id="next-card"[^>]*>(.*?)</template>', re.S)
TARGET_P95_MS = 100.0
QUESTIONS = 20  # per practice session
SIGN_IN = {"login form", "sign in"}
SERVER_LOG = Path("/tmp/ptp-load-gunicorn.log")
RUN_LOCK = Path("/tmp/ptp-load.run.lock")
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ptp_load"  # --database postgres (BENCH_POSTGRES_URL)
REDIS_URL = "redis://127.0.0.1:6379/14"  # --cache redis (BENCH_REDIS_URL); emptied at the start of a run


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def carried_card(body):
    """The next question an answered practice card carries, as static/js/study.js shows it."""
    match = CARRIED.search(body)
    return match.group(1) if match else None


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []
        self.started = time.perf_counter()

    def record(self, name, ms, ok, detail=""):
        self.latency[name].append(ms)
        if not ok:
            self.errors[name] += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{name}: {detail}")

    def reset(self):
        self.__init__()


class Learner:
    def __init__(self, base, email, password, cookie, stats, think, code, rng, first_length=QUESTIONS):
        self.base, self.email, self.password, self.cookie = base, email, password, cookie
        self.stats, self.think, self.code, self.rng = stats, think, code, rng
        self.length = first_length  # questions in the session this learner is in when the step starts
        jar = aiohttp.CookieJar(unsafe=True)
        # Idle connections are dropped before gunicorn's 2 s keep-alive closes them, so a request
        # after think time never lands on a socket the server is closing (a spurious reset).
        self.http = aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=30),
                                          connector=aiohttp.TCPConnector(keepalive_timeout=1.5))
        if cookie:
            jar.update_cookies({"sessionid": cookie}, response_url=URL(base))

    async def call(self, name, method, path, expect=(200,), **kwargs):
        """One request; anything but the status a learner's browser expects here is an error."""
        started = time.perf_counter()
        try:
            async with self.http.request(method, self.base + path, allow_redirects=False, **kwargs) as response:
                body = await response.text()
                ok = response.status in expect
                self.stats.record(name, (time.perf_counter() - started) * 1000, ok, f"{response.status} {path}")
                return response, body
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.stats.record(name, (time.perf_counter() - started) * 1000, False, f"{type(exc).__name__} {path}")
            return None, ""

    def csrf(self, body):
        match = CSRF.search(body)
        return match.group(1) if match else ""

    async def sign_in(self):
        _, page = await self.call("login form", "GET", "/accounts/login/")
        response, _ = await self.call("sign in", "POST", "/accounts/login/", expect=(302,), data={
            "login": self.email, "password": self.password, "csrfmiddlewaretoken": self.csrf(page)},
            headers={"Referer": self.base + "/accounts/login/"})
        return response is not None and response.status == 302

    async def study(self, stop):
        if not self.cookie and not await self.sign_in():
            return
        while not stop.is_set():
            _, page = await self.call("exam page", "GET", f"/exams/{self.code}/")
            response, _ = await self.call("start session", "POST", f"/exams/{self.code}/start/", expect=(302,), data={
                "mode": "practice", "count": "custom", "custom_count": str(self.length), "difficulty_min": "1",
                "difficulty_max": "5", "source": "all", "csrfmiddlewaretoken": self.csrf(page)},
                headers={"Referer": self.base + f"/exams/{self.code}/"})
            if response is None or response.status != 302:
                await asyncio.sleep(self.think)
                continue
            session_id = response.headers["Location"].rstrip("/").split("/")[-1]
            token = self.csrf(page)
            carried = None
            for position in range(1, self.length + 1):
                if carried is not None:
                    page = carried  # Next shows the card the answer brought, without a request
                else:
                    _, page = await self.call("question", "GET", f"/sessions/{session_id}/q/{position}/",
                                              headers={"HX-Request": "true"} if position > 1 else {})
                choices = CHOICE.findall(page)
                token = self.csrf(page) or token  # HTMX partials carry no token field; keep the page's
                await asyncio.sleep(self.rng.expovariate(1 / self.think))
                if stop.is_set():
                    return
                _, answered = await self.call(
                    "answer", "POST", f"/sessions/{session_id}/q/{position}/answer/",
                    data={"choice": self.rng.choice(choices or ["0"]), "elapsed": "12"},
                    headers={"HX-Request": "true", "X-CSRFToken": token, "Referer": self.base + "/"})
                carried = carried_card(answered)
            await self.call("submit", "POST", f"/sessions/{session_id}/submit/", expect=(302,),
                            data={"csrfmiddlewaretoken": token}, headers={"Referer": self.base + "/"})
            await self.call("results", "GET", f"/sessions/{session_id}/results/")
            self.length = QUESTIONS

    async def close(self):
        await self.http.close()


def run_manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def _signing_key() -> str:
    """A throwaway RSA key for the JSON API's tokens: production settings refuse to start without one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def postgres_database(url: str, *, fresh: bool) -> str:
    """`url`'s database, made if missing (and made anew with --fresh), through the server's
    maintenance database "postgres"."""
    import psycopg

    name = URL(url).path.lstrip("/")
    with psycopg.connect(str(URL(url).with_path("/postgres")), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if fresh or not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return url


def prepare(args):
    os.environ.setdefault("HEADLESS_JWT_PRIVATE_KEY", _signing_key())  # the server started later inherits it
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "load-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
           "LOG_LEVEL": "WARNING", "SLOW_REQUEST_MS": os.environ.get("BENCH_SLOW_MS", "100000"),
           "RATE_LIMIT_LOGIN": "100000/m/ip", "RATE_LIMIT_LOGIN_FAILED": "100000/m/ip", "RATE_LIMIT_ANSWER": "100000/60",
           "FREE_DAILY_QUESTIONS": "1000000"}
    if args.database == "postgres":
        env["DATABASE_URL"] = postgres_database(os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL), fresh=args.fresh)
    elif not os.environ.get("DATABASE_URL"):
        path = Path("/tmp/ptp-load.db")
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    env["STATIC_ROOT"] = "/tmp/ptp-load-static"
    # Every run starts with an empty cache, as a rebuilt database must: cached sessions and
    # blueprints of the last one would outlive it. Without Redis the workers share one file.
    env.pop("REDIS_URL", None)
    if args.cache == "redis":
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", REDIS_URL)  # cache, sessions (cached_db) and broker
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    env["CACHE_PATH"] = "/tmp/ptp-load-cache.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(env["CACHE_PATH"] + suffix).unlink(missing_ok=True)
    run_manage(env, "migrate", "-v0")
    run_manage(env, "collectstatic", "--noinput", "-v0")
    code = f"SCALE-{args.questions}"
    exists = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                             f"from exams.models import Exam; print(Exam.objects.filter(code='{code}').exists())"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip().endswith("True")
    if args.fresh or not exists:
        run_manage(env, "seed", "--scale", str(args.questions), "--learners", str(max(args.steps)),
                   "--answers", str(args.answers), stdout=subprocess.DEVNULL)
    # Answers left pending by learners of an earlier run who never finished their session are
    # folded, as Celery beat's study.progress_catch_up_stale does every five minutes in
    # production (no beat runs here); otherwise each such learner's first exam page folds them.
    run_manage(env, "shell", "-c", "from datetime import timedelta\nfrom study.progress import progress_catch_up_stale\n"
               "progress_catch_up_stale(older_than=timedelta(0))", stdout=subprocess.DEVNULL)
    # Session cookies for returning learners, issued once (signing in hashes a password: ~0.3 s of CPU).
    script = (
        "import json\nfrom django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.cached_db import SessionStore\nfrom accounts.models import User\n"
        f"users = User.objects.filter(email__startswith='load-').order_by('pk')[:{max(args.steps)}]\nout = {{}}\n"
        "for u in users:\n    s = SessionStore()\n    s[SESSION_KEY] = str(u.pk)\n"
        "    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]\n"
        "    s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n    s.create()\n    out[u.email] = s.session_key\n"
        "print(json.dumps(out))\n"
    )
    cookies = json.loads(subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                                        capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    if len(cookies) < max(args.steps):
        raise SystemExit(f"The load database has {len(cookies)} learners, fewer than the largest step "
                         f"({max(args.steps)}): run again with --fresh.")
    return env, code, cookies


def start_server(env, args):
    for old in Path("/tmp").glob("ptp-worker-probe-*.csv"):  # bench/worker_probe.py's, from an earlier run
        old.unlink()
    # The production configuration (gunicorn.conf.py), on a local port, without the access log.
    cmd = [sys.executable, "-m", "gunicorn", "pingtopass.wsgi:application", "--config", args.gunicorn_config,
           "--bind", f"127.0.0.1:{args.port}", "--access-logfile", "/dev/null", "--log-level", "warning"]
    for option, value in (("--workers", args.workers), ("--threads", args.threads)):
        if value is not None:
            cmd += [option, str(value)]
    log = SERVER_LOG.open("w")  # noqa: SIM115 -- gunicorn writes to it until the run ends
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stderr=log)
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(server_pid):
    """CPU seconds used so far by gunicorn's master and workers (its process group)."""
    return _cpu_seconds(lambda name, group: group == server_pid)


SERVICES = ("postgres", "redis-server")  # the database and cache servers, when they run on this machine


def services_cpu_seconds():
    """CPU seconds used so far by PostgreSQL's and Redis's processes on this machine: on the same
    cores as gunicorn and the load generator when the run uses them."""
    return _cpu_seconds(lambda name, group: name in SERVICES)


def _cpu_seconds(counted) -> float:
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if counted(head.split("(", 1)[1], int(fields[2])):  # the command's name, the process group id
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def report(stats, seconds, learners):
    total = sum(len(v) for v in stats.latency.values())
    errors = sum(stats.errors.values())
    print(f"\n{learners} learners: {total / seconds:.1f} requests/s over {seconds:.0f} s, {errors} errors")
    print(f"  {'endpoint':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, values in sorted(stats.latency.items()):
        print(f"  {name:<16}{len(values):>9}{statistics.median(values):>9.1f}{percentile(values, 95):>9.1f}"
              f"{percentile(values, 99):>9.1f}{stats.errors.get(name, 0):>8}")
    for sample in stats.error_samples:
        print(f"  error: {sample}")
    # Signing in hashes a password on purpose (~0.5 s of CPU); it is reported above but not part
    # of the capacity criterion, which is about studying.
    studying = [v for name, values in stats.latency.items() if name not in SIGN_IN for v in values]
    return percentile(studying, 95), errors, total


async def loop_lag(samples, stop):
    """How late this process's event loop wakes from a 10 ms sleep: time a response waits here
    before its latency is taken, which the figures above include."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append((time.perf_counter() - started - 0.01) * 1000)


def probe_summary(started, ended):
    """bench/worker_probe.py's figures for a step, when gunicorn runs with it."""
    sys.path.insert(0, str(ROOT / "bench"))
    from worker_probe import summary

    return summary(started, ended)


async def run_steps(args, code, cookies):
    base = f"http://127.0.0.1:{args.port}"
    stats = Stats()
    rng = random.Random(3)
    emails = list(cookies)
    stop = asyncio.Event()
    learners, tasks, results = [], [], []
    lag = []
    lag_task = asyncio.create_task(loop_lag(lag, stop))
    for step in args.steps:
        new = range(len(learners), step)
        # Newcomers arrive at --arrivals per second at most: each opens the exam page and starts
        # a session (the heaviest requests), and a burst of hundreds at once would measure the
        # backlog of that burst, not the load the step holds.
        ramp = max(args.ramp, len(new) / args.arrivals)
        for n in new:
            email = emails[n]
            # the first --sign-ins learners sign in through the form; the rest return with a cookie
            cookie = None if n < args.sign_ins else cookies[email]
            # A learner who arrives is met somewhere in a session, as in a steady state: the first
            # session is 1 to 20 questions long, so the learners who arrived together do not all
            # end their sessions (exam page, start, submit, results) together 20 questions later.
            # --in-step gives every learner a full first session, as before.
            first = QUESTIONS if args.in_step else rng.randint(1, QUESTIONS)
            learner = Learner(base, email, "pingtopass-load", cookie, stats, args.think, code, random.Random(rng.random()),
                              first_length=first)
            learners.append(learner)
            tasks.append(asyncio.create_task(learner.study(stop)))
            await asyncio.sleep(ramp / max(len(new), 1))
        await asyncio.sleep(2 * args.think)  # let the newcomers settle into their rhythm
        stats.reset()
        lag.clear()
        wall_started = time.time()
        server_before, client_before = server_cpu_seconds(args.server_pid), time.process_time()
        services_before = services_cpu_seconds()
        await asyncio.sleep(args.duration)
        wall_ended = time.time()
        seconds = time.perf_counter() - stats.started
        p95, errors, requests = report(stats, seconds, step)
        requests = requests or 1
        server_cpu = server_cpu_seconds(args.server_pid) - server_before
        client_cpu = time.process_time() - client_before
        services_cpu = services_cpu_seconds() - services_before
        print(f"  CPU per request: server {1000 * server_cpu / requests:.1f} ms, PostgreSQL and Redis "
              f"{1000 * services_cpu / requests:.1f} ms, load generator {1000 * client_cpu / requests:.1f} ms; "
              f"cores busy: server {server_cpu / seconds:.2f}, PostgreSQL and Redis {services_cpu / seconds:.2f}, "
              f"load generator {client_cpu / seconds:.2f} of {os.cpu_count()}")
        if lag:
            print(f"  load generator's event loop late by: p50 {percentile(lag, 50):.1f} ms, p95 {percentile(lag, 95):.1f} ms, "
                  f"max {max(lag):.1f} ms")
        if "worker_probe" in args.gunicorn_config:
            await asyncio.sleep(3)  # the workers write their lines every 100 requests
            print("\n".join("  " + line for line in probe_summary(wall_started, wall_ended)))
        results.append((step, p95, errors))
        if errors or p95 >= TARGET_P95_MS * 3:
            break
    stop.set()
    await asyncio.gather(*tasks, lag_task, return_exceptions=True)
    await asyncio.gather(*(learner.close() for learner in learners))
    held = [step for step, p95, errors in results if p95 < TARGET_P95_MS and errors == 0]
    print("\nsummary (p95 over all study endpoints):")
    for step, p95, errors in results:
        print(f"  {step:>5} learners: p95 {p95:6.1f} ms, {errors} errors {'✓' if p95 < TARGET_P95_MS and not errors else '✗'}")
    print(f"largest load held with p95 < {TARGET_P95_MS:.0f} ms and no errors: {max(held) if held else 0} learners "
          f"({args.think:.0f} s think time)")
    log = SERVER_LOG.read_text(errors="replace")
    print(f'server log ({SERVER_LOG}): {log.count("database is locked")} "database is locked", '
          f'{log.count("Internal Server Error")} internal server errors')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, nargs="+", default=[250, 500, 1000, 1500, 2000])
    parser.add_argument("--think", type=float, default=10.0, help="mean think time between answers, seconds")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per step")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to bring in each step's new learners (at least)")
    parser.add_argument("--arrivals", type=float, default=20.0, help="new learners per second at most while ramping up")
    parser.add_argument("--sign-ins", type=int, default=20, help="learners who sign in through the form")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's, 2 per core)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: gunicorn.conf.py's, 1)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                        help="sqlite: /tmp/ptp-load.db (or DATABASE_URL); postgres: BENCH_POSTGRES_URL, default " + POSTGRES_URL)
    parser.add_argument("--cache", choices=["file", "redis"], default="file",
                        help="file: the SQLite cache file the workers share; redis: BENCH_REDIS_URL, default " + REDIS_URL)
    parser.add_argument("--gunicorn-config", default="gunicorn.conf.py",
                        help="e.g. bench/worker_probe.py: the production configuration, and where each worker's time goes")
    parser.add_argument("--in-step", action="store_true",
                        help="every newcomer's first session is a full one: sessions of learners who arrived "
                             "together end together (the design of the figures before 2026-12-01 evening)")
    args = parser.parse_args()
    # Two runs at once would share the database file and the server log, and each would measure
    # the other's load: the second one stops here instead.
    lock = open(RUN_LOCK, "w")  # noqa: SIM115 -- held until the process exits
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"Another bench/load.py is running on this machine (it holds {RUN_LOCK}): wait for it to end.") from None
    env, code, cookies = prepare(args)
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    server = start_server(env, args)
    args.server_pid = server.pid  # started in a session of its own: the pid is the group id
    try:
        asyncio.run(run_steps(args, code, cookies))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
