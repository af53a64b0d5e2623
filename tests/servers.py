"""The site as production runs it, for the tests that need the real thing: gunicorn with
gunicorn.conf.py on a free port of 127.0.0.1, manage.py run in a subprocess, and an SMTP server
on 127.0.0.1 for the mail it sends."""

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """`manage.py *args` with `env` as its whole environment; its output. Raises if it fails."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def site_env(tmp_path: Path, *, workers: int, drop: tuple[str, ...] = (), **values: str) -> dict:
    """The environment of a production-like site on plain HTTP at 127.0.0.1, with a SQLite file in
    tmp_path as its database: this process's environment without its DATABASE_URL, REDIS_URL,
    CACHE_* or any variable starting with one of `drop`, then `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "CACHE_", *drop))}
    env.update({
        "DEBUG": "0", "SECRET_KEY": "gunicorn-test-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "STATIC_MANIFEST": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJSTRIPE_SKIP_MIGRATIONS": "1",
        "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(workers),
        **values,
    })
    return env


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For urllib openers: a redirect is reported as it is (a signed-in answer is a 302), not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


def _serves(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5).close()
        return True
    except OSError:
        return False


@contextmanager
def gunicorn_server(env: dict, tmp_path: Path, *, app: str = "pingtopass.wsgi:application",
                    ready_path: str = "/accounts/login/", args: tuple[str, ...] = (), seconds: float = 30):
    """gunicorn.conf.py's server for `app` on a free port, `env` its whole environment, its output
    in tmp_path/gunicorn.log; yields (base URL, log path) once `ready_path` answers, and stops it
    after. The test fails with the end of the log if it does not serve within `seconds`."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while not _serves(base + ready_path):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not serve:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, log_path
    finally:
        server.terminate()
        server.wait(20)


class SmtpInbox:
    """The messages an SMTP server on 127.0.0.1 accepted, as parsed emails, in the order received."""

    def __init__(self):
        self.port = 0
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    def deliver(self, raw: bytes) -> None:
        with self._arrived:
            self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
            self._arrived.notify_all()

    def wait_for(self, count: int, *, seconds: float = 10) -> list[EmailMessage]:
        """The first `count` messages; the test fails if they have not all come within `seconds`."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=seconds):
                pytest.fail(f"the SMTP server got {len(self.messages)} message(s) in {seconds} s, not {count}")
            return self.messages[:count]


async def _smtp_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, inbox: SmtpInbox) -> None:
    """RFC 5321's minimum, as Django's SMTP backend (smtplib) speaks it: no extensions, no auth."""

    async def reply(line: str) -> None:
        writer.write(line.encode("ascii") + b"\r\n")
        await writer.drain()

    await reply("220 127.0.0.1 test SMTP server")
    try:
        while line := await reader.readline():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("HELO", "EHLO"):
                await reply("250 127.0.0.1")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                await reply("250 OK")
            elif verb == "DATA":
                await reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := await reader.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b".") else data)  # undo dot-stuffing
                inbox.deliver(b"".join(lines))
                await reply("250 OK: queued")
            elif verb == "QUIT":
                await reply("221 Bye")
                break
            else:
                await reply("502 Command not implemented")
    finally:
        writer.close()


@contextmanager
def smtp_server():
    """A real SMTP server on a free port of 127.0.0.1, run by its own event loop in a thread; yields
    its SmtpInbox. For tests that send mail the way production does, over the wire."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-smtp", daemon=True)
    thread.start()
    inbox = SmtpInbox()
    server = asyncio.run_coroutine_threadsafe(
        asyncio.start_server(lambda r, w: _smtp_session(r, w, inbox), "127.0.0.1", 0), loop).result(5)
    inbox.port = server.sockets[0].getsockname()[1]
    try:
        yield inbox
    finally:
        server.close()
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
