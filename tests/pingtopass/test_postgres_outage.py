"""PostgreSQL cut off mid-use: the site's connection runs through a TCP proxy that drops every
connection and refuses new ones, then lets them through again. While it is cut, each answer is
told it was not saved (a 503 from the site, never a bare 500) and none is half-written, unless
the cut met its COMMIT: then nobody can know, and the page says it could not be confirmed. Once it
is back, pages work without a restart and sending each answer again saves it exactly once.

Runs when the suite does, on PostgreSQL (DATABASE_URL=postgres://...)."""

import contextlib
import socket
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections

from exams.models import Exam
from study.models import SessionItem, StudySession
from study.services import SessionRequest, session_start
from tests.answers import correct_post_data
from tests.factories import UserFactory

pytestmark = pytest.mark.postgres

NOT_SAVED = "Your answer was not saved: our database did not respond in time."


class TcpProxy:
    """127.0.0.1:<port> forwarded to `target`; cut() drops every connection and refuses new ones
    until resume()."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self.port = 0
        self.resume()

    def resume(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self):
        if self._listener is None:
            return
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; new connections are refused
        self._listener.close()
        self._listener = None
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                # Both ends see the connection closed (and the threads reading them wake up): the
                # server ends its session, rolling back what was not committed.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        source.close()


def _as_a_server_does(**kwargs):
    close_old_connections()


@pytest.fixture
def proxy(transactional_db):
    """The site's connection to PostgreSQL, through a proxy the test can cut. Requests are served
    as a server serves them: Django's test client keeps a connection across requests, where a
    server closes an unusable one as each request starts and ends (close_old_connections), and
    that is what replaces a lost connection."""
    direct = connections["default"]
    if direct.vendor != "postgresql":
        pytest.skip("about PostgreSQL: run the suite with DATABASE_URL=postgres://...")
    cuttable = TcpProxy((direct.settings_dict["HOST"] or "127.0.0.1", int(direct.settings_dict["PORT"] or 5432)))
    connections["default"] = type(direct)({**direct.settings_dict, "HOST": "127.0.0.1", "PORT": str(cuttable.port)},
                                          "default")
    cuttable.direct = direct
    request_started.connect(_as_a_server_does)
    request_finished.connect(_as_a_server_does)
    try:
        yield cuttable
    finally:
        request_started.disconnect(_as_a_server_does)
        request_finished.disconnect(_as_a_server_does)
        connections["default"].close()
        connections["default"] = direct
        cuttable.cut()


def _answered(proxy, session_pk) -> int:
    """Answers saved in the session, read past the proxy."""
    with proxy.direct.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM study_sessionitem WHERE session_id = %s AND response IS NOT NULL",
                       [session_pk])
        return cursor.fetchone()[0]


def answer_url(item) -> str:
    return f"/sessions/{item.session_id}/q/{item.position}/answer/"


@pytest.fixture
def exam_session(proxy, client):
    call_command("seed", "--env", "test", stdout=StringIO())
    learner = UserFactory(email="learner@example.com")
    client.force_login(learner)
    session = session_start(user=learner, exam=Exam.objects.get(code="PTP-100"),
                            request=SessionRequest(mode=StudySession.Mode.EXAM, count=8))
    assert client.get(session.items.get(position=1).get_absolute_url()).status_code == 200  # connected, seen
    client.raise_request_exception = False
    return session


def test_answers_while_postgres_is_cut_are_refused_and_saved_once_when_it_is_back(proxy, client, exam_session):
    items = list(SessionItem.objects.filter(session=exam_session, position__lte=4).select_related("question")
                 .order_by("position"))
    picks = {item.pk: {**correct_post_data(item), "touched": "1", "elapsed": "5"} for item in items}
    proxy.cut()
    refused = [client.post(answer_url(item), picks[item.pk], **({"HTTP_HX_REQUEST": "true"} if item.position % 2 else {}))
               for item in items]
    page = client.get(items[0].get_absolute_url())

    assert [r.status_code for r in refused] == [503] * 4
    assert all(NOT_SAVED in r.content.decode() for r in refused)
    assert page.status_code == 503
    assert "This page could not be loaded" in page.content.decode()
    assert _answered(proxy, exam_session.pk) == 0  # none half-written

    proxy.resume()
    assert client.get(items[0].get_absolute_url()).status_code == 200  # reconnected, nothing restarted
    for item in items:
        assert client.post(answer_url(item), picks[item.pk]).status_code == 302
    assert _answered(proxy, exam_session.pk) == 4
    saved = SessionItem.objects.filter(session=exam_session, position__lte=4)
    assert {(i.is_correct, i.time_spent_seconds) for i in saved} == {(True, 5.0)}  # each once, none twice


def test_a_cut_inside_the_answers_transaction_saves_nothing(proxy, client, exam_session):
    item = SessionItem.objects.select_related("question").get(session=exam_session, position=2)
    pick = {**correct_post_data(item), "touched": "1"}

    def cut_before_the_answer_is_written(execute, sql, params, many, context):
        if sql.lstrip().startswith("UPDATE") and '"response"' in sql:
            proxy.cut()
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(cut_before_the_answer_is_written):
        response = client.post(answer_url(item), pick, HTTP_HX_REQUEST="true")

    assert response.status_code == 503 and NOT_SAVED in response.content.decode()
    assert _answered(proxy, exam_session.pk) == 0
    proxy.resume()
    assert client.post(answer_url(item), pick).status_code == 302
    assert _answered(proxy, exam_session.pk) == 1


def test_a_cut_at_commit_is_not_called_saved_or_unsaved_and_sending_again_saves_once(proxy, client, exam_session):
    item = SessionItem.objects.select_related("question").get(session=exam_session, position=3)
    pick = {**correct_post_data(item), "touched": "1", "elapsed": "4"}
    driver = connections["default"].connection  # kept between requests (CONN_MAX_AGE)
    commit = driver.commit

    def cut_then_commit():
        driver.commit = commit
        proxy.cut()
        commit()

    driver.commit = cut_then_commit
    response = client.post(answer_url(item), pick, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 503
    assert "We could not confirm that your answer was saved" in page and "Sending it again will not count it twice." in page
    proxy.resume()
    for _ in range(2):
        assert client.post(answer_url(item), pick).status_code == 302
    item.refresh_from_db()
    assert item.is_correct and _answered(proxy, exam_session.pk) == 1
