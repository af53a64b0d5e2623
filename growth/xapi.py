"""The X API v2 through xdk (X's own SDK), for one of our accounts.

Every request is checked against the spending caps before it leaves and recorded after
(growth.models.XApiCall) with what X charges for it: each post and user read for the first time
in a UTC day, each post created. Errors become the exceptions below, each saying what the caller
should do: 402 (credits ran out) and a 429 "UsageCapExceeded" pause the account; any other 429
says when to come back (x-rate-limit-reset); a 401 refreshes the token once and tries again, and a
second failure marks the account "needs reconnecting"; network errors are the caller's to retry.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import requests
import xdk
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from oauthlib.oauth2 import OAuth2Error
from pydantic import ValidationError
from requests.adapters import HTTPAdapter
from xdk.posts.models import CreateRequest

from growth.models import ChargedRead, XAccount, XApiCall, month_start, utc_today
from growth.tokens import TokenUnreadable, token_decrypt, token_encrypt

logger = logging.getLogger("pingtopass.growth")
Outcome = XApiCall.Outcome

POST_FIELDS = ["author_id", "created_at", "public_metrics", "referenced_posts", "entities", "conversation_id"]
USER_FIELDS = ["username", "name", "public_metrics"]


class XError(Exception):
    """A request to X did not give what was asked; the message says why, for a person."""


class AccountUnusable(XError):
    """The account is paused, needs reconnecting, or may not do this."""


class SpendingCapReached(XError):
    """The request could take the month's X spend past a cap: it was not sent."""


class CreditsDepleted(XError):
    """402: the X app has no credits left."""


class UsageCapped(XError):
    """429 UsageCapExceeded: a usage cap of the X app was reached, whatever the rate-limit headers say."""


class RateLimited(XError):
    """429: come back at `reset_at`."""

    def __init__(self, message: str, *, reset_at: datetime):
        super().__init__(message)
        self.reset_at = reset_at


class NeedsReconnect(XError):
    """401 after a token refresh, or the refresh failed: a person must connect the account again."""


class NetworkError(XError):
    """No answer (connection refused or dropped, timeout) or a 5xx: worth retrying later."""


class Malformed(XError):
    """An answer that is not what the endpoint returns."""


@dataclass
class XUser:
    id: str
    username: str = ""
    name: str = ""
    followers: int = 0


@dataclass
class XPost:
    id: str
    text: str = ""
    author_id: str = ""
    author: XUser | None = None
    created_at: datetime | None = None
    likes: int = 0
    replies: int = 0
    reposts: int = 0
    quotes: int = 0
    impressions: int = 0
    quoted_ids: list[str] = field(default_factory=list)
    replied_to: str = ""
    mentioned: list[str] = field(default_factory=list)  # usernames, lowercased

    @property
    def engagements(self) -> int:
        return self.likes + self.replies + self.reposts + self.quotes


@dataclass
class Page:
    posts: list[XPost]
    newest_id: str = ""


def price(name: str) -> Decimal:
    return Decimal(str(settings.GROWTH_X_PRICES[name]))


def x_spent(*, account: XAccount | None = None, now: datetime | None = None) -> Decimal:
    """The month's X spend (UTC calendar month): one account's, or all accounts'."""
    calls = XApiCall.objects.filter(created_at__gte=month_start(now))
    if account is not None:
        calls = calls.filter(account=account)
    return calls.aggregate(total=Sum("cost_usd"))["total"] or Decimal("0")


def spending_check(account: XAccount, estimate: Decimal) -> None:
    """Refuse a request that could take the month past the account's cap or the project's."""
    spent = x_spent(account=account)
    if spent + estimate > account.monthly_cap_usd:
        raise SpendingCapReached(
            f"@{account.username} has spent ${spent:.2f} of its ${account.monthly_cap_usd:.2f} monthly X cap; "
            f"this request could cost ${estimate:.3f}.")
    total, cap = x_spent(), Decimal(str(settings.GROWTH_X_MONTHLY_CAP_USD))
    if total + estimate > cap:
        raise SpendingCapReached(
            f"All accounts together have spent ${total:.2f} of the ${cap:.2f} monthly X cap (GROWTH_X_MONTHLY_CAP_USD).")


class _TimeoutAdapter(HTTPAdapter):
    """xdk sends without a timeout; a hung X must not hold a worker forever."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request, **kwargs)


def _parse_time(value) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(metrics: dict, name: str) -> int:
    value = metrics.get(name) or 0
    return value if isinstance(value, int) and value >= 0 else 0


def _user(raw: dict) -> XUser:
    metrics = raw.get("public_metrics") or {}
    return XUser(id=str(raw.get("id") or ""), username=str(raw.get("username") or ""), name=str(raw.get("name") or ""),
                 followers=_number(metrics, "followers_count"))


def _post(raw: dict, users: dict[str, XUser]) -> XPost:
    metrics = raw.get("public_metrics") or {}
    # The API calls them referenced_tweets; xdk's schema, referenced_posts.
    referenced = raw.get("referenced_tweets") or raw.get("referenced_posts") or []
    mentions = ((raw.get("entities") or {}).get("mentions")) or []
    author_id = str(raw.get("author_id") or "")
    return XPost(
        id=str(raw["id"]), text=str(raw.get("text") or ""), author_id=author_id, author=users.get(author_id),
        created_at=_parse_time(raw.get("created_at")), likes=_number(metrics, "like_count"),
        replies=_number(metrics, "reply_count"), reposts=_number(metrics, "retweet_count") or _number(metrics, "repost_count"),
        quotes=_number(metrics, "quote_count"), impressions=_number(metrics, "impression_count"),
        quoted_ids=[str(ref.get("id")) for ref in referenced if isinstance(ref, dict) and ref.get("type") == "quoted"],
        mentioned=[str(m.get("username", "")).lower() for m in mentions if isinstance(m, dict)],
        replied_to=next((str(ref.get("id")) for ref in referenced if isinstance(ref, dict) and ref.get("type") == "replied_to"), ""),
    )


def _page(response) -> tuple[Page, list[XUser]]:
    body = response.model_dump(exclude_none=True) if hasattr(response, "model_dump") else {}
    includes = body.get("includes") or {}
    users = [_user(raw) for raw in includes.get("users") or [] if isinstance(raw, dict)]
    by_id = {user.id: user for user in users}
    try:
        posts = [_post(raw, by_id) for raw in body.get("data") or []]
    except (KeyError, TypeError, AttributeError) as exc:
        raise Malformed(f"A post in the answer has no id: {exc}") from exc
    return Page(posts=posts, newest_id=str((body.get("meta") or {}).get("newest_id") or "")), users


def _problem(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reset_at(response) -> datetime:
    try:
        return datetime.fromtimestamp(int(response.headers.get("x-rate-limit-reset", "")), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now() + timedelta(minutes=15)  # X's windows are 15 minutes


def _is_usage_cap(problem: dict) -> bool:
    text = json.dumps(problem)
    return "UsageCapExceeded" in text or "usage-capped" in text


class XApi:
    """xdk's client for one account, its calls recorded and costed."""

    def __init__(self, account: XAccount):
        self.account = account
        try:
            token = {
                "access_token": token_decrypt(account.access_token), "refresh_token": token_decrypt(account.refresh_token),
                "token_type": "bearer",
                # Unknown: taken as valid (xdk would otherwise refresh before every request); a 401 refreshes it.
                "expires_at": (account.token_expires_at or timezone.now() + timedelta(days=365)).timestamp(),
            }
        except TokenUnreadable as exc:
            self._mark(XAccount.Status.NEEDS_RECONNECT, str(exc))
            raise NeedsReconnect(str(exc)) from exc
        if not token["access_token"]:
            raise AccountUnusable(f"@{account.username} is not connected to X yet.")
        self.client = xdk.Client(
            base_url=settings.GROWTH_X_API_BASE_URL, authorization_base_url=settings.GROWTH_X_AUTHORIZE_BASE_URL,
            client_id=settings.GROWTH_X_CLIENT_ID or None, client_secret=settings.GROWTH_X_CLIENT_SECRET or None,
            token=token, scope=settings.GROWTH_X_SCOPES,
        )
        adapter = _TimeoutAdapter(settings.GROWTH_X_TIMEOUT_SECONDS)
        self.client.session.mount("http://", adapter)
        self.client.session.mount("https://", adapter)
        self._token_seen = token["access_token"]

    # --- reads ------------------------------------------------------------------------------
    def me(self) -> XUser:
        self._usable(read=True)
        response = self._call("users/me", price("user_read"), lambda: self.client.users.get_me(user_fields=USER_FIELDS))
        body = response.model_dump(exclude_none=True)
        if not isinstance(body.get("data"), dict) or not body["data"].get("id"):
            self._malformed("users/me", "no user in the answer")
        user = _user(body["data"])
        self._charge_reads(users=[user])
        return user

    def user_by_username(self, username: str) -> XUser:
        self._usable(read=True)
        response = self._call("users/by/username", price("user_read"),
                              lambda: self.client.users.get_by_username(username, user_fields=USER_FIELDS))
        body = response.model_dump(exclude_none=True)
        if not isinstance(body.get("data"), dict) or not body["data"].get("id"):
            raise XError(f"X knows no user @{username}.")
        user = _user(body["data"])
        self._charge_reads(users=[user])
        return user

    def mentions(self, *, since_id: str = "") -> Page:
        return self._read_page("users/:id/mentions", lambda limit: self.client.users.get_mentions(
            self._user_id(), max_results=limit, since_id=since_id or None, post_fields=POST_FIELDS,
            expansions=["author_id"], user_fields=USER_FIELDS))

    def search(self, query: str, *, since_id: str = "") -> Page:
        return self._read_page("tweets/search/recent", lambda limit: self.client.posts.search_recent(
            query, max_results=limit, since_id=since_id or None, post_fields=POST_FIELDS, expansions=["author_id"],
            user_fields=USER_FIELDS))

    def own_posts(self) -> Page:
        return self._read_page("users/:id/tweets", lambda limit: self.client.users.get_posts(
            self._user_id(), max_results=limit, post_fields=POST_FIELDS))

    def post_by_id(self, post_id: str) -> XPost | None:
        """The post, or None when X says it does not exist (deleted, or never was)."""
        self._usable(read=True)
        response = self._call("tweets/:id", price("post_read") + price("user_read"), lambda: self.client.posts.get_by_id(
            post_id, post_fields=POST_FIELDS, expansions=["author_id"], user_fields=USER_FIELDS), missing_ok=True)
        if response is None:
            return None
        body = response.model_dump(exclude_none=True)
        if not isinstance(body.get("data"), dict):
            return None
        users = [_user(raw) for raw in (body.get("includes") or {}).get("users") or [] if isinstance(raw, dict)]
        post = _post(body["data"], {user.id: user for user in users})
        self._charge_reads(posts=[post], users=users)
        return post

    def usage(self) -> dict:
        """The project's post usage this billing period (GET /2/usage/tweets): free of charge, and
        only with the X app's own bearer token (GROWTH_X_APP_BEARER_TOKEN); {} without one."""
        if not settings.GROWTH_X_APP_BEARER_TOKEN:
            return {}
        self.client.bearer_token = settings.GROWTH_X_APP_BEARER_TOKEN  # xdk prefers it while set: this call only
        try:
            response = self._call("usage/tweets", Decimal("0"), lambda: self.client.usage.get(
                days=30, usage_fields=["project_cap", "project_usage", "cap_reset_day"]))
        finally:
            self.client.bearer_token = None
        return (response.model_dump(exclude_none=True).get("data")) or {}

    # --- writes -----------------------------------------------------------------------------
    def create_post(self, text: str, *, in_reply_to: str = "") -> str:
        """Publish `text` (as a reply to `in_reply_to`); the new post's id."""
        self._usable(post=True)
        cost = price("post_create_with_url" if ("http://" in text or "https://" in text) else "post_create")
        body = CreateRequest(text=text, reply={"in_reply_to_tweet_id": in_reply_to} if in_reply_to else None)
        response = self._call("POST tweets", cost, lambda: self.client.posts.create(body), created=1)
        data = response.model_dump(exclude_none=True).get("data") or {}
        if not data.get("id"):
            raise Malformed("X answered the post without its id.")
        return str(data["id"])

    def token_refresh(self) -> None:
        """Refresh the access token now (they last two hours); NeedsReconnect if X refuses."""
        try:
            self.client.refresh_token()
        except (OAuth2Error, ValueError, requests.RequestException) as exc:
            self._mark(XAccount.Status.NEEDS_RECONNECT, f"The token could not be refreshed: {exc}"[:500])
            raise NeedsReconnect(f"@{self.account.username} needs reconnecting: the token could not be refreshed.") from exc
        self._keep_token()

    # --- machinery --------------------------------------------------------------------------
    def _usable(self, *, read: bool = False, post: bool = False) -> None:
        account = self.account
        if not account.is_usable:
            raise AccountUnusable(f"@{account.username} is {account.get_status_display().lower()}: {account.status_reason}".rstrip(": "))
        if read and not account.can_read:
            raise AccountUnusable(f"@{account.username} may not read.")
        if post and not account.can_post:
            raise AccountUnusable(f"@{account.username} may not post through the API.")
        if read and account.rate_limited_until and account.rate_limited_until > timezone.now():
            raise RateLimited(f"@{account.username} is rate limited until {account.rate_limited_until:%H:%M} UTC.",
                              reset_at=account.rate_limited_until)

    def _user_id(self) -> str:
        if not self.account.x_user_id:
            user = self.me()
            self.account.x_user_id, self.account.display_name = user.id, user.name
            XAccount.objects.filter(pk=self.account.pk).update(x_user_id=user.id, display_name=user.name)
        return self.account.x_user_id

    def _read_page(self, endpoint: str, request) -> Page:
        self._usable(read=True)
        limit = max(5, min(100, settings.GROWTH_SEARCH_MAX_RESULTS))  # X asks for 5 to 100 (10 for search)
        if endpoint == "tweets/search/recent":
            limit = max(10, limit)
        estimate = limit * (price("post_read") + price("user_read"))
        # xdk pages through every result; we keep the first page only, as each read costs.
        response = self._call(endpoint, estimate, lambda: next(iter(request(limit)), None))
        if response is None:
            return Page(posts=[])
        try:
            page, users = _page(response)
        except Malformed as exc:
            XApiCall.objects.filter(pk=self._last_call.pk).update(outcome=Outcome.MALFORMED, error=str(exc)[:1000])
            raise
        self._charge_reads(posts=page.posts, users=users)
        return page

    def _call(self, endpoint: str, estimate: Decimal, request, *, created: int = 0, missing_ok: bool = False):
        spending_check(self.account, estimate)
        refreshed = False
        while True:
            try:
                response = request()
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status == 401 and not refreshed:
                    self._record(endpoint, Outcome.UNAUTHORIZED, status, error="Unauthorized; refreshing the token once.")
                    self.token_refresh()
                    refreshed = True
                    continue
                if missing_ok and status == 404:
                    self._record(endpoint, Outcome.REFUSED, status, error="Not found.")
                    return None
                self._fail(endpoint, exc.response)
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._record(endpoint, Outcome.NETWORK, None, error=str(exc)[:1000])
                raise NetworkError(f"X did not answer: {exc}") from exc
            except (ValidationError, ValueError) as exc:  # a body that is no JSON or not the endpoint's shape
                self._malformed(endpoint, str(exc))
            except OAuth2Error as exc:  # xdk refreshed an expired token on its own, and X refused
                self._mark(XAccount.Status.NEEDS_RECONNECT, f"The token could not be refreshed: {exc}"[:500])
                raise NeedsReconnect(f"@{self.account.username} needs reconnecting.") from exc
            self._keep_token()
            # A post created costs its price; a read, what _charge_reads finds it read for the first time today.
            self._last_call = self._record(endpoint, Outcome.OK, 200, created=created, cost=estimate if created else None)
            return response

    def _charge_reads(self, *, posts: list[XPost] = (), users: list[XUser] = ()) -> None:
        """What the last call cost: each post and user not yet read (charged) this UTC day."""
        day = utc_today()
        charged_posts = sum(self._first_read(day, "post", post.id) for post in posts)
        charged_users = sum(self._first_read(day, "user", user.id) for user in {u.id: u for u in users if u.id}.values())
        cost = charged_posts * price("post_read") + charged_users * price("user_read")
        XApiCall.objects.filter(pk=self._last_call.pk).update(
            posts_read=charged_posts, users_read=charged_users, cost_usd=cost)

    @staticmethod
    def _first_read(day, kind: str, x_id: str) -> bool:
        try:
            with transaction.atomic():
                _, created = ChargedRead.objects.get_or_create(day=day, kind=kind, x_id=x_id)
        except IntegrityError:
            return False
        return created

    def _fail(self, endpoint: str, response) -> None:
        status = response.status_code if response is not None else None
        problem = _problem(response) if response is not None else {}
        detail = str(problem.get("detail") or problem.get("title") or problem or "")[:500]
        account = self.account
        if status == 402:
            self._record(endpoint, Outcome.CREDITS, status, error=detail)
            self._mark(XAccount.Status.PAUSED, f"X credits ran out (402){': ' + detail if detail else ''}. "
                       "Buy credits in the developer console, then resume the account.")
            raise CreditsDepleted(f"X credits ran out: @{account.username} is paused.")
        if status == 429 and _is_usage_cap(problem):
            self._record(endpoint, Outcome.USAGE_CAP, status, error=detail)
            self._mark(XAccount.Status.PAUSED, f"X usage cap exceeded (429 UsageCapExceeded){': ' + detail if detail else ''}. "
                       "Raise the cap in the developer console or wait for it to reset, then resume the account.")
            raise UsageCapped(f"X usage cap exceeded: @{account.username} is paused.")
        if status == 429:
            reset_at = _reset_at(response)
            self._record(endpoint, Outcome.RATE_LIMITED, status, error=f"Until {reset_at:%Y-%m-%d %H:%M:%S} UTC.")
            XAccount.objects.filter(pk=account.pk).update(rate_limited_until=reset_at)
            account.rate_limited_until = reset_at
            raise RateLimited(f"X rate limit on {endpoint} until {reset_at:%H:%M:%S} UTC.", reset_at=reset_at)
        if status == 401:
            self._record(endpoint, Outcome.UNAUTHORIZED, status, error=detail)
            self._mark(XAccount.Status.NEEDS_RECONNECT, "X refused the token even after a refresh (401).")
            raise NeedsReconnect(f"@{account.username} needs reconnecting (X answered 401).")
        if status is not None and status >= 500:
            self._record(endpoint, Outcome.SERVER_ERROR, status, error=detail)
            raise NetworkError(f"X answered {status} on {endpoint}.")
        self._record(endpoint, Outcome.REFUSED, status, error=detail)
        raise XError(f"X refused {endpoint} ({status}){': ' + detail if detail else ''}.")

    def _malformed(self, endpoint: str, error: str):
        self._record(endpoint, Outcome.MALFORMED, 200, error=error[:1000])
        raise Malformed(f"X's answer to {endpoint} was not readable.")

    def _record(self, endpoint: str, outcome: str, status: int | None, *, error: str = "", created: int = 0,
                cost: Decimal | None = None) -> XApiCall:
        return XApiCall.objects.create(account=self.account, endpoint=endpoint, outcome=outcome, status_code=status,
                                       error=error, posts_created=created, cost_usd=cost or Decimal("0"))

    def _mark(self, status: str, reason: str) -> None:
        XAccount.objects.filter(pk=self.account.pk).update(status=status, status_reason=reason[:500])
        self.account.status, self.account.status_reason = status, reason[:500]
        logger.warning("X account @%s is now %s: %s", self.account.username, status, reason)

    def _keep_token(self) -> None:
        """xdk refreshes an expired token by itself; store whatever it holds now."""
        token = self.client.token or {}
        access = token.get("access_token") or ""
        if not access or access == self._token_seen:
            return
        expires_at = token.get("expires_at")
        if not expires_at and token.get("expires_in"):
            expires_at = timezone.now().timestamp() + float(token["expires_in"])
        fields = {"access_token": token_encrypt(access),
                  "token_expires_at": datetime.fromtimestamp(float(expires_at), tz=UTC) if expires_at else None}
        if token.get("refresh_token"):
            fields["refresh_token"] = token_encrypt(token["refresh_token"])
        if self.account.status == XAccount.Status.NEEDS_RECONNECT:
            fields.update(status=XAccount.Status.ACTIVE, status_reason="")
        XAccount.objects.filter(pk=self.account.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.account, name, value)
        self._token_seen = access
