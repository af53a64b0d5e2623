"""The review's jump list in a real Chromium (issue 29, defect 9): on a phone (390 px) it is a few
lines at the top of a long page, each question a tap target saying its state, and a tap lands on the
question; at desktop too, light and dark (each screenshot also runs axe-core and fails on any
console error or CSP violation)."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from study.models import SessionItem, StudySession
from study.services import SessionRequest, answer_record, item_flag, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import sign_in
from tests.browser.test_exam_day_start_and_results import grow_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOTAL = 30


def reviewed_practice(user, exam) -> StudySession:
    """A finished practice of 30: odd positions right, even wrong, the last five not answered,
    question 4 partly right (as a performance-based question's answer can be), 2 and 7 flagged."""
    session = session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=TOTAL))
    items = list(session.items.order_by("position"))
    for item in items[:TOTAL - 5]:
        answer_record(item=item, data=(correct_post_data if item.position % 2 else wrong_post_data)(item),
                      client_seconds=15)
    for item in (items[1], items[6]):
        item.session = session
        item_flag(item=item, flagged=True)
    SessionItem.objects.filter(session=session, position=4).update(score=0.5, answered_at=timezone.now())
    session_submit(session=session)
    return session


def test_the_review_opens_with_a_jump_list_that_fits_a_phone(page: Page, live_server, learner, pro, seeded_exam, shoot):
    """(On Pro: the free plan stops practice at 20 a day.)"""
    grow_bank(seeded_exam, TOTAL)
    session = reviewed_practice(learner, seeded_exam)
    sign_in(page, live_server, learner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/sessions/{session.pk}/review/")

    jump = page.get_by_role("navigation", name="Questions", exact=True)
    links = jump.get_by_role("link")
    expect(links).to_have_count(TOTAL)
    expect(jump.get_by_role("link", name="Question 1: right", exact=True)).to_have_text("1 ✓")
    expect(jump.get_by_role("link", name="Question 2: wrong, flagged", exact=True)).to_have_text("2 ✗ ⚑")
    expect(jump.get_by_role("link", name="Question 4: partly right", exact=True)).to_have_text("4 ◐")
    expect(jump.get_by_role("link", name="Question 7: right, flagged", exact=True)).to_have_text("7 ✓ ⚑")
    expect(jump.get_by_role("link", name=f"Question {TOTAL}: not answered", exact=True)).to_have_text(f"{TOTAL} ○")

    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        shoot(f"review-jump-list-phone-{theme}")

    # Compact: thirty questions in a few rows above the fold, no sideways scrolling, and every
    # link a target a thumb can hit (WCAG 2.5.8: at least 24 px).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    nav = jump.bounding_box()
    assert nav["y"] + nav["height"] < PHONE["height"], f"the jump list ends at {nav['y'] + nav['height']:.0f} px"
    boxes = [links.nth(i).bounding_box() for i in range(TOTAL)]
    rows = len({round(b["y"]) for b in boxes})
    assert rows <= 6, f"{TOTAL} questions take {rows} rows at 390 px"
    assert min(b["height"] for b in boxes) >= 24 and min(b["width"] for b in boxes) >= 24
    assert max(b["x"] + b["width"] for b in boxes) <= nav["x"] + nav["width"]

    # A tap lands on the question, its heading in view.
    jump.get_by_role("link", name="Question 23: right", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sessions/{session.pk}/review/#q23")
    heading = page.locator("#q23 h2").first
    expect(heading).to_have_text("Question 23")
    expect(heading).to_be_in_viewport()
    shoot("review-jump-list-phone-landed")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/sessions/{session.pk}/review/?show=flagged")
    expect(links).to_have_count(2)
    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        shoot(f"review-jump-list-desktop-flagged-{theme}")
