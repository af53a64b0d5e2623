from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aigen.models import LLMCall
from tests.factories import GenerationJobFactory, LLMCallFactory

pytestmark = pytest.mark.django_db

URL = "/admin/aigen/llmcall/costs/"


def call(days_ago: int, model: str, cost: str, **kwargs):
    made = LLMCallFactory(job=kwargs.pop("job"), model=model, cost_usd=Decimal(cost), **kwargs)
    LLMCall.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def calls():
    job = GenerationJobFactory()
    call(0, "qwen/qwen-2.5-72b-instruct", "0.40", job=job, prompt_tokens=1000, completion_tokens=500)
    call(0, "qwen/qwen-2.5-72b-instruct", "0.60", job=job, prompt_tokens=3000, completion_tokens=1500)
    call(3, "openai/gpt-4o-mini", "0.25", job=job, prompt_tokens=200, completion_tokens=100)
    call(45, "openai/gpt-4o-mini", "9.00", job=job)  # outside the window


def test_it_sums_cost_per_day_and_per_model_with_a_chart(client, moderator, calls):
    client.force_login(moderator)
    page = client.get(URL).content.decode()

    assert "<dt>Cost, 30 days</dt><dd>$1.25</dd>" in page
    assert "<dt>Calls</dt><dd>3</dd>" in page
    today = timezone.localdate()
    assert f"<td>{today:%a} {today.day} {today:%b %Y}</td><td class=\"num\">2</td><td class=\"num\">4,000</td>" in page
    assert '<td>qwen/qwen-2.5-72b-instruct</td><td class="num">2</td>' in page and "<td class=\"num\">$1.00</td>" in page
    assert '<td>openai/gpt-4o-mini</td><td class="num">1</td>' in page
    assert "$9.00" not in page
    assert page.count('<rect class="ptp-chart-bar"') == 30
    assert f"{today:%b} {today.day}: $1.00, 2 call(s)" in page


def test_it_is_calm_with_no_calls(client, moderator):
    client.force_login(moderator)
    page = client.get(URL).content.decode()
    assert "No LLM calls in the last 30 days." in page
    assert page.count('<rect class="ptp-chart-bar"') == 30


def test_learners_never_see_costs(client, learner, calls):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_call_log_shows_the_raw_response_and_rejections(client, moderator):
    made = LLMCallFactory(raw_response='{"choices": []}', rejections=[
        {"stem": "Which of these is all of the above?", "reasons": ['"All/none of the above" choices are not allowed.']}
    ])
    client.force_login(moderator)
    page = client.get(f"/admin/aigen/llmcall/{made.pk}/change/").content.decode()
    assert "{&quot;choices&quot;: []}" in page
    assert "Which of these is all of the above?" in page and "are not allowed." in page
