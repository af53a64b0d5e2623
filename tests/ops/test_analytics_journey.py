"""In Chromium: a moderator opens the staff analytics page, on a desktop and a phone, in light and
dark, switches to 90 days; the page passes axe-core and the CSP, and a screenshot of each is kept
(test-artifacts/screenshots/ops-analytics-*.png)."""

import pytest
from playwright.sync_api import Page, expect

# The browser suite's fixtures: a page watched for CSP violations and errors, screenshots with axe-core.
from tests.browser.conftest import (  # noqa: F401
    PHONE,
    axe_log,
    browser_context_args,
    page,
    page_problems,
    shoot,
)
from tests.browser.journeys import log_in
from tests.ops.test_analytics_view import study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_reads_the_staff_analytics(page: Page, live_server, moderator, password, start, shoot):  # noqa: F811
    study(start, 3)
    log_in(page, live_server, shoot, email=moderator.email, password=password, prefix="ops-analytics")

    page.goto(f"{live_server.url}/ops/analytics/")
    expect(page.get_by_role("heading", name="Staff analytics")).to_be_visible()
    expect(page.locator("svg.trend-chart")).to_have_count(5)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        shoot(f"ops-analytics-{scheme}")

    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_role("link", name="90 days")).to_have_attribute("aria-current", "page")
    page.get_by_text("Active learners per day as a table").click()
    expect(page.get_by_role("table").first).to_be_visible()
    page.set_viewport_size(PHONE)
    shoot("ops-analytics-90-days-phone")
