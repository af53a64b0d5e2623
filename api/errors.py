"""Every error the API gives is JSON: {"code", "message", "field"} (and for a plan's limit the
feature and the upgrade URL). Validation is 422 with the field, a plan's limit 402, someone
else's id (or none) 404, a session that can no longer change 409, a throttle 429 with Retry-After,
a part that is down (the cache a limit counts in; the database, through pingtopass/faults.py) 503
with Retry-After."""

from django.conf import settings
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from billing.paywall import pricing_url
from exams.question_types import InvalidAnswer
from pingtopass.cache import CacheUnavailable
from pingtopass.ratelimit import BRIEFLY_UNAVAILABLE, RETRY_AFTER_A_MINUTE, rate_limit_hit
from study.services import NothingToStudy, SessionError, SessionExpired, UpgradeRequired


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    feature: str | None = None  # 402: the limit the plan reached
    upgrade_url: str | None = None  # 402: where Pro is bought


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}
        self.extra = extra


def responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers an operation documents, for its `response=` beside its 200; any of them
    may answer 400 (a body that is no JSON, a number too large for the database) and 503 with
    Retry-After (the database did not answer: pingtopass/faults.py; a limit that cannot be counted
    while the cache is down)."""
    return dict.fromkeys((400, *statuses, 503), ErrorOut)


def not_found(what: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", what)


def cleaned(form) -> dict:
    """A Django form's cleaned data (the HTML views' own validation), or a 422 naming its first
    field in error."""
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ApiError(422, "invalid", " ".join(errors), field=field)
    return form.cleaned_data


def throttle(request, scope: str) -> None:
    """Count a request against the HTML site's limit of the same name (the same counter: a learner
    has one budget whether they answer on the site or in an app)."""
    rate = settings.RATE_LIMITS.get(scope)
    if not rate:
        return
    # Without the cache, a limit that fails closed raises CacheUnavailable: a 503 (install, below).
    allowed, retry_after = rate_limit_hit(scope, f"u{request.user.pk}", rate)
    if not allowed:
        raise ApiError(429, "throttled", f"Too many requests: try again in {retry_after} seconds.",
                       headers={"Retry-After": str(retry_after)})


def _field(loc) -> str | None:
    """"body.answer.choice" from pydantic's location, without where it came from (body, path, query)."""
    parts = [str(p) for p in loc if p not in ("body", "path", "query", "header", "cookie", "form")]
    if parts and parts[0] in ("payload", "data", "body_in"):
        parts = parts[1:]
    return ".".join(parts) or None


def install(api) -> None:
    def send(request, status: int, body: dict, headers: dict | None = None):
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def api_error(request, exc: ApiError):
        body = {"code": exc.code, "message": exc.message, "field": exc.field, **exc.extra}
        return send(request, exc.status, body, exc.headers)

    def validation(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        message = first.get("msg", "Invalid request.")
        return send(request, 422, {"code": "invalid", "message": message, "field": _field(first.get("loc", ()))})

    def http_error(request, exc: HttpError):
        code = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 405: "method_not_allowed",
                429: "throttled"}.get(exc.status_code, "error")
        message = str(exc)
        if isinstance(exc, AuthenticationError):
            message = "Sign in: send an access token (Authorization: Bearer ...) or a session cookie with its CSRF token."
        return send(request, exc.status_code, {"code": code, "message": message, "field": None})

    def upgrade(request, exc: UpgradeRequired):
        return send(request, 402, {"code": "upgrade_required", "message": str(exc), "field": None,
                                   "feature": exc.feature or None,
                                   "upgrade_url": request.build_absolute_uri(pricing_url())})

    def session_error(request, exc: SessionError):
        if isinstance(exc, NothingToStudy):
            return send(request, 422, {"code": "nothing_to_study", "message": str(exc), "field": None})
        code = "session_expired" if isinstance(exc, SessionExpired) else "session_closed"
        return send(request, 409, {"code": code, "message": str(exc), "field": None})

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, lambda request, exc: send(
        request, 404, {"code": "not_found", "message": str(exc) or "Not found.", "field": None}))
    api.add_exception_handler(InvalidAnswer, lambda request, exc: send(
        request, 422, {"code": "invalid", "message": str(exc), "field": "answer"}))
    api.add_exception_handler(UpgradeRequired, upgrade)
    api.add_exception_handler(SessionError, session_error)
    api.add_exception_handler(CacheUnavailable, lambda request, exc: send(
        request, 503, {"code": "briefly_unavailable", "message": BRIEFLY_UNAVAILABLE, "field": None},
        {"Retry-After": str(RETRY_AFTER_A_MINUTE)}))
    api.add_exception_handler(OverflowError, lambda request, exc: send(
        request, 400, {"code": "bad_request", "message": "A number in this request is too large.", "field": None}))
