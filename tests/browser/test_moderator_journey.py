"""In Chromium: a moderator starts an AI generation job in admin, watches it finish, reviews what
it wrote as a learner would see it, approves a question, and checks the cost."""

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.browser.journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both_themes(page: Page, shoot, name: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        shoot(f"{name}-{scheme}")
    page.emulate_media(color_scheme="light")


def test_a_moderator_generates_reviews_and_approves(page: Page, live_server, moderator, password, seeded_exam,
                                                    fake_llm, shoot):
    fake_llm.script(Reply(batch(*good(3))))
    log_in(page, live_server, shoot, email=moderator.email, password=password, prefix="moderator")

    page.goto(f"{live_server.url}/admin/aigen/generationjob/add/")
    page.select_option("select[name=exam]", str(seeded_exam.pk))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1, h2").filter(has_text=seeded_exam.code).first).to_be_visible()
    page.fill("input[name=count]", "3")
    both_themes(page, shoot, "moderator-start-job")
    page.get_by_role("button", name="Start job").click()

    page.wait_for_url("**/admin/aigen/generationjob/")
    expect(page.locator(".messagelist")).to_contain_text("started: 3 questions for PTP-100")
    expect(page.locator(".ptp-progress").first).to_contain_text("3")
    both_themes(page, shoot, "moderator-job-list")

    page.goto(f"{live_server.url}/admin/aigen/aiquestion/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    both_themes(page, shoot, "moderator-review-queue")
    first = Question.objects.filter(source="ai").order_by("pk").first()
    page.goto(f"{live_server.url}/admin/exams/question/{first.pk}/preview/")
    expect(page.locator("body")).to_contain_text(first.stem)
    both_themes(page, shoot, "moderator-preview")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Question #{first.pk} approved")
    first.refresh_from_db()
    assert first.review_status == "approved" and first.reviewed_by_id == moderator.pk

    page.goto(f"{live_server.url}/admin/aigen/llmcall/costs/")
    expect(page.locator("svg rect.ptp-chart-bar")).to_have_count(30)
    both_themes(page, shoot, "moderator-costs")
