"""axe-core on every main page, signed out, as a learner and as a moderator, in light and dark at
desktop and phone width (the journeys check the pages they pass through at desktop width).

Each test visits all its role's pages and fails once at the end with every serious or critical
violation found, so one run gives the whole picture; everything axe reports, whatever its impact,
is written to test-artifacts/axe/ for the totals.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from aigen.models import LLMCall
from exams.models import Question
from study.models import StudySession
from study.services import SessionRequest, answer_record, item_flag, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.journeys import blocking, describe_violations, page_violations, record_violations
from tests.factories import LLMCallFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOKS = [pytest.param(scheme, size, id=f"{scheme}-{name}")
         for scheme in ("light", "dark") for name, size in (("desktop", DESKTOP), ("phone", PHONE))]


def sign_in(page: Page, live_server, user) -> None:
    """The user's session cookie, as the sign-in form would set it (the form has its own test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def answer(item, *, correct: bool) -> None:
    answer_record(item=item, data=(correct_post_data if correct else wrong_post_data)(item), client_seconds=20)


def learner_pages(user, exam) -> dict[str, str]:
    """A practice half answered, an exam simulation under way and a finished one; their pages."""
    practice = session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=8))
    items = list(practice.items.order_by("position"))
    for item in items[:3]:
        answer(item, correct=item.position != 2)
    simulation = session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.EXAM))
    running = list(simulation.items.order_by("position"))
    answer(running[0], correct=True)
    item_flag(item=running[1], flagged=True)
    finished = session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.EXAM))
    for item in finished.items.order_by("position"):
        if item.position <= 6:
            answer(item, correct=item.position % 3 != 0)
        if item.position in (2, 7):
            item_flag(item=item, flagged=True)
    session_submit(session=finished)
    return {
        "dashboard": "/dashboard/",
        "exam page": f"/exams/{exam.code}/",
        "practice card unanswered": f"/sessions/{practice.pk}/q/4/",
        "practice card answered right": f"/sessions/{practice.pk}/q/1/",
        "practice card answered wrong": f"/sessions/{practice.pk}/q/2/",
        "simulation card with grid": f"/sessions/{simulation.pk}/q/1/",
        "submit review": f"/sessions/{simulation.pk}/finish/",
        "results": f"/sessions/{finished.pk}/results/",
        "review": f"/sessions/{finished.pk}/review/",
        "sessions": "/sessions/",
        "settings": "/account/settings/",
        "delete account": "/account/delete/",
        "export": "/account/export/",
        "plan and billing": "/account/billing/",
        "pricing": "/pricing/",
    }


def moderator_pages(exam) -> dict[str, str]:
    question = QuestionFactory(objective=exam.domains.first().objectives.first(), type=Question.Type.SINGLE,
                               source="ai", ai_model="test/model", review_status="pending")
    for days_ago, model in ((0, "test/model"), (3, "test/model"), (12, "other/model")):
        call = LLMCallFactory(model=model, cost_usd=Decimal("0.0125"))
        LLMCall.objects.filter(pk=call.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return {
        "admin home": "/admin/",
        "question preview": f"/admin/exams/question/{question.pk}/preview/",
        "review queue": "/admin/aigen/aiquestion/",
        "AI cost": "/admin/aigen/llmcall/costs/",
    }


def signed_out_pages(exam) -> dict[str, str]:
    return {
        "home": "/",
        "exams": "/exams/",
        "exam page": f"/exams/{exam.code}/",
        "pricing": "/pricing/",
        "sign in": "/accounts/login/",
        "sign up": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
        "status": "/status/",
    }


class Audit:
    def __init__(self, page: Page, live_server, artifacts_dir: str, axe_log, look: str):
        self.page, self.live_server, self.artifacts_dir, self.axe_log, self.look = (
            page, live_server, artifacts_dir, axe_log, look)
        self.failures: list[str] = []

    def check(self, name: str) -> None:
        """axe-core on the page as it is now (in the look's scheme only), and a screenshot."""
        where = f"a11y-{self.look}-{name.replace(' ', '-')}"
        self.page.screenshot(path=f"{self.artifacts_dir}/{where}.png", full_page=True)
        violations = page_violations(self.page, themes=())
        record_violations(self.axe_log, where, self.page.url, violations)
        if found := blocking(violations, self.page.url):
            self.failures.append(f"{name} ({self.page.url}):\n{describe_violations(found)}")

    def visit(self, pages: dict[str, str]) -> None:
        for name, path in pages.items():
            response = self.page.goto(f"{self.live_server.url}{path}")
            if response.ok:
                self.check(name)
            else:
                self.failures.append(f"{name}: {response.status} from {path}")

    def assert_clean(self) -> None:
        assert not self.failures, "serious or critical axe-core violations:\n" + "\n".join(self.failures)


@pytest.fixture
def audit(page: Page, live_server, artifacts_dir, axe_log, request):
    scheme, size = request.node.callspec.params["scheme"], request.node.callspec.params["size"]
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=scheme)
    return Audit(page, live_server, artifacts_dir, axe_log, request.node.callspec.id)


@pytest.mark.parametrize(("scheme", "size"), LOOKS)
def test_signed_out_pages(audit: Audit, page: Page, seeded_exam, scheme, size):
    audit.visit(signed_out_pages(seeded_exam))
    # The sign-in and sign-up forms returned with errors.
    page.goto(f"{audit.live_server.url}/accounts/login/")
    page.fill("input[name=login]", "nobody@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form.auth-form [type=submit]").click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    audit.check("sign in refused")
    page.goto(f"{audit.live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "someone@example.com")
    page.fill("input[name=password1]", "short")
    page.fill("input[name=password2]", "different")
    page.locator("form.auth-form [type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    audit.check("sign up refused")
    audit.assert_clean()


@pytest.mark.parametrize(("scheme", "size"), LOOKS)
def test_learner_pages(audit: Audit, page: Page, live_server, learner, pro, seeded_exam, scheme, size):
    pages = learner_pages(learner, seeded_exam)
    sign_in(page, live_server, learner)
    audit.visit(pages)
    # The account menu, open.
    page.goto(f"{live_server.url}/dashboard/")
    page.locator(".account-menu > summary").click()
    audit.check("account menu open")
    audit.assert_clean()


@pytest.mark.parametrize(("scheme", "size"), LOOKS)
def test_moderator_pages(audit: Audit, page: Page, live_server, moderator, seeded_exam, scheme, size):
    pages = moderator_pages(seeded_exam)
    sign_in(page, live_server, moderator)
    audit.visit(pages)
    audit.assert_clean()
