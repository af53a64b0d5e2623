"""What goes out on X, and how: every draft is approved by a person first. A reply goes through the
API only when the post it answers mentioned or quoted our account ("summoned"); any other reply
is posted by the person from their own X session (a web-intent link) and marked posted. Posts of
our own go through the API at their scheduled time. Posting is idempotent: a draft is posted once."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.audit import audit_log
from growth.models import Draft, Opportunity, Tweet, VoiceProfile, XAccount
from growth.xapi import (
    AccountUnusable,
    CreditsDepleted,
    NetworkError,
    RateLimited,
    SpendingCapReached,
    UsageCapped,
    XApi,
    XError,
    x_spent,
)

logger = logging.getLogger("pingtopass.growth")
MAX_CHARS = 280
LINK_CHARS = 23
_LINK = re.compile(r"https?://\S+")
POST_ID_IN_URL = re.compile(r"^https://(?:www\.|mobile\.)?(?:x|twitter)\.com/[A-Za-z0-9_]{1,15}/status/([0-9]{1,19})/?(?:[?#].*)?$")
# Slots at which our own posts go out, UTC (an approved post takes the first free one).
DEFAULT_SLOTS = (time(13, 0), time(17, 0))
# Errors after which nothing reached X: the draft goes back to "approved" to be tried again.
NOT_SENT = (AccountUnusable, SpendingCapReached, RateLimited, CreditsDepleted, UsageCapped)


class DraftError(Exception):
    """The draft cannot do that now; the message says why."""


class MustPostByHand(DraftError):
    """A reply to a post that did not summon us: X allows it only from a person's own session."""


def x_length(text: str) -> int:
    """Characters as X counts them, near enough: every link is 23."""
    return len(_LINK.sub("x" * LINK_CHARS, text))


def draft_warnings(text: str, voice: VoiceProfile | None) -> list[str]:
    warnings = []
    lowered = text.casefold()
    if voice is not None:
        warnings += [f"Uses “{word}”, which the voice avoids." for word in voice.avoid_list if word.casefold() in lowered]
    if x_length(text) > MAX_CHARS:
        warnings.append(f"{x_length(text)} characters: X allows {MAX_CHARS}.")
    return warnings


def opportunity_move(opportunity: Opportunity, status: str) -> None:
    """The one way an opportunity changes state: only along Opportunity.MOVES."""
    if not opportunity.can_move_to(status):
        raise DraftError(f"An opportunity that is {opportunity.get_status_display().lower()} cannot become {status}.")
    opportunity.status = status
    opportunity.save(update_fields=["status"])


def intent_url(draft: Draft) -> str:
    """X's web-intent link that opens the reply, filled in, in the person's own X session."""
    params = {"text": draft.text}
    if draft.opportunity_id:
        params = {"in_reply_to": draft.opportunity.post.x_id, **params}
    return f"https://x.com/intent/post?{urlencode(params)}"


def _text_checked(text: str) -> str:
    text = text.strip()
    if not text:
        raise DraftError("The text is empty.")
    if x_length(text) > MAX_CHARS:
        raise DraftError(f"The text is {x_length(text)} characters long; X allows {MAX_CHARS}.")
    return text


@dataclass(frozen=True)
class Spend:
    spent: Decimal  # this month
    reserved: Decimal  # approved posts not yet out, at their expected cost
    cap: Decimal

    @property
    def left(self) -> Decimal:
        return max(Decimal("0"), self.cap - self.spent - self.reserved)


def account_spend(account: XAccount) -> Spend:
    reserved = sum((d.expected_cost for d in Draft.objects.filter(account=account, status=Draft.Status.APPROVED)
                    .select_related("opportunity") if d.via_api), Decimal("0"))
    return Spend(spent=x_spent(account=account), reserved=reserved, cap=account.monthly_cap_usd)


def next_slot(account: XAccount, *, now: datetime | None = None) -> datetime:
    """The first slot (settings-free: DEFAULT_SLOTS, UTC) from now on that no approved post holds."""
    now = now or timezone.now()
    taken = set(Draft.objects.filter(account=account, kind=Draft.Kind.POST, status=Draft.Status.APPROVED,
                                     scheduled_for__gte=now).values_list("scheduled_for", flat=True))
    day = now.date()
    for offset in range(366):
        for slot in DEFAULT_SLOTS:
            at = datetime.combine(day + timedelta(offset), slot, tzinfo=now.tzinfo)
            if at > now and at not in taken:
                return at
    return now


def draft_create(*, account: XAccount, text: str, user, evergreen: bool = False, request=None) -> Draft:
    """A post of our own written by a person, waiting for approval."""
    text = _text_checked(text)
    voice = VoiceProfile.objects.filter(account=account).first()
    draft = Draft.objects.create(account=account, kind=Draft.Kind.POST, text=text, evergreen=evergreen,
                                 written_by=Draft.Author.PERSON, warnings=draft_warnings(text, voice))
    audit_log("growth_draft_created", request=request, actor=user, target=draft)
    return draft


def reply_write(*, opportunity: Opportunity, text: str, user, request=None) -> Draft:
    """A reply written by a person: the opportunity's pending draft rewritten, or a new one."""
    text = _text_checked(text)
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().select_related("account").get(pk=opportunity.pk)
        if not opportunity.is_open:
            raise DraftError(f"This opportunity is {opportunity.get_status_display().lower()}.")
        draft = opportunity.drafts.filter(status=Draft.Status.PENDING).first() or Draft(
            account=opportunity.account, kind=Draft.Kind.REPLY, opportunity=opportunity)
        voice = VoiceProfile.objects.filter(account=opportunity.account).first()
        draft.text, draft.written_by, draft.warnings = text, Draft.Author.PERSON, draft_warnings(text, voice)
        draft.save()
        if opportunity.status != Opportunity.Status.DRAFTED:
            opportunity_move(opportunity, Opportunity.Status.DRAFTED)
        audit_log("growth_draft_created", request=request, actor=user, target=draft, opportunity=opportunity.pk)
    return draft


def draft_approve(*, draft: Draft, user, text: str | None = None, scheduled_for: datetime | None = None,
                  request=None) -> Draft:
    """A person approves the draft, perhaps edited. A post of our own is scheduled (the next free
    slot unless a time is given), refused if its expected cost does not fit under the account's cap."""
    with transaction.atomic():
        # Locks the draft's row only: PostgreSQL cannot lock the outer join to a missing opportunity.
        draft = Draft.objects.select_for_update(of=("self",)).select_related("opportunity__post", "account").get(pk=draft.pk)
        if draft.status not in (Draft.Status.PENDING, Draft.Status.FAILED):
            raise DraftError(f"This draft is {draft.get_status_display().lower()}; only a draft waiting for approval can be approved.")
        edited = text is not None and text.strip() != draft.text
        draft.text = _text_checked(draft.text if text is None else text)
        voice = VoiceProfile.objects.filter(account=draft.account).first()
        draft.warnings = draft_warnings(draft.text, voice)
        if draft.via_api:
            spend = account_spend(draft.account)
            if draft.expected_cost > spend.left:
                raise DraftError(
                    f"Not approved: this post would cost ${draft.expected_cost:.3f}, and only ${spend.left:.2f} of "
                    f"@{draft.account.username}'s ${spend.cap:.2f} monthly X cap is left "
                    f"(${spend.spent:.2f} spent, ${spend.reserved:.2f} held by approved posts).")
        if draft.kind == Draft.Kind.POST:
            now = timezone.now()
            draft.scheduled_for = scheduled_for if scheduled_for and scheduled_for > now else next_slot(draft.account, now=now)
        else:
            opportunity = Opportunity.objects.select_for_update().get(pk=draft.opportunity_id)
            opportunity_move(opportunity, Opportunity.Status.APPROVED)
        draft.status, draft.approved_by, draft.approved_at, draft.error = Draft.Status.APPROVED, user, timezone.now(), ""
        draft.save()
        audit_log("growth_draft_approved", request=request, actor=user, target=draft, edited=edited,
                  via="api" if draft.via_api else "by hand", scheduled_for=draft.scheduled_for.isoformat() if draft.scheduled_for else "")
    return draft


def draft_reject(*, draft: Draft, user, request=None) -> Draft:
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.status == Draft.Status.REJECTED:
            return draft
        if draft.status not in (Draft.Status.PENDING, Draft.Status.APPROVED, Draft.Status.FAILED):
            raise DraftError(f"This draft is {draft.get_status_display().lower()}; it cannot be rejected.")
        draft.status = Draft.Status.REJECTED
        draft.save(update_fields=["status"])
        if draft.opportunity_id:
            opportunity = Opportunity.objects.select_for_update().get(pk=draft.opportunity_id)
            if opportunity.status == Opportunity.Status.APPROVED:
                opportunity_move(opportunity, Opportunity.Status.DRAFTED)
        audit_log("growth_draft_rejected", request=request, actor=user, target=draft)
    return draft


def draft_record_posted(*, draft: Draft, x_id: str, via: str, user=None, request=None) -> Draft:
    """Record the draft as out on X (one Tweet row), and its opportunity as posted."""
    now = timezone.now()
    Tweet.objects.create(account=draft.account, draft=draft, x_id=x_id, text=draft.text, via=via,
                         is_reply=draft.kind == Draft.Kind.REPLY, posted_at=now)
    draft.status, draft.posted_at, draft.error = Draft.Status.POSTED, now, ""
    draft.save(update_fields=["status", "posted_at", "error"])
    if draft.opportunity_id:
        opportunity = Opportunity.objects.select_for_update().get(pk=draft.opportunity_id)
        if opportunity.status != Opportunity.Status.POSTED:
            opportunity_move(opportunity, Opportunity.Status.POSTED)
    audit_log("growth_draft_posted", request=request, actor=user, target=draft, x_id=x_id, via=via)
    return draft


def draft_post(*, draft_id: int, user=None, request=None) -> Draft:
    """Publish an approved draft through the API, once. Posted already: nothing is sent again. A
    reply to a post that did not summon us is never sent: MustPostByHand says to use the intent link."""
    draft = Draft.objects.select_related("opportunity__post", "account").get(pk=draft_id)
    if draft.status == Draft.Status.POSTED:
        return draft
    if not draft.via_api:
        raise MustPostByHand("This reply answers a post that did not mention or quote us: X allows it only from "
                             "your own X session. Open the reply on X, post it, then mark it posted.")
    if draft.status != Draft.Status.APPROVED:
        raise DraftError(f"This draft is {draft.get_status_display().lower()}; only an approved draft is posted.")
    # The one claim: of two workers (or a worker and a person), one moves it to "posting".
    if not Draft.objects.filter(pk=draft.pk, status=Draft.Status.APPROVED).update(status=Draft.Status.POSTING):
        draft.refresh_from_db()
        return draft
    in_reply_to = draft.opportunity.post.x_id if draft.kind == Draft.Kind.REPLY else ""
    try:
        x_id = XApi(draft.account).create_post(draft.text, in_reply_to=in_reply_to)
    except NOT_SENT as exc:
        Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.APPROVED, error=str(exc)[:1000])
        raise
    except NetworkError as exc:
        # The post may or may not have gone out: a person checks the timeline before sending it again.
        Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.FAILED, error=(
            f"{exc} It may have been posted: check @{draft.account.username}'s timeline, then approve it again or reject it.")[:1000])
        raise
    except XError as exc:
        Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.FAILED, error=str(exc)[:1000])
        raise
    with transaction.atomic():
        draft.refresh_from_db()
        return draft_record_posted(draft=draft, x_id=x_id, via=Tweet.Via.API, user=user, request=request)


def draft_mark_posted(*, draft: Draft, user, post_url: str = "", request=None) -> Draft:
    """The person posted the reply from their own X session (through the intent link)."""
    x_id = ""
    if post_url.strip():
        match = POST_ID_IN_URL.match(post_url.strip())
        if not match:
            raise DraftError("That is not the address of a post on X (https://x.com/<name>/status/<number>).")
        x_id = match.group(1)
        if Tweet.objects.filter(x_id=x_id).exclude(draft=draft).exists():
            raise DraftError("That post is already recorded for another draft.")
    with transaction.atomic():
        draft = Draft.objects.select_for_update(of=("self",)).select_related("opportunity", "account").get(pk=draft.pk)
        if draft.status == Draft.Status.POSTED:
            return draft
        if draft.status != Draft.Status.APPROVED:
            raise DraftError("Only an approved draft can be marked posted.")
        return draft_record_posted(draft=draft, x_id=x_id, via=Tweet.Via.BY_HAND, user=user, request=request)


def posts_publish_due(*, now: datetime | None = None) -> dict[int, str]:
    """Publish the approved posts of our own whose slot has come; per draft, what happened."""
    outcome = {}
    for draft in Draft.objects.due(now=now or timezone.now()).select_related("account"):
        try:
            draft_post(draft_id=draft.pk)
            outcome[draft.pk] = "posted"
        except XError as exc:
            outcome[draft.pk] = str(exc)
            logger.warning("Scheduled post %s not published: %s", draft.pk, exc)
    return outcome


def evergreen_recycle(*, now: datetime | None = None) -> list[int]:
    """Evergreen posts whose last posting is older than the cooldown and that have gone out fewer
    than the repost cap: a copy waits for approval (so a person sees it again, and X's duplicate
    rule can be met by an edit). The new drafts' ids."""
    now = now or timezone.now()
    cooldown = now - timedelta(days=settings.GROWTH_EVERGREEN_COOLDOWN_DAYS)
    roots = Draft.objects.filter(evergreen=True, recycled_from__isnull=True, kind=Draft.Kind.POST)
    created = []
    for root in roots:
        copies = Draft.objects.filter(recycled_from=root)
        times = (1 if root.status == Draft.Status.POSTED else 0) + copies.filter(status=Draft.Status.POSTED).count()
        last = max(filter(None, [root.posted_at, copies.aggregate(m=Max("posted_at"))["m"]]), default=None)
        if last is None or last > cooldown or times > settings.GROWTH_EVERGREEN_MAX_REPOSTS:
            continue
        if copies.filter(status__in=[Draft.Status.PENDING, Draft.Status.APPROVED, Draft.Status.POSTING]).exists():
            continue
        draft = Draft.objects.create(account=root.account, kind=Draft.Kind.POST, text=root.text, evergreen=True,
                                     recycled_from=root, question=root.question, written_by=root.written_by,
                                     warnings=["Recycled evergreen post: X refuses an exact duplicate, so edit it a little."])
        created.append(draft.pk)
    return created

