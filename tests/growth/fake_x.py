"""A real HTTP server on 127.0.0.1 that speaks the X API v2 endpoints the growth app uses, with
their payload shapes as X's OpenAPI spec (and so xdk 0.10's models) gives them today (public
metrics' repost_count and post_count, referenced_posts): GET /2/users/me, /2/users/by/username/:u, /2/users/:id/mentions,
/2/users/:id/tweets, /2/tweets/search/recent, /2/tweets/:id, /2/usage/tweets, POST /2/tweets and
POST /2/oauth2/token (the authorization code with PKCE, and refresh), and X's consent page,
GET /i/oauth2/authorize, where the person signed in to X (`signed_in_as`) allows the app (or, with
`consent = "deny"`, does not) and is sent back to the app's callback. xdk, the real SDK, talks to it
through settings.GROWTH_X_API_BASE_URL (and GROWTH_X_AUTHORIZE_BASE_URL: `authorize_base_url`).

State (users, posts, the timeline, valid tokens and whose they are) answers by default; a test
scripts an error for a route with `fail(route, Reply(...))`. Every request is recorded."""

import base64
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

OUR_ID, OUR_NAME = "100", "pingtopass"
APP_BEARER_TOKEN = "app-only-token"  # the X app's own token (usage/tweets), as GROWTH_X_APP_BEARER_TOKEN in tests
CLIENT_ID, CLIENT_SECRET = "client-id", "client-secret"  # the app's keys the fake knows (tests/growth/conftest.py)


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict (JSON-encoded) or a raw str
    headers: dict = field(default_factory=dict)


def problem(status: int, title: str, detail: str = "", **extra) -> Reply:
    return Reply(status, {"title": title, "detail": detail or title, "type": f"https://api.x.com/2/problems/{title}",
                          "status": status, **extra})


def payment_required() -> Reply:
    return problem(402, "CreditsDepleted", "Your enrolled account does not have any credits to fulfill this request.")


def usage_capped() -> Reply:
    # What X sends when a usage cap is hit: a 429 whose headers may still show room.
    reply = Reply(429, {"title": "UsageCapExceeded", "detail": "Usage cap exceeded: Monthly product cap",
                        "type": "https://api.x.com/2/problems/usage-capped", "period": "Monthly", "scope": "Product"})
    reply.headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                     "x-rate-limit-reset": str(int(time.time()) + 900)}
    return reply


def rate_limited(reset_in: int = 600) -> Reply:
    return Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                 {"x-rate-limit-limit": "180", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()) + reset_in)})


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: object
    user_id: str = OUR_ID  # whose token it came with


class FakeX:
    def __init__(self):
        self.requests: list[Recorded] = []
        self.failures: dict[str, list[Reply]] = {}
        self.users = {OUR_ID: {"id": OUR_ID, "username": OUR_NAME, "name": "PingToPass",
                               "public_metrics": {"followers_count": 1200, "following_count": 10, "post_count": 50,
                                                  "listed_count": 1, "like_count": 3}}}
        self.posts: dict[str, dict] = {}
        self.mentions: list[str] = []
        self.search_results: dict[str, list[str]] = {}
        self.timeline: list[str] = []
        self.tokens = {"access-1"}
        self.refresh_tokens = {"refresh-1"}
        self.refreshes = 0
        self.token_users: dict[str, str] = {}  # access token -> the user it acts for (OUR_ID unless said)
        self.signed_in_as = OUR_ID  # who is signed in to X on the consent page
        self.consent = "allow"
        self.codes: dict[str, dict] = {}  # authorization codes given and not yet exchanged
        self._next_id = 9000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def _handle(self, method):
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length).decode() if length else ""
                body = parse_qs(raw) if "form-urlencoded" in self.headers.get("content-type", "") else (json.loads(raw) if raw else None)
                recorded = Recorded(method, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                                    {k.lower(): v for k, v in self.headers.items()}, body)
                reply = fake._answer(recorded)
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body if reply.body is not None else {})
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload.encode())))
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def authorize_base_url(self) -> str:
        return f"{self.base_url}/i"

    def start(self) -> "FakeX":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the test's side ------------------------------------------------------------------
    def fail(self, route: str, *replies: Reply) -> None:
        """The next requests to `route` ("GET /2/users/me", "POST /2/tweets", "GET /2/users/:id/mentions") get these."""
        self.failures.setdefault(route, []).extend(replies)

    def user(self, user_id: str, username: str, followers: int = 50) -> dict:
        self.users[user_id] = {"id": user_id, "username": username, "name": username.title(),
                               "public_metrics": {"followers_count": followers, "following_count": 5, "post_count": 9,
                                                  "listed_count": 0}}
        return self.users[user_id]

    def post(self, post_id: str, text: str, *, author: str = "200", minutes_ago: int = 30, likes: int = 0,
             replies: int = 0, retweets: int = 0, quotes: int = 0, impressions: int = 0, quoted: str = "",
             replied_to: str = "", mention_us: bool = False) -> dict:
        mentions = [{"start": 0, "end": len(OUR_NAME) + 1, "username": OUR_NAME, "id": OUR_ID}] if mention_us else []
        referenced = ([{"type": "quoted", "id": quoted}] if quoted else []) + (
            [{"type": "replied_to", "id": replied_to}] if replied_to else [])
        created = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.posts[post_id] = {
            "id": post_id, "text": text, "author_id": author, "created_at": created, "edit_history_tweet_ids": [post_id],
            "public_metrics": {"repost_count": retweets, "reply_count": replies, "like_count": likes,
                               "quote_count": quotes, "bookmark_count": 0, "impression_count": impressions},
            **({"entities": {"mentions": mentions}} if mentions else {}),
            **({"referenced_posts": referenced} if referenced else {}),
            **({"conversation_id": replied_to} if replied_to else {"conversation_id": post_id}),
        }
        return self.posts[post_id]

    def requests_to(self, method: str, path_pattern: str) -> list[Recorded]:
        pattern = re.compile("^" + path_pattern.replace(":id", "[^/]+").replace(":u", "[^/]+") + "$")
        return [r for r in self.requests if r.method == method and pattern.match(r.path)]

    @property
    def created(self) -> list[Recorded]:
        return [r for r in self.requests_to("POST", "/2/tweets")]

    @property
    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path != "/2/oauth2/token"]

    # --- the server's side ----------------------------------------------------------------
    def _route(self, recorded: Recorded) -> str:
        path = recorded.path
        for pattern, name in ((r"^/2/users/[^/]+/mentions$", "/2/users/:id/mentions"),
                              (r"^/2/users/[^/]+/tweets$", "/2/users/:id/tweets"),
                              (r"^/2/users/by/username/[^/]+$", "/2/users/by/username/:u"),
                              (r"^/2/tweets/[0-9]+$", "/2/tweets/:id")):
            if re.match(pattern, path):
                return f"{recorded.method} {name}"
        return f"{recorded.method} {path}"

    def _answer(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            route = self._route(recorded)
            if self.failures.get(route):
                return self.failures[route].pop(0)
            if route == "GET /i/oauth2/authorize":
                return self._authorize(recorded)
            if route == "POST /2/oauth2/token":
                return self._token(recorded)
            token = recorded.headers.get("authorization", "").removeprefix("Bearer ")
            if route == "GET /2/usage/tweets":  # app-only: the X app's own bearer token, not a user's
                if token != APP_BEARER_TOKEN:
                    return problem(401, "Unauthorized")
                return self._default(route, recorded)
            if token not in self.tokens:
                return problem(401, "Unauthorized")
            recorded.user_id = self.token_users.get(token, OUR_ID)
            return self._default(route, recorded)

    def _authorize(self, recorded: Recorded) -> Reply:
        """X's consent page, the person's answer given at once: back to the app's redirect_uri."""
        query = recorded.query
        if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri", "").startswith("http"):
            return Reply(400, "<html>Something went wrong: the app's client id or callback is wrong.</html>")
        if (query.get("response_type") != "code" or query.get("code_challenge_method") != "S256"
                or not query.get("code_challenge") or "offline.access" not in query.get("scope", "").split()):
            return Reply(400, "<html>Something went wrong: not an OAuth 2.0 PKCE request with offline.access.</html>")
        answer = {"state": query.get("state", "")}
        if self.consent == "allow":
            code = f"code-{len(self.codes) + 1}-{self.signed_in_as}"
            self.codes[code] = {"challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"],
                                "user_id": self.signed_in_as}
            answer["code"] = code
        else:
            answer["error"] = "access_denied"
        return Reply(302, "", {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"})

    def _client_authenticated(self, recorded: Recorded) -> bool:
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        return recorded.headers.get("authorization") == f"Basic {basic}"

    def _token(self, recorded: Recorded) -> Reply:
        form = {k: v[0] for k, v in (recorded.body or {}).items()}
        invalid = Reply(400, {"error": "invalid_request", "error_description": "Value passed for the token was invalid."})
        if not self._client_authenticated(recorded):
            return Reply(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"})
        if form.get("grant_type") == "authorization_code":
            given = self.codes.pop(form.get("code", ""), None)  # a code is good once
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if given is None or given["redirect_uri"] != form.get("redirect_uri") or given["challenge"] != challenge:
                return invalid
            user_id = given["user_id"]
        elif form.get("grant_type") == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            user_id = OUR_ID
        else:
            return invalid
        self.refreshes += 1
        access, refresh = f"access-{self.refreshes + 1}", f"refresh-{self.refreshes + 1}"
        self.tokens, self.refresh_tokens = {access}, {refresh}
        self.token_users[access] = user_id
        return Reply(200, {"token_type": "bearer", "expires_in": 7200, "access_token": access,
                           "scope": "tweet.read tweet.write users.read offline.access", "refresh_token": refresh})

    def _page(self, ids: list[str]) -> Reply:
        posts = [self.posts[i] for i in ids if i in self.posts]
        if not posts:
            return Reply(200, {"meta": {"result_count": 0}})
        authors = {p["author_id"] for p in posts}
        return Reply(200, {
            "data": posts, "includes": {"users": [self.users[a] for a in authors if a in self.users]},
            "meta": {"newest_id": max(ids, key=int), "oldest_id": min(ids, key=int), "result_count": len(posts)},
        })

    def _default(self, route: str, recorded: Recorded) -> Reply:
        if route == "GET /2/users/me":
            return Reply(200, {"data": self.users[recorded.user_id]})
        if route == "GET /2/users/by/username/:u":
            name = recorded.path.rsplit("/", 1)[1].lower()
            user = next((u for u in self.users.values() if u["username"].lower() == name), None)
            return Reply(200, {"data": user}) if user else Reply(200, {"errors": [{"title": "Not Found Error"}]})
        if route == "GET /2/users/:id/mentions":
            since = int(recorded.query.get("since_id") or 0)
            return self._page([i for i in self.mentions if int(i) > since])
        if route == "GET /2/tweets/search/recent":
            since = int(recorded.query.get("since_id") or 0)
            return self._page([i for i in self.search_results.get(recorded.query.get("query", ""), []) if int(i) > since])
        if route == "GET /2/users/:id/tweets":
            return self._page(self.timeline)
        if route == "GET /2/tweets/:id":
            post_id = recorded.path.rsplit("/", 1)[1]
            if post_id not in self.posts:
                return Reply(200, {"errors": [{"value": post_id, "detail": f"Could not find tweet with id: [{post_id}].",
                                               "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
                                               "resource_id": post_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
            post = self.posts[post_id]
            return Reply(200, {"data": post, "includes": {"users": [self.users[post["author_id"]]] if post["author_id"] in self.users else []}})
        if route == "GET /2/usage/tweets":
            return Reply(200, {"data": {"project_id": "1", "project_cap": "10000", "project_usage": "120", "cap_reset_day": 1}})
        if route == "POST /2/tweets":
            body = recorded.body or {}
            if not isinstance(body.get("text"), str) or not body["text"].strip():
                return problem(400, "Invalid Request", "One or more parameters to your request was invalid.")
            self._next_id += 1
            post_id = str(self._next_id)
            self.post(post_id, body["text"], author=OUR_ID, minutes_ago=0,
                      replied_to=(body.get("reply") or {}).get("in_reply_to_tweet_id", ""))
            self.timeline.insert(0, post_id)
            return Reply(201, {"data": {"id": post_id, "text": body["text"], "edit_history_tweet_ids": [post_id]}})
        return problem(404, "Not Found")
