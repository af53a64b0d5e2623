"""What a visitor is told when the database fails mid-request: a 503 that says exactly what became
of what they sent, drawn without the database, the cache or the session.

A lost PostgreSQL connection, or SQLite's "database is locked" once the busy timeout is spent,
raises OperationalError or InterfaceError wherever the request happens to be. The words depend on
how far it got:

- A view that saves something a learner can send again declares it with ``@saves("your answer")``
  and wraps its one service call in ``with saving(request):``. Failing before that call, it was not
  saved; failing after it, it was saved and only the next page is missing; failing inside it, it
  was not saved, unless the database may have applied it (below).
- Any other POST "may not have been saved"; a GET is a page that could not be loaded.

The database may have applied a write whose failure the request saw only when the failure came
after the write was sent for good: at COMMIT, or on a write statement run outside a transaction,
or after one transaction of several committed. That says "could not confirm", and the declared
saves are all safe to send again. SQLite never applies a failed statement or COMMIT.

A learner's POST comes back with what they had picked: the card keeps it on the page for htmx
(static/js/study.js shows the notice without replacing the card), and without JavaScript the page
carries a form that sends the same fields again.

The JSON APIs get JSON: the site's API (/api/) in its error shape, {"code", "message", "field"},
and allauth's app API (/_allauth/) in allauth's, {"status", "errors": [{"code", "message"}]}; both
with Retry-After, as the pages.
"""

import contextlib
import dataclasses
import enum
import functools
import json
import logging
import re
import traceback

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from pingtopass.context_processors import site

logger = logging.getLogger("pingtopass.faults")
overflow_logger = logging.getLogger("pingtopass.overflow")

# What a database that stopped answering raises; IntegrityError, DataError and ProgrammingError
# are mistakes in the request or the code, and stay 500s.
DATABASE_FAULTS = (OperationalError, InterfaceError)
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
RETRY_AFTER_SECONDS = 5
API_PATH = "/api/"  # the site's JSON API (api/)
ALLAUTH_API_PATH = "/_allauth/"  # allauth's headless API, which apps sign in through


class Outcome(enum.Enum):
    NOT_SAVED = "not_saved"
    UNSURE = "unsure"  # the database may have applied it
    SAVED = "saved"  # what was sent is saved; the page after it failed
    MAYBE = "maybe"  # a POST of a view that declares nothing
    PAGE = "page"  # a page that was only being read


@dataclasses.dataclass
class _Saving:
    subject: str  # "your answer"
    verb: str  # "saved"
    phase: str = "before"  # "saving" inside saving(), "saved" after it
    committed: bool = False  # a write made inside saving() has committed
    maybe_applied: bool = False  # a write statement outside a transaction failed (not on SQLite)

    def watch(self, execute, sql, params, many, context):
        """connection.execute_wrapper: which writes made while saving have committed."""
        db = context["connection"]
        write = _WRITE.match(sql) is not None
        try:
            result = execute(sql, params, many, context)
        except DATABASE_FAULTS:
            self.maybe_applied |= write and not db.in_atomic_block and db.vendor != "sqlite"
            raise
        if write:
            if db.in_atomic_block:
                db.on_commit(self._mark_committed)
            else:
                self.committed = True
        return result

    def _mark_committed(self):
        self.committed = True


def saves(subject: str, verb: str = "saved"):
    """Declare what a view saves, in the words its fault page uses ("your answer", "saved"). Only
    for a save that is safe to send twice (the page offers to send it again): answers, flags,
    bookmarks and submitting a session are; a feedback report, which adds a row each time, is not."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.fault_saving = _Saving(subject, verb)
            return view(request, *args, **kwargs)

        wrapped.fault_saves = (subject, verb)
        return wrapped

    return decorate


@contextlib.contextmanager
def saving(request):
    """Around the service call of a view declared with @saves: the part that saves."""
    state = request.fault_saving
    state.phase = "saving"
    with connection.execute_wrapper(state.watch):
        yield
    state.phase = "saved"


def is_database_fault(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_FAULTS)


class FaultPagesMiddleware:
    """A view that fails for the database answers 503 with the truth (fault_response); one given a
    number too large for what it does with it answers 400 (overflow_response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_fault(exception):
            return fault_response(request, exception)
        if isinstance(exception, OverflowError):
            return overflow_response(request, exception)
        return None


def overflow_response(request, exc: OverflowError) -> HttpResponse:
    """A number too large is the request's fault: 400, not 500. Ids in paths (<id:...>), query
    strings and forms are read with care (pingtopass.params, pingtopass.converters), and integer
    lookups find nothing for a number no column holds (pingtopass/db/lookups.py). Whatever still
    reaches a conversion that refuses a number (SQLite's driver given one beyond 64 bits, a date
    or float conversion), in code we did not write too (admin, allauth, dj-stripe), ends here."""
    overflow_logger.warning("number too large", extra={"method": request.method, "path": request.path,
                                                       "error": str(exc)})
    # Drawn without the request, as for someone signed out (site(None)): no context processor
    # reads the session or the database, and the error may have come from the database driver.
    context = {**site(None), "code": 400, "title": "Bad request", "message": "A number in this request is too large."}
    return HttpResponse(render_to_string("errors/error.html", context), status=400)


def fault_response(request, exc: BaseException) -> HttpResponse:
    """The 503 for a database fault: one ERROR line, and a page or htmx fragment that touches
    neither the database, the cache nor the session. Also used by the 500 handler, for a fault
    raised by a middleware."""
    forget_unloaded_user(request)
    outcome, subject, verb = _outcome(request, exc)
    htmx = request.headers.get("HX-Request") == "true"
    logger.error("database fault: %s", outcome.value, extra={
        "method": request.method, "path": request.path, "error": f"{type(exc).__name__}: {exc}",
    })
    if request.path_info.startswith((API_PATH, ALLAUTH_API_PATH)):
        return _json_fault_response(request, outcome, subject, verb)
    context = {
        "site_name": settings.SITE_NAME,
        "code": 503,
        "title": "Our database did not respond",
        "message": _message(outcome, subject, verb),
        "hint": _hint(outcome, htmx=htmx, resend=subject is not None),
        "request_id": getattr(request, "id", ""),
    }
    if not htmx and subject is not None and outcome in (Outcome.NOT_SAVED, Outcome.UNSURE):
        context["resend"] = {
            "action": request.get_full_path(),
            "fields": [(name, value) for name, values in request.POST.lists()
                       if name != "csrfmiddlewaretoken" for value in values],
        }
        context["csrf_token"] = get_token(request)
    if not htmx:
        context["back_url"] = _back_url(request)
    template = "errors/503.html#notice" if htmx else "errors/503.html"
    response = HttpResponse(render_to_string(template, context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if htmx:
        response["HX-Reswap"] = "none"  # never in place of the card: it keeps what the learner picked
    response._has_been_logged = True  # the line above; Django would log it again as an error
    return response


def _json_fault_response(request, outcome: Outcome, subject: str | None, verb: str | None) -> HttpResponse:
    """fault_response for an app: the same truth in the error shape of the API it called."""
    if outcome is Outcome.PAGE:
        message = "Nothing could be read: our database did not respond in time. Please try again in a moment."
    else:
        message = f"{_message(outcome, subject, verb)} Please try again in a moment."
    response = json_unavailable(request, "database_unavailable", message, retry_after=RETRY_AFTER_SECONDS)
    response._has_been_logged = True
    return response


def json_unavailable(request, code: str, message: str, *, retry_after: int) -> HttpResponse:
    """A 503 for an app, in the error shape of the API it called: allauth's
    `{"status", "errors": [{"code", "message"}]}` on its paths, ours `{"code", "message", "field"}`
    elsewhere."""
    if request.path_info.startswith(ALLAUTH_API_PATH):
        body = {"status": 503, "errors": [{"code": code, "message": message}]}
    else:
        body = {"code": code, "message": message, "field": None}
    response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    response["Retry-After"] = str(retry_after)
    return response


def forget_unloaded_user(request) -> None:
    """After a fault, a user not yet loaded stays unloaded: the middleware on the way out (the
    request log) would otherwise load them from the session and the database that just failed."""
    if hasattr(request, "user") and not hasattr(request, "_cached_user"):
        request._cached_user = AnonymousUser()


def _outcome(request, exc) -> tuple[Outcome, str | None, str | None]:
    if request.method in _SAFE_METHODS:
        return Outcome.PAGE, None, None
    state = getattr(request, "fault_saving", None)
    declared = (state.subject, state.verb) if state else _declared_by_view(request)
    if declared is None:
        return Outcome.MAYBE, None, None
    if state is None or state.phase == "before":
        return Outcome.NOT_SAVED, *declared
    if state.phase == "saved":
        return Outcome.SAVED, *declared
    if state.committed or state.maybe_applied or (connection.vendor != "sqlite" and _failed_at_commit(exc)):
        return Outcome.UNSURE, *declared
    return Outcome.NOT_SAVED, *declared


def _declared_by_view(request) -> tuple[str, str] | None:
    """What the view of this URL saves, for a fault raised before the view ran."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
    return getattr(match.func, "fault_saves", None)


def _failed_at_commit(exc) -> bool:
    """Did a COMMIT fail, here or in what was being handled? (A failed commit is often followed by
    a failed reconnection, as atomic() puts the connection back in autocommit mode.)"""
    while exc is not None:
        if any(frame.f_code.co_name == "_commit" and frame.f_globals.get("__name__") == "django.db.backends.base.base"
               for frame, _ in traceback.walk_tb(exc.__traceback__)):
            return True
        exc = exc.__context__
    return False


def _message(outcome: Outcome, subject: str | None, verb: str | None) -> str:
    if outcome is Outcome.PAGE:
        return "This page could not be loaded: our database did not respond in time."
    if outcome is Outcome.MAYBE:
        return "What you sent may not have been saved: our database did not respond in time."
    if outcome is Outcome.SAVED:
        return f"{subject[:1].upper()}{subject[1:]} was {verb}, but the page after it could not be loaded: our database stopped responding."
    if outcome is Outcome.UNSURE:
        return (f"We could not confirm that {subject} was {verb}: our database stopped responding as it was {verb}. "
                "Sending it again will not count it twice.")
    return f"{subject[:1].upper()}{subject[1:]} was not {verb}: our database did not respond in time."


def _hint(outcome: Outcome, *, htmx: bool, resend: bool) -> str:
    if outcome is Outcome.SAVED:
        return "Reload the page to carry on."
    if resend and outcome in (Outcome.NOT_SAVED, Outcome.UNSURE):
        return ("What you picked is still on the page: try again in a moment." if htmx
                else "Try again in a moment: the button below sends it again.")
    return "Please try again in a moment."


def _back_url(request) -> str:
    """The page the request came from, when it is one of ours."""
    referer = request.headers.get("Referer", "")
    try:
        ours = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    except DisallowedHost:
        return ""
    return referer if referer and ours else ""
