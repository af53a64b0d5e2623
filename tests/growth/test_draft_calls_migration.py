"""growth 0002: the model calls growth logged in its own table before move to aigen's LLM call log
(purpose "growth_draft", made for the account), with their cost and time, so the month's budget and
each day's AI cost keep them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aigen.models import LLMCall
from growth.models import XAccount

BEFORE, AFTER = [("growth", "0001_initial")], [("growth", "0002_draftcall_into_llm_call_log")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_moves_the_draft_calls_into_aigens_log_and_back():
    old_apps = migrate(BEFORE)
    try:
        DraftCall = old_apps.get_model("growth", "DraftCall")
        account = old_apps.get_model("growth", "XAccount").objects.create(username="pingtopass")
        yesterday = timezone.now() - timedelta(days=1)
        made = DraftCall.objects.create(account_id=account.pk, model="test/model", attempt=2, outcome="ok",
                                        prompt_tokens=300, completion_tokens=40, cost_usd=Decimal("0.000380"))
        DraftCall.objects.filter(pk=made.pk).update(created_at=yesterday)
        DraftCall.objects.create(account=None, model="test/model", outcome="lost", cost_usd=Decimal("0.002"))
    finally:
        migrate(AFTER)

    moved = LLMCall.objects.about(XAccount.objects.get()).get()
    assert (moved.purpose, moved.job, moved.attempt, moved.prompt_tokens, moved.completion_tokens) == (
        "growth_draft", None, 2, 300, 40)
    assert moved.cost_usd == Decimal("0.000380") and moved.created_at == yesterday
    orphan = LLMCall.objects.exclude(pk=moved.pk).get()
    assert (orphan.purpose, orphan.subject_type, orphan.outcome, orphan.cost_usd) == (
        "growth_draft", None, "lost", Decimal("0.002"))

    old_apps = migrate(BEFORE)  # and back: growth's table has them again, aigen's log no longer
    try:
        DraftCall = old_apps.get_model("growth", "DraftCall")
        assert sorted(DraftCall.objects.values_list("cost_usd", flat=True)) == [Decimal("0.000380"), Decimal("0.002")]
        assert not LLMCall.objects.exists()
    finally:
        migrate(AFTER)
