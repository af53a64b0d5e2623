import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from exams.models import Exam
from tests.browser.journeys import EXAM_CODE, assert_accessible

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Added to every page before its own scripts run: a CSP violation becomes a console error, which
# the `page` fixture below turns into a failure (Chromium's own report of it is not a console
# message Playwright sees).
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code")
    + " at " + event.sourceFile + ":" + event.lineNumber + ":" + event.columnNumber
    + (event.sample ? " (" + event.sample + ")" : ""));
}, true);
"""
# What Chromium and htmx log about a request that failed (an error status, no reply). Tests that
# provoke one (a refused answer, a 502 from a proxy, the network gone) check what the page does about
# it; a 500 is caught from the responses, and every other console error is a failure.
NETWORK_FAILURE = re.compile(
    r"^Failed to load resource: (the server responded with a status of (4\d\d|50[1-9])\b|net::ERR_FAILED)"
    r"|^Response Status Error Code (4\d\d|50[1-9]) from "
    r"|^htmx:(sendError|afterRequest), "
)


class PageProblems:
    """What must never happen on a page, whatever the journey checks: an uncaught script error, a
    console error, a CSP violation, a 500 from the server."""

    def __init__(self):
        self.found: list[str] = []

    def watch(self, page: Page) -> None:
        page.add_init_script(CSP_WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught error: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not NETWORK_FAILURE.match(message.text):
            location = message.location or {}
            self.found.append(f"console error at {location.get('url')}:{location.get('lineNumber')}: {message.text}")

    def _response(self, response) -> None:
        if response.status == 500:
            self.found.append(f"500 from {response.request.method} {response.url}")

    def assert_none(self, where: str) -> None:
        problems, self.found = self.found, []
        assert not problems, f"{where}:\n  " + "\n  ".join(problems)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def page(page: Page, page_problems):
    """pytest-playwright's page, watched for problems from its first navigation to the test's end."""
    page_problems.watch(page)
    yield page
    page_problems.assert_none("the page reported problems")


@pytest.fixture(scope="session")
def axe_log(artifacts_dir) -> Path:
    """test-artifacts/axe/<worker>.jsonl: every axe-core violation this run found, a line a page."""
    folder = Path(artifacts_dir).parent / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl"
    log.unlink(missing_ok=True)
    return log


@pytest.fixture
def seeded_exam(db):
    call_command("seed", "--env", "test", verbosity=0)
    return Exam.objects.get(code=EXAM_CODE)


@pytest.fixture
def shoot(page: Page, page_problems, artifacts_dir, axe_log):
    """Save a full-page screenshot of whatever the page shows now, under a descriptive name, and
    check the page as it is: axe-core in light and dark, and nothing reported so far."""

    def _shoot(name: str) -> str:
        path = os.path.join(artifacts_dir, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        page_problems.assert_none(f"{name} ({page.url})")
        assert_accessible(page, name, log=axe_log)
        return path

    return _shoot
