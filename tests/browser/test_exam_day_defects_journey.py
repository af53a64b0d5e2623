"""Issue 29's defects that no other journey walks through, in a real Chromium (each screenshot also
runs axe-core and fails on any console error or CSP violation):

- 2: a start larger than the bank says how many questions it holds;
- 4: M marks a six-choice question and F then picks its choice F;
- 7: a simulation's score reads the same on its results, the exam page, the dashboard and My sessions;
- 9: on a phone, My sessions shows the score column (or says the table scrolls) with its buttons'
  words whole, and a used simulation's button reads as one line in contrast, light and dark;
- 10: the account pages in sentence case with their errors shown as alerts, the footer's Status a
  page (with /health/ still JSON), and "Here is how ready you are" only for learners who can see
  their readiness.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from exams.models import Question
from study.models import SessionItem, StudySession
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.journeys import QUESTION_URL, current_session, expect_question, log_in, wait_for_settle
from tests.browser.test_exam_day_layout import luminance
from tests.browser.test_exam_day_start_and_results import grow_bank
from tests.factories import QuestionFactory, pro_subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words that keep their capital inside a sentence.
PROPER = {"I", "PingToPass", "Google", "Pro", "Free"}


def in_each_look(page: Page, shoot, name: str) -> None:
    """Screenshots at desktop and phone width, light and dark."""
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for theme in ("light", "dark"):
            page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
            shoot(f"exam-day-{name}-{size_name}-{theme}")
    page.evaluate("() => document.documentElement.removeAttribute('data-theme')")
    page.set_viewport_size(DESKTOP)


def title_cased(texts: list[str]) -> list[str]:
    """The texts with a capital after their first word that is not a proper noun."""
    return [text for text in texts
            if any(word[:1].isupper() and word.strip(".:?!") not in PROPER for word in text.split()[1:])]


def answer(item: SessionItem, *, correct: bool) -> None:
    answer_record(item=item, data=(correct_post_data if correct else wrong_post_data)(item), client_seconds=20)


# --- defect 10 --------------------------------------------------------------------------------
def test_the_account_pages_speak_in_sentence_case_and_show_errors_as_alerts(page: Page, live_server, shoot):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page.goto(f"{live_server.url}{path}")
        texts = [page.title().split(" · ")[0]] + [
            t.strip() for t in page.locator("main").locator("h1, h2, label, button, a.btn").all_inner_texts()]
        assert len(texts) >= 3 and not title_cased(texts), f"{path}: {title_cased(texts)}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Password reset")

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("Remember me")).to_be_visible()
    page.fill("input[name=login]", "nobody@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form.auth-form [type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("not correct")
    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        # Drawn as the site's error alert: its tinted box and text, not plain text on the card.
        shown = summary.evaluate("""e => { const s = getComputedStyle(e), card = getComputedStyle(e.closest('.card'));
            const probe = document.createElement('div'); probe.className = 'alert alert-error'; document.body.append(probe);
            const alert = getComputedStyle(probe), want = [alert.backgroundColor, alert.color]; probe.remove();
            return {box: [s.backgroundColor, s.color], alert: want, card: card.backgroundColor, padding: s.paddingTop}; }""")
        assert shown["box"] == shown["alert"] and shown["box"][0] != shown["card"], (theme, shown)
        assert shown["padding"] != "0px", (theme, shown)
    in_each_look(page, shoot, "sign-in-refused")


def test_the_footers_status_is_a_page_and_health_stays_json(page: Page, live_server, shoot):
    page.goto(f"{live_server.url}/")
    with page.expect_response(re.compile(r"/status/$")) as status:
        page.locator("footer").get_by_role("link", name="Status").click()
    assert status.value.header_value("content-type").startswith("text/html")
    expect(page).to_have_url(f"{live_server.url}/status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Status")
    expect(page.locator(".status-card [role=status]")).to_be_visible()
    expect(page.locator(".status-card tbody th[scope=row]", has_text="Database")).to_be_visible()
    in_each_look(page, shoot, "status-page")

    health = page.request.get(f"{live_server.url}/health/")
    assert health.headers["content-type"].startswith("application/json")
    assert health.json()["status"] in ("ok", "degraded")
    assert health.json()["checks"]["database"]["ok"] is True


def test_only_a_learner_who_can_see_readiness_is_told_how_ready_they_are(
        page: Page, live_server, learner, password, seeded_exam, shoot):
    practice = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode="practice", count=6))
    for item in practice.items.all():
        answer(item, correct=item.position % 3 != 0)
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="exam-day-readiness-locked")
    page.goto(f"{live_server.url}/dashboard/")
    head = page.locator(".page-head")
    expect(head).to_contain_text("Here is how your studying is going.")
    expect(head).not_to_contain_text("ready")
    expect(page.locator(".readiness")).to_contain_text("See your chance of passing")  # the offer of Pro
    in_each_look(page, shoot, "dashboard-readiness-locked")

    pro_subscription(learner)
    page.reload()
    expect(head).to_contain_text("Here is how ready you are.")


# --- defect 2 ---------------------------------------------------------------------------------
def test_a_start_larger_than_the_bank_says_how_many_it_holds(
        page: Page, live_server, learner, pro, password, seeded_exam, shoot):
    grow_bank(seeded_exam, 42)
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="exam-day-bank-short")
    page.goto(f"{live_server.url}/exams/{seeded_exam.code}/")
    page.locator("#start-count .chip", has_text="Custom").click()
    page.fill("input[name=custom_count]", "200")
    page.get_by_role("button", name="Start practice").click()
    page.wait_for_url(QUESTION_URL)
    assert current_session(page).question_total == 42
    expect(page.locator(".messages li").first).to_have_text(
        "Only 42 questions match your choices, so this session has 42, not 200.")
    in_each_look(page, shoot, "bank-short-notice")


# --- defect 4 ---------------------------------------------------------------------------------
def test_m_marks_a_six_choice_question_and_f_picks_choice_f(page: Page, live_server, learner, password, seeded_exam, shoot):
    objective = seeded_exam.domains.first().objectives.first()
    question = QuestionFactory(objective=objective, type=Question.Type.SINGLE, stem="Which of six is right?",
                               choices=[(f"Option {n}", n == 5, "") for n in range(6)])
    session = StudySession.objects.create(user=learner, exam=seeded_exam, mode=StudySession.Mode.PRACTICE,
                                          question_total=1)
    SessionItem.objects.create(session=session, position=1, question=question,
                               choice_order=list(question.choices.order_by("id").values_list("id", flat=True)))
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="exam-day-six-choices")
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    expect_question(page, 1)
    expect(page.locator(".shortcuts")).to_contain_text("A–H")
    expect(page.locator(".shortcuts")).to_contain_text("Mark (flag) for review")

    page.locator("#question-title").focus()
    page.keyboard.press("m")
    expect(page.locator("#session-main .badge-warn")).to_have_text("⚑ Flagged")
    wait_for_settle(page)
    assert SessionItem.objects.get(session=session).flagged
    page.locator("#question-title").focus()
    page.keyboard.press("f")
    choices = page.locator('#answer-form input[name="choice"]')
    expect(choices).to_have_count(6)
    expect(choices.nth(5)).to_be_checked()  # F is a choice letter again, not the flag
    expect(page.locator("#session-main [data-flag]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#session-main .feedback")).to_contain_text("Correct")
    item = SessionItem.objects.get(session=session)
    assert item.flagged and item.is_correct
    shoot("exam-day-six-choices-f-picked-m-marked")


# --- defect 7 ---------------------------------------------------------------------------------
def test_a_simulations_score_reads_the_same_on_every_page(
        page: Page, live_server, learner, password, seeded_exam, shoot):
    simulation = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode="exam"))
    for item in simulation.items.all():
        answer(item, correct=item.position <= 3)
    session_submit(session=simulation)
    simulation.refresh_from_db()
    score = f"{simulation.scaled_score} · {'Pass' if simulation.passed else 'Fail'}"
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="exam-day-one-score")

    page.goto(f"{live_server.url}/sessions/{simulation.pk}/results/")
    expect(page.locator(".stat:has(.eyebrow:text-is('Score')) .stat-value")).to_have_text(str(simulation.scaled_score))
    expect(page.locator(".stat:has(.eyebrow:text-is('Result')) .stat-value")).to_have_text(
        "Pass" if simulation.passed else "Fail")
    shown = {
        "exam page": (f"/exams/{seeded_exam.code}/", ".history-list li"),
        "dashboard": ("/dashboard/", ".history-list li"),
        "my sessions": ("/sessions/", "tbody tr"),
    }
    for name, (path, row) in shown.items():
        page.goto(f"{live_server.url}{path}")
        line = page.locator(row, has_text="Exam simulation").first
        expect(line).to_contain_text(score)
        expect(line).not_to_contain_text("%")
        shoot(f"exam-day-one-score-{name.replace(' ', '-')}")


# --- defect 9 ---------------------------------------------------------------------------------
def test_a_phone_shows_the_sessions_scores_and_a_used_simulation_plainly(
        page: Page, live_server, learner, password, seeded_exam, shoot):
    simulation = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode="exam"))
    for item in simulation.items.all():
        answer(item, correct=item.position % 2 == 1)
    session_submit(session=simulation)  # the free plan's one simulation of this exam
    simulation.refresh_from_db()
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="exam-day-phone")
    page.set_viewport_size(PHONE)
    for theme in ("light", "dark"):
        page.emulate_media(color_scheme=theme)
        page.goto(f"{live_server.url}/sessions/")
        finished = page.locator("section.card", has=page.get_by_role("heading", name="Finished"))
        score = finished.locator("tbody td.num").first
        expect(score).to_contain_text(str(simulation.scaled_score))
        wrap = finished.locator(".table-wrap").evaluate(
            "w => ({scrolls: w.scrollWidth > w.clientWidth, right: w.getBoundingClientRect().right,"
            " cue: getComputedStyle(w).backgroundImage})")
        cell = score.bounding_box()
        assert wrap["scrolls"] and "radial-gradient" in wrap["cue"] or cell["x"] + cell["width"] <= wrap["right"], (
            f"{theme}: the score column is cut off with no cue that the table scrolls: {wrap}, {cell}")
        lines = finished.locator("tbody .btn").evaluate_all("""bs => bs.map(b => { const range = document.createRange();
            range.selectNodeContents(b); return [b.textContent.trim(), range.getClientRects().length]; })""")
        assert lines and all(n == 1 for _, n in lines), f"{theme}: a button's label breaks: {lines}"
        shoot(f"exam-day-phone-sessions-{theme}")

        page.goto(f"{live_server.url}/exams/{seeded_exam.code}/")
        button = page.get_by_role("button", name=re.compile("^Start exam simulation"))
        expect(button).to_be_disabled()
        expect(page.locator("[data-simulation-used]")).to_be_visible()
        shown = button.evaluate("""b => { const range = document.createRange(), s = getComputedStyle(b);
            range.selectNodeContents(b.querySelector('span').firstChild);
            return {label: range.getClientRects().length, colour: s.color, background: s.backgroundColor}; }""")
        assert shown["label"] == 1, f"{theme}: 'Start exam simulation' wraps into {shown['label']} lines"
        lighter, darker = sorted((luminance(shown["colour"]), luminance(shown["background"])), reverse=True)
        contrast = (lighter + 0.05) / (darker + 0.05)
        assert contrast >= 4.5, f"{theme}: the used simulation's button reads at {contrast:.1f}:1 ({shown})"
        shoot(f"exam-day-phone-simulation-used-{theme}")
