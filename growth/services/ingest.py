"""Reading X for opportunities: mentions of our accounts and watched searches, on a schedule and
within the spending caps; a post pasted by hand; expiry and the purge of what we no longer need."""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_log
from exams.models import Objective
from growth import scoring
from growth.models import Draft, FoundPost, Opportunity, PostSnapshot, Tweet, WatchedSearch, XAccount
from growth.xapi import NetworkError, RateLimited, XApi, XError, XPost

logger = logging.getLogger("pingtopass.growth")
Status = Opportunity.Status
POST_URL = re.compile(r"^https://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?:i/web|[A-Za-z0-9_]{1,15})/status/([0-9]{1,19})/?(?:[?#].*)?$")


class IngestRefused(Exception):
    """A post could not be made an opportunity; the message says why."""


@dataclass
class IngestResult:
    account: str
    found: int = 0  # posts read
    opportunities: int = 0  # new ones
    searches: int = 0  # searches run
    stopped: str = ""  # why it stopped early, if it did
    errors: list[str] = field(default_factory=list)


def account_keywords(account: XAccount) -> set[str]:
    """What makes a post relevant to this account: its exams' codes and names, their objectives'
    words, and its watched searches' terms."""
    exams = list(account.exams.all())
    texts = [f"{exam.code} {exam.name}" for exam in exams]
    texts += Objective.objects.filter(domain__exam__in=exams).values_list("name", flat=True)
    texts += account.searches.values_list("query", flat=True)
    return scoring.keywords_from(texts)


def _summoned(account: XAccount, post: XPost) -> tuple[bool, str]:
    if account.username.casefold() in post.mentioned:
        return True, Opportunity.Source.MENTION
    if post.quoted_ids and Tweet.objects.filter(account=account, x_id__in=post.quoted_ids).exists():
        return True, Opportunity.Source.QUOTE
    return False, ""


def _post_store(post: XPost, *, now: datetime) -> tuple[FoundPost, PostSnapshot | None]:
    """Store the post once (its latest metrics kept) and snapshot its engagements; the snapshot before."""
    author = post.author
    found, created = FoundPost.objects.update_or_create(x_id=post.id, defaults={
        "author_id": post.author_id, "author_username": author.username if author else "",
        "author_followers": author.followers if author else 0, "text": post.text, "posted_at": post.created_at,
        "likes": post.likes, "replies": post.replies, "reposts": post.reposts, "quotes": post.quotes, "last_read_at": now,
    })
    before = None if created else found.snapshots.order_by("-taken_at").first()
    PostSnapshot.objects.create(post=found, taken_at=now, engagements=post.engagements)
    return found, before


def opportunity_upsert(*, account: XAccount, post: XPost, source: str, summoned: bool, keywords: set[str],
                       search: WatchedSearch | None = None, now: datetime | None = None) -> tuple[Opportunity, bool]:
    """The opportunity this post makes for the account, scored (again, if it exists and is open)."""
    now = now or timezone.now()
    with transaction.atomic():
        found, before = _post_store(post, now=now)
        result = scoring.score(
            text=post.text, keywords=keywords, author_followers=found.author_followers, engagements=post.engagements,
            posted_at=post.created_at, now=now, summoned=summoned,
            engagements_before=before.engagements if before else None, before_at=before.taken_at if before else None,
        )
        opportunity, created = Opportunity.objects.get_or_create(account=account, post=found, defaults={
            "source": source, "summoned": summoned, "search": search, "score": result.total, "score_parts": result.parts,
            "expires_at": now + timedelta(hours=settings.GROWTH_OPPORTUNITY_HOURS),
        })
        if not created and opportunity.is_open:
            opportunity.score, opportunity.score_parts = result.total, result.parts
            opportunity.summoned = opportunity.summoned or summoned
            opportunity.save(update_fields=["score", "score_parts", "summoned"])
    return opportunity, created


def account_ingest(*, account_id: int, now: datetime | None = None) -> IngestResult:
    """Read the account's new mentions, then each of its watched searches that is due. A 429 or a
    network error is raised for the task to come back later; a pause, a cap or a missing
    connection stops the run with the reason."""
    now = now or timezone.now()
    account = XAccount.objects.get(pk=account_id)
    result = IngestResult(account=account.username)
    if not account.can_read or not account.is_usable:
        result.stopped = f"@{account.username} is not reading ({account.get_status_display()}{': ' + account.status_reason if account.status_reason else ''})."
        return result
    api = XApi(account)
    keywords = account_keywords(account)
    own_id = account.x_user_id

    def take(posts: list[XPost], *, search: WatchedSearch | None) -> None:
        for post in posts:
            if own_id and post.author_id == own_id:
                continue
            summoned, source = _summoned(account, post)
            _, created = opportunity_upsert(
                account=account, post=post, source=source or Opportunity.Source.SEARCH, summoned=summoned,
                keywords=keywords, search=search if not summoned else None, now=now)
            result.found += 1
            result.opportunities += created

    try:
        page = api.mentions(since_id=account.mentions_since_id)
        own_id = account.x_user_id
        take(page.posts, search=None)
        newest = page.newest_id or max((p.id for p in page.posts), key=int, default="")
        if newest:
            XAccount.objects.filter(pk=account.pk).update(mentions_since_id=newest)
        for search in account.searches.filter(is_active=True):
            if not search.is_due(now):
                continue
            page = api.search(search.query, since_id=search.since_id)
            take(page.posts, search=search)
            newest = page.newest_id or max((p.id for p in page.posts), key=int, default="") or search.since_id
            WatchedSearch.objects.filter(pk=search.pk).update(since_id=newest, last_run_at=now)
            result.searches += 1
    except XError as exc:
        if isinstance(exc, RateLimited | NetworkError):
            raise
        result.stopped = str(exc)
    return result


def ingest_due() -> list[int]:
    """The accounts to read now: connected, active, allowed to read and not rate limited."""
    now = timezone.now()
    accounts = XAccount.objects.filter(status=XAccount.Status.ACTIVE, can_read=True)
    return [a.pk for a in accounts if not a.rate_limited_until or a.rate_limited_until <= now]


def opportunity_from_url(*, account: XAccount, url: str, user, request=None) -> Opportunity:
    """An opportunity made by hand from a post's URL (x.com or twitter.com), read through the API."""
    match = POST_URL.match(url.strip())
    if not match:
        raise IngestRefused("That is not the address of a post on X (https://x.com/<name>/status/<number>).")
    try:
        post = XApi(account).post_by_id(match.group(1))
    except XError as exc:
        raise IngestRefused(f"The post could not be read: {exc}") from exc
    if post is None:
        raise IngestRefused("X says that post does not exist (deleted, or never was).")
    summoned, _ = _summoned(account, post)
    opportunity, created = opportunity_upsert(
        account=account, post=post, source=Opportunity.Source.MANUAL, summoned=summoned, keywords=account_keywords(account))
    if created:
        audit_log("growth_opportunity_added", request=request, actor=user, target=opportunity, url=url[:300])
    return opportunity


def opportunity_dismiss(*, opportunity: Opportunity, user, request=None) -> Opportunity:
    from growth.services.posting import DraftError, opportunity_move

    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if opportunity.status == Status.DISMISSED:
            return opportunity
        if not opportunity.can_move_to(Status.DISMISSED):
            raise DraftError(f"This opportunity is {opportunity.get_status_display().lower()}; it cannot be dismissed.")
        opportunity_move(opportunity, Status.DISMISSED)
        opportunity.drafts.filter(status__in=[Draft.Status.PENDING, Draft.Status.APPROVED]).update(
            status=Draft.Status.REJECTED, error="Its opportunity was dismissed.")
        audit_log("growth_opportunity_dismissed", request=request, actor=user, target=opportunity)
    return opportunity


def opportunities_expire(*, now: datetime | None = None) -> int:
    """Open opportunities past their time: expired, and their drafts that never went out rejected."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Opportunity.objects.expiring(now=now).values_list("pk", flat=True))
        Draft.objects.filter(opportunity_id__in=ids, status__in=[Draft.Status.PENDING, Draft.Status.APPROVED]).update(
            status=Draft.Status.REJECTED, error="Its opportunity expired.")
        return Opportunity.objects.filter(pk__in=ids).update(status=Status.EXPIRED)


def posts_purge(*, now: datetime | None = None) -> int:
    """X's rule: what was deleted at the source must go within 24 hours. We keep a found post's
    content only while an opportunity of it is open (at most settings.GROWTH_OPPORTUNITY_HOURS);
    after that its text and author are purged (the row stays for the counts)."""
    now = now or timezone.now()
    old = FoundPost.objects.filter(first_seen_at__lt=now - timedelta(hours=settings.GROWTH_OPPORTUNITY_HOURS))
    old = old.exclude(opportunities__status__in=Opportunity.OPEN).exclude(text="", author_username="")
    purged = old.update(text="", author_username="", author_id="")
    PostSnapshot.objects.filter(post__text="", taken_at__lt=now - timedelta(hours=settings.GROWTH_OPPORTUNITY_HOURS)).delete()
    return purged
