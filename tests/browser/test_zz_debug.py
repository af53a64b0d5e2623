import pytest
from playwright.sync_api import expect
from tests.browser import test_study_journeys as j
from tests.browser.test_study_journeys import seeded_exam, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_dbg(page, live_server, learner, password, seeded_exam, shoot):
    j.log_in(page, live_server, shoot, email=learner.email, password=password, prefix="dbg")
    session = j.start_simulation(page, live_server, shoot, "dbg")
    reqs = []
    page.on("request", lambda r: reqs.append((r.method, r.url, r.headers.get("hx-request"), r.resource_type)))
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    j.mark_document(page)
    j.answer_current_question(page, session, correct=True)
    expect(page.locator("#session-main [role=status].badge")).to_have_text("Answer saved")
    print("A", page.evaluate("window.__journeyDocument"), page.evaluate("document.activeElement.outerHTML")[:100])
    for r in reqs: print(r)
    reqs.clear()
    page.keyboard.press("f")
    page.wait_for_timeout(1500)
    print("B", page.evaluate("window.__journeyDocument"), page.evaluate("document.activeElement.outerHTML")[:100])
    for r in reqs: print(r)
