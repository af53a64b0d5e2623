from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from billing.entitlements import entitlements_for
from study.models import StudySession
from study.services import UpgradeRequired, answer_record
from tests.answers import correct_post_data
from tests.factories import SubscriptionFactory, UserFactory, reloaded

pytestmark = pytest.mark.django_db


def test_it_puts_a_new_learner_on_free(learner, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    plan = entitlements_for(learner)
    assert (plan.plan, plan.questions_left_today, plan.daily_questions) == ("free", 20, 20)
    assert plan.simulations_per_exam == 1 and not plan.adaptive and not plan.can_see_readiness


def test_it_counts_staff_moderators_and_admins_as_pro(moderator, admin_user):
    grouped = UserFactory()  # a moderator by group membership alone, without the staff flag
    grouped.groups.add(Group.objects.get_or_create(name="moderator")[0])
    for user in (moderator, admin_user, UserFactory(is_staff=True), grouped):
        plan = entitlements_for(user)
        assert plan.is_pro and plan.source == "staff" and plan.questions_left_today is None


def test_it_gives_everyone_pro_when_the_site_says_so(learner, settings):
    settings.BILLING_DEFAULT_PLAN = "pro"
    assert entitlements_for(learner).source == "everyone"


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("fields", "pro"), [
    ({"status": "active"}, True),
    ({"status": "trialing", "trial_end": NOW + timedelta(days=5)}, True),
    ({"status": "active", "cancel_at_period_end": True, "current_period_end": NOW + timedelta(hours=1)}, True),
    ({"status": "active", "cancel_at_period_end": True, "current_period_end": NOW - timedelta(hours=1)}, False),
    ({"status": "active", "cancel_at": NOW - timedelta(minutes=1)}, False),
    ({"status": "past_due", "past_due_since": NOW - timedelta(days=2, hours=23)}, True),
    ({"status": "past_due", "past_due_since": NOW - timedelta(days=3, minutes=1)}, False),
    ({"status": "unpaid"}, False),
    ({"status": "incomplete"}, False),
    ({"status": "canceled", "ended_at": NOW - timedelta(days=1)}, False),
])
def test_it_reads_the_plan_from_the_subscription(learner, settings, fields, pro):
    settings.BILLING_GRACE_DAYS = 3
    SubscriptionFactory(user=learner, **fields)
    assert entitlements_for(learner, now=NOW).is_pro is pro


def test_any_subscription_in_force_gives_pro(learner):
    SubscriptionFactory(user=learner, status="canceled")
    SubscriptionFactory(user=learner, status="active")
    assert entitlements_for(learner).source == "subscription"


def _answer(session, position: int, when: datetime, **kwargs):
    item = session.items.get(position=position)
    with mock.patch("django.utils.timezone.now", return_value=when):
        return answer_record(item=item, data=correct_post_data(item), **kwargs)


def test_it_counts_new_answers_per_local_day_of_the_learner(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    learner.timezone = "America/New_York"  # UTC-5 in November
    learner.save()
    session = start(learner)
    _answer(session, 1, datetime(2026, 11, 23, 4, 30, tzinfo=UTC))  # 23:30 on the 22nd in New York
    _answer(session, 2, datetime(2026, 11, 23, 5, 30, tzinfo=UTC))  # 00:30 on the 23rd
    _answer(session, 3, datetime(2026, 11, 24, 4, 59, tzinfo=UTC))  # 23:59 on the 23rd

    learner.refresh_from_db()  # the count lives on the user row, which each request reads afresh
    assert entitlements_for(learner, now=datetime(2026, 11, 24, 4, 59, 30, tzinfo=UTC)).answered_today == 2
    assert entitlements_for(learner, now=datetime(2026, 11, 24, 6, 0, tzinfo=UTC)).questions_left_today == 20


def test_two_tabs_answering_at_once_cannot_pass_the_daily_limit(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 1
    first, second = start(learner), start(learner)
    now = timezone.now()
    # Both pages were drawn while one question was still left today.
    left_in_each_tab = [entitlements_for(learner, now=now), entitlements_for(learner, now=now)]
    assert all(e.questions_left_today == 1 for e in left_in_each_tab)
    _answer(first, 1, now, entitlements=left_in_each_tab[0])
    with pytest.raises(UpgradeRequired, match="today's 1 free practice questions"):
        _answer(second, 1, now, entitlements=left_in_each_tab[1])
    assert second.items.get(position=1).response is None  # refused whole: nothing saved
    learner.refresh_from_db()
    assert entitlements_for(learner, now=now).questions_left_today == 0


def test_a_full_save_of_the_user_keeps_the_count_other_requests_made(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    stale = type(learner).objects.get(pk=learner.pk)  # read by a settings page before the answers
    session = start(learner)
    for position in (1, 2):
        _answer(session, position, timezone.now())
    stale.display_name = "Renamed"
    stale.save()
    learner.refresh_from_db()
    assert (learner.display_name, entitlements_for(learner).answered_today) == ("Renamed", 2)


def test_exam_simulation_answers_do_not_use_the_allowance(learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    for position in (1, 2, 3):
        _answer(session, position, timezone.now())
    learner.refresh_from_db()
    assert entitlements_for(learner).answered_today == 0


def test_each_process_keeps_a_plan_only_until_what_it_depends_on_changes(learner):
    # Every process keeps the plan per version of the user row: warm it, then change each input.
    assert entitlements_for(reloaded(learner)).plan == "free"
    subscription = SubscriptionFactory(user=reloaded(learner), status="active")
    assert entitlements_for(reloaded(learner)).source == "subscription"
    subscription.status = "canceled"
    subscription.save()
    assert entitlements_for(reloaded(learner)).plan == "free"
    subscription.delete()
    group = Group.objects.get_or_create(name="moderator")[0]
    reloaded(learner).groups.add(group)
    assert entitlements_for(reloaded(learner)).source == "staff"
    group.user_set.remove(learner)  # from the group's side
    assert entitlements_for(reloaded(learner)).plan == "free"
    group.user_set.add(learner)
    group.user_set.clear()
    assert entitlements_for(reloaded(learner)).plan == "free"
    stale = reloaded(learner)
    SubscriptionFactory(user=reloaded(learner), status="active")
    stale.display_name = "Saved from an old form"
    stale.save()  # must not put the plan's version back
    assert entitlements_for(reloaded(learner)).is_pro
