"""No URL of the site answers 500, whatever is typed into it. Every pattern (ours, admin's,
allauth's, dj-stripe's) is read from the resolver, so a new URL is walked without anyone listing
it; each is requested by GET and by POST, signed out, as a learner and as an admin.

- An integer position holding 0, -1, 2^63, 2^64 or forty nines is a 404: no view runs for an id
  no database column can hold. (Under admin, the URL may fall to admin's "<path:object_id>/"
  catch-all instead, which answers as for any unknown object; the route's own view never runs.)
- Hostile text in any position, and hostile query strings, give anything below 500.
- Every admin list (ours, Django's, allauth's, dj-stripe's), filtered by each of its model's own
  integer and foreign key fields with a number no column holds, and sent a bulk action on rows by
  such numbers (and by text), gives anything below 500.
"""

import re
from urllib.parse import quote, urlencode

import pytest
import stripe
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.test import Client, RequestFactory
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from pingtopass.converters import IdConverter
from study.models import StudySession
from tests.billing.fake_stripe import FakeStripe

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BAD_IDS = ["0", "-1", str(2**63), str(2**64), "9" * 40]
# As they appear in the URL: "%00" arrives as a NUL, "..%2f.." as "../..".
BAD_TEXT = ["abc", "%00", "a" * 5000, quote("ü\u202e"), "..%2f..", str(2**63)]
BAD_QUERIES = [
    "page=99999999999999999999999", "page=-1", "page=abc", "next=abc", f"objective={2**63}", f"position={'9' * 40}",
    "q=%00",
]
# Numbers no 64-bit column holds, for admin's list filters and bulk actions.
TOO_LARGE = [str(2**63), str(-(2**63) - 1), str(2**64), "9" * 40]
FORM = "application/x-www-form-urlencoded"
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


class Route:
    """One URL pattern as text with a slot per parameter: `parts` alternates fixed text and
    (name, is_integer, group regex) slots."""

    def __init__(self, parts: list, view):
        self.parts, self.view = parts, view

    @property
    def slots(self) -> list[tuple[str, bool, str | None]]:
        return [part for part in self.parts if isinstance(part, tuple)]

    def url(self, values: dict[int, str], known: dict[str, str]) -> str:
        """The URL with slot i holding values[i] (already URL-encoded), the others a valid value:
        known[name] (the learner's own session, the test exam) or one the slot's pattern takes."""
        out, slot = [], 0
        for part in self.parts:
            if isinstance(part, tuple):
                out.append(values.get(slot) or known.get(part[0]) or _valid(part))
                slot += 1
            else:
                out.append(part)
        return "/" + "".join(out)

    def __str__(self):
        return self.url({}, {})


def _valid(slot) -> str:
    """A value the slot's pattern accepts: an id, or a word, or the first of a list of words."""
    name, integer, group = slot
    if integer:
        return "1"
    if group is None:
        return "x1"
    first_word = re.match(r"\(?(\w+)", group)
    for candidate in ("1", "x1", first_word.group(1) if first_word else "x1"):
        if re.fullmatch(group, candidate):
            return candidate
    raise AssertionError(f"no valid value found for ({group})")


def _route_parts(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        route, parts, end = str(pattern), [], 0
        for match in PARAMETER.finditer(route):
            converter = pattern.converters[match["name"]]
            parts += [route[end:match.start()], (match["name"], _is_integer(converter), None)]
            end = match.end()
        return [*parts, route[end:]]
    assert isinstance(pattern, RegexPattern), pattern
    regex = str(pattern).removeprefix("^").removesuffix("$")
    parts, end = [], 0
    while match := NAMED_GROUP.search(regex, end):
        close, depth = match.end(), 1
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[close], 0) if regex[close - 1] != "\\" else 0
            close += 1
        parts += [_unescape(regex[end:match.start()]), (match["name"], False, regex[match.end():close - 1])]
        end = close
    return [*parts, _unescape(regex[end:])]


def _unescape(fixed: str) -> str:
    assert not re.search(r"[][()*+?{}|^$]", fixed.replace("\\", "")), f"not fixed text: {fixed}"
    return re.sub(r"\\(.)", r"\1", fixed)


def _is_integer(converter) -> bool:
    return isinstance(converter, IdConverter | IntConverter)


def routes(resolver=None, prefix=()) -> list[Route]:
    """Every URL pattern of the site, included apps and admin too."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        parts = [*prefix, *_route_parts(entry.pattern)]
        if isinstance(entry, URLResolver):
            found += routes(entry, parts)
        elif isinstance(entry, URLPattern):
            found.append(Route(parts, entry.callback))
    return found


def _requests(route: Route, known: dict[str, str]):
    """(url, whether it must be 404) for every hostile request of one route."""
    for i, (_, integer, _) in enumerate(route.slots):
        for value in BAD_IDS if integer else ():
            yield route.url({i: value}, known), True
        for value in BAD_TEXT:
            yield route.url({i: value}, known), False
    for query in BAD_QUERIES:
        yield f"{route.url({}, known)}?{query}", False


class Walker:
    def __init__(self, user, known: dict[str, str]):
        self.client = Client()
        self.user, self.known = user, known
        self.failures = []
        self.sign_in()

    def sign_in(self):
        if self.user is not None:
            self.client.force_login(self.user)
            self.session_cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def walk(self, route: Route):
        for url, must_be_404 in _requests(route, self.known):
            for method in ("GET", "POST"):
                status, error = self.request(method, url)
                if status >= 500 or (must_be_404 and status != 404 and not self.caught_elsewhere(route, url)):
                    self.failures.append(f"{method} {url[:100]} ({route}) -> {status} {error}")

    @staticmethod
    def caught_elsewhere(route: Route, url: str) -> bool:
        """Whether a pattern after the route's takes the URL its converter refused (admin's
        "<path:object_id>/"), answering as for any unknown object: a redirect to sign in, or to
        the admin index with a message."""
        try:
            return resolve(url).func is not route.view
        except Resolver404:
            return False

    def walk_admin_list(self, model, model_admin):
        for method, url, form in _admin_list_requests(model, model_admin, self.user):
            status, error = self.request(method, url, form)
            if status >= 500:
                self.failures.append(f"{method} {url[:100]} {form or ''} -> {status} {error}")

    def request(self, method: str, url: str, form: dict | None = None) -> tuple[int, str]:
        body = ("", "application/octet-stream") if form is None else (urlencode(form, doseq=True), FORM)
        try:
            with transaction.atomic():  # a database error rolls back this request alone (PostgreSQL)
                status, error = self.client.generic(method, url, *body).status_code, ""
        except Exception as exc:  # the test client raises what the view raised
            status, error = 500, f"{type(exc).__name__}: {str(exc)[:200]}"
        if self.user is not None and self.client.cookies[settings.SESSION_COOKIE_NAME].value != self.session_cookie:
            self.sign_in()  # a sign-out (allauth's or admin's) ends the walk's session
        return status, error


def _admin_list_requests(model, model_admin, user):
    """(method, url, form) of the hostile requests to one model's admin list. Each filter key is
    sent alone (a filter that finds nothing would keep the others from being compiled), with the
    numbers taken in turn, so the walk stays short and still filters by every field."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    names = [field.name for field in model._meta.get_fields()
             if field.concrete and (field.is_relation or isinstance(field, models.IntegerField))]
    keys = ["id__in", "pk__in"] + [key for name in names for key in (name, f"{name}__in")]
    for i, key in enumerate(keys):
        number = TOO_LARGE[i % len(TOO_LARGE)]
        yield "GET", f"{url}?{urlencode({key: f'{number},1' if key.endswith('__in') else number})}", None
    for term in ("abc", TOO_LARGE[0]):  # the list's search box (its search fields), and admin's autocomplete
        yield "GET", f"{url}?{urlencode({'q': term})}", None
    for field in model._meta.get_fields():
        if field.is_relation and field.many_to_one and field.concrete:
            query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name,
                     "field_name": field.name, "term": "abc"}
            yield "GET", f"{reverse('admin:autocomplete')}?{urlencode(query)}", None
    request = RequestFactory().post(url)
    request.user = user
    actions = list(model_admin.get_actions(request))
    action = "delete_selected" if "delete_selected" in actions or not actions else actions[0]
    for selected in (TOO_LARGE, ["abc"]):
        yield "POST", url, {"action": action, "index": "0", "_selected_action": selected}


class Stripe(FakeStripe):
    def api(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        if (method, path) == ("POST", "/v1/webhook_endpoints"):
            # dj-stripe's admin sends its "add" form to Stripe before checking it; the walk never
            # names a public URL, and Stripe refuses anything else.
            return 400, {"error": {"type": "invalid_request_error", "param": "url",
                                   "message": "Invalid URL: URL must be publicly accessible."}}
        return super().api(method, path, form)


@pytest.fixture
def stripe_api(settings):
    """Pages that call Stripe (billing, dj-stripe's admin) talk to a Stripe API on 127.0.0.1."""
    server = Stripe().start()
    previous, stripe.api_base = stripe.api_base, server.url
    settings.STRIPE_SECRET_KEY = "sk_test_" + "PingToPassFakeKey0123456789"
    yield server
    stripe.api_base = previous
    server.stop()


@pytest.fixture
def walk(settings, test_exam, learner, start, stripe_api):
    # Limits would answer 429 before the views under them run.
    settings.RATE_LIMITS = {scope: "100000/60" for scope in settings.RATE_LIMITS}
    settings.ACCOUNT_RATE_LIMITS = False
    session = start(learner, mode=StudySession.Mode.EXAM)
    known = {"pk": str(session.pk), "code": test_exam.code}

    def _walk(user):
        walker = Walker(user, known)
        all_routes = routes()
        assert len(all_routes) > 100 and sum(1 for r in all_routes for s in r.slots if s[1]) >= 15
        for route in all_routes:
            walker.walk(route)
        return walker.failures

    return _walk


def test_it_never_fails_signed_out(walk):
    failures = walk(None)
    assert not failures, "\n".join(failures)


def test_it_never_fails_for_a_learner(walk, learner):
    failures = walk(learner)
    assert not failures, "\n".join(failures)


def test_it_never_fails_for_an_admin(walk, admin_user):
    failures = walk(admin_user)
    assert not failures, "\n".join(failures)


def test_it_never_fails_on_an_admin_list(walk, admin_user):  # walk: its settings and its Stripe API
    walker = Walker(admin_user, {})
    assert len(admin.site._registry) > 50  # ours, Django's, allauth's and dj-stripe's
    for model, model_admin in admin.site._registry.items():
        walker.walk_admin_list(model, model_admin)
    assert not walker.failures, "\n".join(walker.failures)
