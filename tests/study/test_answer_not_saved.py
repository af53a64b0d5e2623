"""When the database cannot take a learner's answer (SQLite's write lock held past the busy
timeout, or the writers' queue held as long), the learner is told exactly that: a 503 saying it
was not saved, the card left with their pick (htmx) or a form that sends it again (no JavaScript),
and sending it again once the database answers saves it exactly once (pingtopass/faults.py).

These run on a copy of the suite's database in a file, as the site runs: SQLite's locks and the
writers' queue (pingtopass/db/sqlite/base.py) need a file, and the suite's database is in memory.
"""

import fcntl
import html
import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from exams.models import Exam
from pingtopass.db.sqlite.base import DatabaseWrapper
from study.models import SessionItem, StudySession
from study.services import SessionRequest, session_start
from tests.answers import correct_post_data
from tests.factories import UserFactory

BUSY_TIMEOUT = 1  # seconds: the settings' "timeout" (20 s in production), short here

NOT_SAVED = "Your answer was not saved: our database did not respond in time."
KEEP_PICK = "What you picked is still on the page: try again in a moment."


@pytest.fixture
def file_db(tmp_path, transactional_db):
    """The suite's migrated database copied to a file, and served from it as "default"."""
    path = tmp_path / "db.sqlite3"
    memory = connections["default"]
    if memory.settings_dict["ENGINE"] != "pingtopass.db.sqlite":  # libSQL's vendor says "sqlite" too
        pytest.skip("about SQLite's lock and the writers' queue (tests/pingtopass/test_libsql_lock_wait.py for libSQL)")
    memory.ensure_connection()
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    options = {"transaction_mode": "IMMEDIATE", "timeout": BUSY_TIMEOUT,
               "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"}
    connections["default"] = DatabaseWrapper({**memory.settings_dict, "NAME": str(path), "OPTIONS": options}, "default")
    try:
        yield path
    finally:
        connections["default"].close()
        connections["default"] = memory


class SqliteLock:
    """SQLite's write lock, taken by another connection to the file (a long write elsewhere)."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def hold(self):
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


class QueueHold:
    """The writers' queue held by a writer ahead (another process's, as the kernel sees it), let
    go after `seconds` at most: with the wait unbounded, the request would save then."""

    def __init__(self, path, seconds: float):
        self.fd = os.open(f"{path}-writers.lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.timer = threading.Timer(seconds, self.release)
        self.timer.start()

    def release(self):
        self.timer.cancel()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@pytest.fixture
def lock(file_db):
    held = SqliteLock(file_db)
    yield held
    held.release()
    held.conn.close()


@pytest.fixture
def learner_on_file(file_db, client):
    call_command("seed", "--env", "test", stdout=StringIO())
    learner = UserFactory(email="learner@example.com")
    client.force_login(learner)
    client.get("/")  # signed in and seen: the middleware's once-a-while write is behind it
    return learner


def _start(learner, mode=StudySession.Mode.PRACTICE) -> StudySession:
    return session_start(user=learner, exam=Exam.objects.get(code="PTP-100"), request=SessionRequest(mode=mode, count=8))


def answer_url(item) -> str:
    return f"/sessions/{item.session_id}/q/{item.position}/answer/"


@contextmanager
def lock_once_committed(lock, column: str):
    """The lock taken the moment an UPDATE of `column` commits: the request's later writes fail."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().startswith("UPDATE") and f'"{column}"' in sql:
            context["connection"].on_commit(lock.hold)
        return result

    with connection.execute_wrapper(wrapper):
        yield


def _shown(client, item) -> SessionItem:
    client.get(item.get_absolute_url())
    return SessionItem.objects.select_related("question").get(pk=item.pk)


def _hidden_fields(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(n), html.unescape(v)) for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)]


def _answered(session) -> int:
    return session.items.exclude(response=None).count()


def test_it_says_an_answer_refused_for_the_lock_was_not_saved_and_keeps_the_card(client, learner_on_file, lock):
    session = _start(learner_on_file)
    item = _shown(client, session.items.get(position=1))
    lock.hold()
    response = client.post(answer_url(item), {**correct_post_data(item), "elapsed": "6"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 503 and response["HX-Reswap"] == "none"
    assert f"{NOT_SAVED} {KEEP_PICK}" in page and "data-fault-notice" in page
    assert 'id="session-main"' not in page  # a notice for the card, never a card in its place
    assert "answers are saved" not in page
    item.refresh_from_db()
    assert item.response is None and not item.progress_pending

    lock.release()
    retried = client.post(answer_url(item), {**correct_post_data(item), "elapsed": "6"}, HTTP_HX_REQUEST="true")
    assert retried.status_code == 200 and "Correct!" in retried.content.decode()
    item.refresh_from_db()
    assert item.is_correct and item.time_spent_seconds == 6.0
    assert _answered(session) == 1
    session.refresh_from_db()
    assert session.current_position == 2


def test_without_javascript_the_page_sends_the_same_answer_again(client, learner_on_file, lock):
    session = _start(learner_on_file, mode=StudySession.Mode.EXAM)
    item = _shown(client, session.items.get(position=3))
    sent = {**correct_post_data(item), "elapsed": "9", "touched": "1", "confidence": "2"}
    lock.hold()
    response = client.post(answer_url(item), sent, HTTP_REFERER=f"http://testserver{item.get_absolute_url()}")

    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"]
    assert NOT_SAVED in page and "Try again in a moment: the button below sends it again." in page
    assert f'<form method="post" action="{answer_url(item)}">' in page
    assert f'href="http://testserver{item.get_absolute_url()}"' in page  # back to the card
    resend = _hidden_fields(page)
    assert [field for field in resend if field[0] != "csrfmiddlewaretoken"] == [
        (name, value) for name, values in sent.items() for value in (values if isinstance(values, list) else [values])
    ]
    assert _answered(session) == 0

    lock.release()
    again = {}
    for name, value in resend:
        again.setdefault(name, []).append(value)
    retried = client.post(answer_url(item), again)
    assert retried.status_code == 302
    item.refresh_from_db()
    assert item.response is not None and item.is_correct and item.confidence == 2
    assert item.time_spent_seconds == 9.0  # the refused attempt added no time
    assert _answered(session) == 1


def test_a_writer_gives_up_in_the_queue_after_the_busy_timeout(client, learner_on_file, file_db):
    # The queue is held for far longer than the busy timeout: the answer is refused, not kept
    # waiting until the writer ahead lets go (then saved, long after the learner gave up).
    session = _start(learner_on_file)
    item = _shown(client, session.items.get(position=2))
    ahead = QueueHold(file_db, seconds=BUSY_TIMEOUT * 6)
    try:
        response = client.post(answer_url(item), correct_post_data(item), HTTP_HX_REQUEST="true")
        refused_while_held = ahead.fd is not None
    finally:
        ahead.release()

    assert refused_while_held
    assert response.status_code == 503 and NOT_SAVED in response.content.decode()
    item.refresh_from_db()
    assert item.response is None

    retried = client.post(answer_url(item), correct_post_data(item), HTTP_HX_REQUEST="true")
    assert retried.status_code == 200
    assert _answered(session) == 1


def test_moving_on_with_a_pick_says_the_pick_was_not_saved(client, learner_on_file, lock):
    session = _start(learner_on_file, mode=StudySession.Mode.EXAM)
    item = _shown(client, session.items.get(position=1))
    lock.hold()
    response = client.post(answer_url(item), {**correct_post_data(item), "touched": "1", "go": "2"},
                           HTTP_HX_REQUEST="true")

    assert response.status_code == 503 and NOT_SAVED in response.content.decode()
    lock.release()
    retried = client.post(answer_url(item), {**correct_post_data(item), "touched": "1", "go": "2"},
                          HTTP_HX_REQUEST="true")
    assert retried.status_code == 200 and "Question 2 <span" in retried.content.decode()
    assert _answered(session) == 1


@pytest.mark.parametrize("path, data, message", [
    ("flag/", {"flagged": "1"}, "The flag on this question was not changed: our database did not respond in time."),
    ("bookmark/", {"bookmarked": "on", "note": "subnets"}, "Your bookmark was not changed: our database did not respond in time."),
])
def test_flag_and_bookmark_say_they_were_not_changed(client, learner_on_file, lock, path, data, message):
    session = _start(learner_on_file, mode=StudySession.Mode.EXAM)
    item = _shown(client, session.items.get(position=1))
    lock.hold()
    response = client.post(item.get_absolute_url() + path, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 503 and f"{message} {KEEP_PICK}" in response.content.decode()
    item.refresh_from_db()
    assert not item.flagged and not learner_on_file.bookmarks.exists()
    lock.release()
    assert client.post(item.get_absolute_url() + path, data, HTTP_HX_REQUEST="true").status_code == 200
    item.refresh_from_db()
    assert item.flagged if path == "flag/" else learner_on_file.bookmarks.get().note == "subnets"


def test_submit_says_the_session_was_not_submitted(client, learner_on_file, lock):
    session = _start(learner_on_file, mode=StudySession.Mode.EXAM)
    _shown(client, session.items.get(position=1))
    lock.hold()
    response = client.post(f"/sessions/{session.pk}/submit/")

    assert response.status_code == 503
    assert "Your session was not submitted: our database did not respond in time." in response.content.decode()
    session.refresh_from_db()
    assert session.status == StudySession.Status.IN_PROGRESS
    lock.release()
    assert client.post(f"/sessions/{session.pk}/submit/").status_code == 302
    session.refresh_from_db()
    assert session.status == StudySession.Status.SUBMITTED


def test_an_answer_saved_before_the_page_after_it_failed_is_said_to_be_saved(client, learner_on_file, lock):
    # The lock is taken the moment the answer commits: showing the next question (a write) fails.
    session = _start(learner_on_file, mode=StudySession.Mode.EXAM)
    item = _shown(client, session.items.get(position=1))

    with lock_once_committed(lock, "response"):
        response = client.post(answer_url(item), {**correct_post_data(item), "touched": "1", "go": "2"},
                               HTTP_HX_REQUEST="true")

    assert response.status_code == 503
    assert ("Your answer was saved, but the page after it could not be loaded: our database stopped responding. "
            "Reload the page to carry on.") in response.content.decode()
    item.refresh_from_db()
    assert item.response is not None


def test_a_submit_that_committed_before_failing_is_not_said_to_be_unsubmitted(client, learner_on_file, lock):
    # Practice: submitting commits, then folds the pending answers into progress (a second write).
    session = _start(learner_on_file)
    item = _shown(client, session.items.get(position=1))
    client.post(answer_url(item), correct_post_data(item))

    with lock_once_committed(lock, "status"):
        response = client.post(f"/sessions/{session.pk}/submit/")

    page = response.content.decode()
    assert response.status_code == 503
    assert "We could not confirm that your session was submitted" in page and "not submitted" not in page
    lock.release()
    assert client.post(f"/sessions/{session.pk}/submit/").status_code == 302
    session.refresh_from_db()
    assert session.status == StudySession.Status.SUBMITTED and session.answered_count == 1
    assert client.get("/dashboard/").status_code == 200  # folds what is pending before it draws
    item.refresh_from_db()
    assert not item.progress_pending
    assert learner_on_file.exam_progress.get().answered == 1  # counted once


def test_a_fault_before_the_view_runs_names_what_was_not_saved(client, file_db, lock):
    # The once-a-while "last active" write (a middleware) is the first to meet the lock.
    call_command("seed", "--env", "test", stdout=StringIO())
    learner = UserFactory(email="new@example.com")
    client.force_login(learner)
    session = _start(learner)
    item = session.items.select_related("question").get(position=1)
    client.raise_request_exception = False
    lock.hold()
    response = client.post(answer_url(item), correct_post_data(item), HTTP_HX_REQUEST="true")

    assert response.status_code == 503 and f"{NOT_SAVED} {KEEP_PICK}" in response.content.decode()
    assert response["X-Request-ID"]
    lock.release()
    assert client.post(answer_url(item), correct_post_data(item), HTTP_HX_REQUEST="true").status_code == 200
    assert _answered(session) == 1


def test_a_page_that_cannot_be_drawn_says_so(client, learner_on_file, lock):
    session = _start(learner_on_file)
    lock.hold()  # showing a question for the first time writes when it was shown
    response = client.get(session.items.get(position=4).get_absolute_url())

    assert response.status_code == 503
    assert "This page could not be loaded: our database did not respond in time." in response.content.decode()
