"""The growth system's services, one module per part: accounts (OAuth, tokens), ingest (mentions,
searches, opportunities), drafting (the model, in an account's voice), posting (approval, the
summoned rule, the post queue) and metrics."""

from growth.services.accounts import (
    account_connect_finish,
    account_connect_start,
    account_resume,
    tokens_refresh_due,
)
from growth.services.drafting import DraftRefused, draft_write, question_of_day_draft
from growth.services.ingest import (
    account_ingest,
    ingest_due,
    opportunities_expire,
    opportunity_dismiss,
    opportunity_from_url,
    posts_purge,
)
from growth.services.metrics import daily_metrics_enter, metrics_collect, x_usage_read
from growth.services.posting import (
    DraftError,
    draft_approve,
    draft_create,
    draft_mark_posted,
    draft_post,
    draft_reject,
    evergreen_recycle,
    intent_url,
    posts_publish_due,
    reply_write,
)

__all__ = [
    "DraftError", "DraftRefused", "account_connect_finish", "account_connect_start", "account_ingest", "account_resume",
    "daily_metrics_enter", "draft_approve", "draft_create", "draft_mark_posted", "draft_post", "draft_reject",
    "draft_write", "evergreen_recycle", "ingest_due", "intent_url", "metrics_collect", "opportunities_expire", "x_usage_read",
    "opportunity_dismiss", "opportunity_from_url", "posts_publish_due", "posts_purge", "question_of_day_draft", "reply_write",
    "tokens_refresh_due",
]
