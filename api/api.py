"""The API's one NinjaAPI: version 1 at /api/v1/ (pingtopass/urls.py), its routers by feature,
who may call it (api.auth) and its errors (api.errors)."""

from ninja import NinjaAPI

from api import account, errors, exams, health, progress, questions, sessions
from api.auth import app_token, browser_session

DESCRIPTION = """
The learner's loop over HTTP: the exam catalogue, study sessions (start, answer, flag, bookmark,
report, submit, results, review), batches of questions, the learner's progress (readiness,
mastery, reviews due, streak, trend), their data export and account deletion, and health.

**Signing in.** Apps sign in through allauth's headless API at `/_allauth/app/v1/` (sign up, verify
the email, log in, refresh: `POST /_allauth/app/v1/tokens/refresh`) and send the access token as
`Authorization: Bearer <token>`. A browser signed in on the site may call the API with its session
cookie, sending the CSRF token as `X-CSRFToken` on POST.

**Choices** are addressed by their index in the order shown (`choices[].index`, letter A, B, C...),
never by id. Nothing tells which choice is right before the answer is given in practice, or before
an exam simulation or timed practice is submitted.

**Errors** are JSON: `{"code", "message", "field"}`; 422 names the field, 402 carries `upgrade_url`,
429 comes with `Retry-After`, and so does 503 (the database or the cache did not answer: try again).

**Conditional GET.** The exam catalogue, an exam, a session and a finished session's results and
review carry an `ETag`; send it back as `If-None-Match` and an unchanged answer is a 304 without a body.
"""

api = NinjaAPI(
    title="PingToPass API", version="1", description=DESCRIPTION, urls_namespace="api",
    auth=[app_token, browser_session], docs_url="/docs", openapi_url="/openapi.json",
)
api.add_router("/health", health.router)
api.add_router("/exams", exams.router)
api.add_router("/sessions", sessions.router)
api.add_router("/questions", questions.router)
api.add_router("/progress", progress.router)
api.add_router("/account", account.router)
errors.install(api)
