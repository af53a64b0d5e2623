"""What a user may do. The one place that knows the plans: views, services and templates ask here.

Free: practice (and timed practice) up to FREE_DAILY_QUESTIONS new answers per local day,
FREE_SIMULATIONS_PER_EXAM exam simulations per exam, no adaptive practice, no readiness estimate.
Pro: everything, unlimited. Staff, moderators and admins count as Pro.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMIN, MODERATOR, role_from
from billing.compiled_queries import allowance_count
from billing.models import Subscription
from billing.usage import usage_source

FREE, PRO = "free", "pro"
PLAN_NAMES = {FREE: "Free", PRO: "Pro"}

# The study session modes a plan treats apart (StudySession.Mode's values), as the learner's app
# passes them in: billing knows them by value, never by importing the app.
ADAPTIVE_MODE, EXAM_MODE = "adaptive", "exam"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str = ""
    feature: str = ""  # what would need Pro: "daily", "simulation", "adaptive"

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


@dataclass
class Entitlements:
    user: object
    plan: str
    source: str  # why this plan: staff, subscription, trial, grace, everyone, free, anonymous
    now: datetime
    subscription: Subscription | None = None  # the one giving Pro, else the user's latest
    answered_today: int = 0
    _simulations_used: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def is_pro(self) -> bool:
        return self.plan == PRO

    @property
    def plan_name(self) -> str:
        return PLAN_NAMES[self.plan]

    @property
    def daily_questions(self) -> int | None:
        return None if self.is_pro else settings.FREE_DAILY_QUESTIONS

    @property
    def questions_left_today(self) -> int | None:
        """New practice answers still allowed today; None means unlimited."""
        if self.daily_questions is None:
            return None
        return max(self.daily_questions - self.answered_today, 0)

    @property
    def simulations_per_exam(self) -> int | None:
        return None if self.is_pro else settings.FREE_SIMULATIONS_PER_EXAM

    @property
    def adaptive(self) -> bool:
        return self.is_pro

    @property
    def can_see_readiness(self) -> bool:
        return self.is_pro

    @property
    def grace_ends_at(self) -> datetime | None:
        return self.subscription.grace_ends_at if self.source == "grace" else None

    def simulations_used(self, exam) -> int:
        if exam.pk not in self._simulations_used:
            self._simulations_used[exam.pk] = usage_source().simulations_used(self.user, exam.pk)
        return self._simulations_used[exam.pk]

    def simulations_left(self, exam) -> int | None:
        if self.simulations_per_exam is None:
            return None
        return max(self.simulations_per_exam - self.simulations_used(exam), 0)

    def can_start(self, mode: str, exam) -> Decision:
        if self.is_pro:
            return ALLOWED
        if mode == ADAPTIVE_MODE:
            return Decision(
                False,
                "Adaptive practice is part of Pro: it builds each session from your due reviews, your weakest "
                "objectives and questions you have not seen.",
                "adaptive",
            )
        if mode == EXAM_MODE:
            if self.simulations_left(exam) == 0:
                n = self.simulations_per_exam
                return Decision(
                    False,
                    f"The free plan includes {n} exam simulation{'s' if n != 1 else ''} per exam, and you have used "
                    f"{'it' if n == 1 else 'them'} for {exam.code}. Pro includes unlimited simulations.",
                    "simulation",
                )
            return ALLOWED
        if self.questions_left_today == 0:
            return Decision(False, self._daily_limit_message(), "daily")
        return ALLOWED

    def counts_against_allowance(self, session) -> bool:
        """Do this session's answers (a study session: its `mode`) use up the free daily allowance
        (shown on its pages)?"""
        return not self.is_pro and session.mode != EXAM_MODE

    def can_answer(self, item) -> Decision:
        """May the learner answer this item of a study session (its `session`, and its `response`,
        None until answered)? Exam simulations always run to the end; revising a saved answer is
        never a new question."""
        if not self.counts_against_allowance(item.session) or item.response is not None:
            return ALLOWED
        if self.questions_left_today == 0:
            return Decision(False, self._daily_limit_message(), "daily")
        return ALLOWED

    def claim_answer(self, now: datetime) -> Decision:
        """Count a new answer against today's allowance (where it counts against it), atomically:
        refused if answers saved elsewhere since this was worked out have used it up."""
        if self.daily_questions is None:
            return ALLOWED
        if not allowance_claim(self.user, now, self.daily_questions):
            return Decision(False, self._daily_limit_message(), "daily")
        self.answered_today = _answered_today(self.user, now)
        return ALLOWED

    def _daily_limit_message(self) -> str:
        return (
            f"You have used today's {self.daily_questions} free practice questions. Answers saved so far are safe. "
            "Upgrade to Pro for unlimited practice, or carry on tomorrow."
        )


def local_day(user, now: datetime) -> date:
    return now.astimezone(user.zone).date()


def _answered_today(user, now: datetime) -> int:
    """New answers outside exam simulations on the learner's local day (kept on the user row)."""
    return user.allowance_used if user.allowance_day == local_day(user, now) else 0


def allowance_claim(user, now: datetime, limit: int) -> bool:
    """Count one new answer against today's allowance, unless that would pass `limit`: one
    conditional UPDATE, so answers racing in from two tabs cannot both take the last one."""
    today = local_day(user, now)
    claimed = allowance_count(user=user.pk, today=today, limit=limit)
    if claimed:
        user.allowance_used = user.allowance_used + 1 if user.allowance_day == today else 1
        user.allowance_day = today
    return bool(claimed)


@functools.lru_cache(maxsize=50_000)
def _plan_basis(user_id: int, version: int) -> tuple[tuple[Subscription, ...], frozenset[str]]:
    """What a learner's plan is worked out from: their subscriptions (read-only here) and their
    groups. Read once per version of the user row in each process: every change to either moves
    `plan_version` on (plan_version_bump)."""
    subscriptions = tuple(Subscription.objects.filter(user_id=user_id))
    return subscriptions, frozenset(Group.objects.filter(user__id=user_id).values_list("name", flat=True))


def plan_version_bump(user_ids, *, user=None) -> None:
    """Something the plan depends on changed for these users: their cached plans are stale. The
    in-memory `user`, when given, learns its new version too."""
    User.objects.filter(pk__in=list(user_ids)).update(plan_version=F("plan_version") + 1)
    if user is not None:
        user.plan_version = User.objects.values_list("plan_version", flat=True).get(pk=user.pk)


def plan_cache_clear() -> None:
    _plan_basis.cache_clear()


def entitlements_for(user, *, now: datetime | None = None) -> Entitlements:
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return Entitlements(user=None, plan=FREE, source="anonymous", now=now)
    if user.is_staff or user.is_superuser:
        return Entitlements(user=user, plan=PRO, source="staff", now=now)
    if settings.BILLING_DEFAULT_PLAN == PRO:
        return Entitlements(user=user, plan=PRO, source="everyone", now=now)
    subscriptions, groups = _plan_basis(user.pk, user.plan_version)
    for subscription in subscriptions:
        if subscription.gives_pro(now):
            source = {Subscription.Status.TRIALING: "trial", Subscription.Status.PAST_DUE: "grace"}.get(
                subscription.status, "subscription"
            )
            return Entitlements(user=user, plan=PRO, source=source, now=now, subscription=subscription)
    if role_from(is_superuser=user.is_superuser, group_names=groups) in (MODERATOR, ADMIN):
        return Entitlements(user=user, plan=PRO, source="staff", now=now)
    return Entitlements(
        user=user, plan=FREE, source="free", now=now, subscription=subscriptions[0] if subscriptions else None,
        answered_today=_answered_today(user, now),
    )
