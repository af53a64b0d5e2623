"""Daily growth metrics per account: read from X (followers, our posts' metrics) when reads are
possible, entered by a moderator when they are not; AI and X cost, and sign-ups on our site from
the account's UTM-tagged links, always from our own records."""

import contextlib
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import SignupSource
from aigen.models import LLMCall
from growth.models import DailyMetrics, Draft, Tweet, XAccount, XApiCall, utc_today
from growth.services.posting import draft_record_posted
from growth.xapi import XApi, XError


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


# What our links on X say in utm_source (growth.services.drafting.practice_link: "x").
X_SOURCES = ("x", "twitter")


def signups_from_x(account: XAccount, *, start: datetime, end: datetime) -> int:
    """Sign-ups between start and end that came by one of the account's links on X: utm_source
    "x" and utm_content "<handle>-…" (handles hold no "-", so one never takes another's)."""
    return SignupSource.objects.filter(utm_source__in=X_SOURCES, utm_content__istartswith=f"{account.username}-",
                                       created_at__gte=start, created_at__lt=end).count()


def _costs_and_counts(row: DailyMetrics) -> None:
    start, end = _day_bounds(row.day)
    row.ai_cost_usd = LLMCall.objects.about(row.account).filter(
        purpose=LLMCall.Purpose.GROWTH_DRAFT, created_at__gte=start, created_at__lt=end).aggregate(t=Sum("cost_usd"))["t"] or 0
    row.x_cost_usd = XApiCall.objects.filter(account=row.account, created_at__gte=start, created_at__lt=end).aggregate(
        t=Sum("cost_usd"))["t"] or 0
    tweets = Tweet.objects.filter(account=row.account, posted_at__gte=start, posted_at__lt=end)
    row.posts, row.replies = tweets.filter(is_reply=False).count(), tweets.filter(is_reply=True).count()
    row.signups = signups_from_x(row.account, start=start, end=end)


def _new_followers(row: DailyMetrics) -> int:
    before = DailyMetrics.objects.filter(account=row.account, day__lt=row.day, followers__gt=0).order_by("-day").first()
    return row.followers - before.followers if before else 0


def metrics_collect(*, account_id: int, now: datetime | None = None) -> DailyMetrics | str:
    """Today's row for the account: followers (one user read), our recent posts' metrics (their
    growth since the last reading is added to today), replies posted by hand that now show in our
    timeline marked posted. Returns why it could not read X, if it could not (costs still counted)."""
    now = now or timezone.now()
    account = XAccount.objects.get(pk=account_id)
    row, _ = DailyMetrics.objects.get_or_create(account=account, day=utc_today(now))
    reason = ""
    try:
        api = XApi(account)
        me = api.me()
        page = api.own_posts()
    except XError as exc:
        reason = str(exc)
    else:
        with transaction.atomic():
            XAccount.objects.filter(pk=account.pk).update(followers=me.followers)
            row.followers = me.followers
            row.new_followers = _new_followers(row)
            for post in page.posts:
                _own_post_seen(account, post, row, now=now)
    if not reason:
        # The project's usage is a figure to show, never a reason to lose the day's row (the call is logged).
        with contextlib.suppress(XError):
            x_usage_keep(api.usage(), now=now)
    with transaction.atomic():
        _costs_and_counts(row)
        row.save()
    return reason or row


X_USAGE_KEY = "growth:x-usage"


def x_usage_keep(usage: dict, *, now: datetime) -> None:
    """The X project's post reads this billing period against its cap (GET /2/usage/tweets, free),
    as last read: the metrics page shows it beside our own count of what was spent."""
    if usage:
        cache.set(X_USAGE_KEY, {"usage": int(usage.get("project_usage") or 0), "cap": int(usage.get("project_cap") or 0),
                                "reset_day": usage.get("cap_reset_day"), "read_at": now.isoformat()}, 7 * 86400)


def x_usage_read() -> dict | None:
    return cache.get(X_USAGE_KEY)


def _own_post_seen(account: XAccount, post, row: DailyMetrics, *, now: datetime) -> None:
    tweet = Tweet.objects.filter(account=account, x_id=post.id).first()
    if tweet is None and post.replied_to:
        # A reply posted by hand through the intent link: it shows in our timeline, so it is posted.
        draft = Draft.objects.filter(account=account, kind=Draft.Kind.REPLY, status=Draft.Status.APPROVED,
                                     opportunity__post__x_id=post.replied_to).select_related("opportunity", "account").first()
        if draft is not None:
            draft_record_posted(draft=draft, x_id=post.id, via=Tweet.Via.BY_HAND)
            tweet = Tweet.objects.get(draft=draft)
    if tweet is None:
        return
    row.impressions += max(0, post.impressions - tweet.impressions)
    row.engagements += max(0, post.engagements - tweet.engagements)
    tweet.impressions, tweet.engagements, tweet.metrics_at = post.impressions, post.engagements, now
    tweet.save(update_fields=["impressions", "engagements", "metrics_at"])


def daily_metrics_enter(*, account: XAccount, day: date, user, followers: int, impressions: int, engagements: int,
                        request=None) -> DailyMetrics:
    """A moderator enters a day's X figures by hand (when reads are unavailable); costs, counts of
    posts and sign-ups still come from our records."""
    with transaction.atomic():
        row, _ = DailyMetrics.objects.get_or_create(account=account, day=day)
        row.followers, row.impressions, row.engagements = followers, impressions, engagements
        row.new_followers = _new_followers(row)
        row.entered_by = user
        _costs_and_counts(row)
        row.save()
        audit_log("growth_metrics_entered", request=request, actor=user, target=row, day=day.isoformat(),
                  followers=followers, impressions=impressions, engagements=engagements)
    return row
