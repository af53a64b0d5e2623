"""The API's interactive docs (/api/v1/docs, django-ninja's Swagger UI from its own static files,
never a CDN) work under the site's Content Security Policy: a signed-in learner opens them, sees
every operation, and tries one; a CSP violation or a console error fails the test (conftest).

Swagger UI's markup is its own (buttons nested in links, small targets, its pale method badges),
so these screenshots are not put through axe-core as our pages are (`shoot`)."""

import os

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_reads_and_tries_the_api_docs(
    live_server, page: Page, page_problems, artifacts_dir, learner, password, seeded_exam, shoot
):
    def screenshot(name):
        page.screenshot(path=os.path.join(artifacts_dir, f"{name}.png"), full_page=True)
        page_problems.assert_none(f"{name} ({page.url})")

    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="api-docs")
    requests = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PingToPass")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = set(operations.all_inner_texts())
    assert {"/api/v1/exams", "/api/v1/sessions", "/api/v1/questions/batch"} <= {p.replace("\u200b", "") for p in paths}
    screenshot("api-docs")

    catalogue = page.locator(".opblock-get", has=page.locator(".opblock-summary-path", has_text="/api/v1/exams")).first
    catalogue.locator(".opblock-summary").click()
    catalogue.get_by_role("button", name="Try it out").click()
    catalogue.get_by_role("button", name="Execute").click()
    expect(catalogue.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(catalogue.locator(".live-responses-table .microlight").first).to_contain_text(seeded_exam.code)
    screenshot("api-docs-tried")

    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
