"""A learner answers questions and watches the dashboard change, in light and dark mode."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    QUESTION_URL,
    answer_current_question,
    current_session,
    expect_question,
    log_in,
    open_exam,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stat(page: Page, label: str) -> str:
    return page.locator(".stat", has_text=label).locator(".stat-value").inner_text()


def test_answering_questions_changes_the_dashboard(page: Page, live_server, learner, pro, password, seeded_exam, shoot):
    # Pro: the journey ends on the readiness estimate, which Free learners see as an offer of Pro.
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="dashboard")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    assert stat(page, "Questions answered") == "0"
    shoot("dashboard-empty")

    open_exam(page, live_server, shoot, "dashboard")
    page.get_by_role("button", name="Start practice").click()
    page.wait_for_url(QUESTION_URL)
    session = current_session(page)
    for position in range(1, 9):
        expect_question(page, position)
        answer_current_question(page, session, correct=position % 4 != 0)
        expect(page.locator("#session-main .feedback")).to_be_visible()
        if position < 8:
            page.keyboard.press("n")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="PingToPass Test Exam")).to_be_visible()
    assert stat(page, "Questions answered") == "8"
    assert stat(page, "Study streak") == "1 day"
    expect(page.locator(".domain-chart")).to_contain_text("1.0 Networking Basics")
    expect(page.locator(".readiness")).to_contain_text("answer 12 more questions")
    expect(page.locator(".trend-chart")).to_be_visible()
    shoot("dashboard-after-8-answers-light")
    page.emulate_media(color_scheme="dark")
    shoot("dashboard-after-8-answers-dark")

    page.get_by_role("button", name="Missed questions").click()
    page.wait_for_url(QUESTION_URL)
    missed = current_session(page)
    assert missed.question_total == 2
    shoot("dashboard-missed-session")
