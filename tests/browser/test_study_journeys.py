"""Browser journeys through practice and exam simulation, driven with a real Chromium.

Each test seeds the PTP-100 test exam, signs in through the real login form and walks a learner
journey end to end, saving a full-page screenshot of every page it visits into `artifacts_dir`.
The correct answers are read from the database (the page never says which choice is right); the
answers themselves are given through the page like a learner would.
"""

import html
import re

import pytest
from playwright.sync_api import Page, expect

from exams.models import Exam, Objective, Question
from study.models import SessionItem, StudySession
from tests.browser.journeys import (
    EXAM_CODE,
    QUESTION_URL,
    Plan,
    answer_current_question,
    assert_answer_shown,
    assert_grid,
    assert_same_document,
    current_position,
    current_session,
    enter_answer_with_keyboard,
    expect_question,
    expect_saved,
    get_item,
    grid_cell,
    log_in,
    mark_document,
    open_exam,
    plan_answer,
    select_values,
    start_simulation,
    tab_to,
    wait_for_settle,
)
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_practice_ten_questions_with_keyboard_only(page: Page, live_server, learner, password, seeded_exam, shoot):
    objective = Objective.objects.get(domain__exam=seeded_exam, number="2.1")
    QuestionFactory(objective=objective, type=Question.Type.SINGLE)
    QuestionFactory(objective=objective, type=Question.Type.MULTIPLE, choose_count=2)
    assert Question.objects.servable().filter(exam=seeded_exam).count() == 10

    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="practice")
    open_exam(page, live_server, shoot, "practice")
    practice = page.locator("#practice")
    practice.locator('input[name="mode"][value="practice"]').check()
    practice.locator('input[name="count"][value="10"]').check()
    practice.get_by_role("button", name="Start practice").click()
    page.wait_for_url(QUESTION_URL)
    session = current_session(page)
    assert session.mode == StudySession.Mode.PRACTICE and session.question_total == 10
    mark_document(page)
    # The answered card carries the next question: N shows it without asking the server again.
    cards_fetched = []
    page.on("request", lambda r: cards_fetched.append(r.url) if re.search(r"/q/\d+/$", r.url) else None)

    wrong_positions = {2, 7}
    plans: list[Plan] = []
    for position in range(1, 11):
        title = page.locator("#question-title")
        expect(title).to_have_text(re.compile(rf"^Question {position}\s+of 10$"))
        assert current_position(page) == position
        shoot(f"practice-q{position}-question")

        plan = answer_current_question(page, session, correct=position not in wrong_positions)
        plans.append(plan)
        feedback = page.locator("#session-main .feedback")
        expect(feedback).to_have_text(re.compile("Correct!" if plan.correct else "Not quite."))
        wait_for_settle(page)
        expect(page.locator("#answer-form")).to_have_count(0)  # answered: the form is locked
        assert_same_document(page, f"answering question {position}")
        shoot(f"practice-q{position}-feedback")

        page.keyboard.press("n")
        if position < 10:
            expect_question(page, position + 1)
            assert_same_document(page, f"pressing N on question {position}")
            assert page.url.endswith(f"/sessions/{session.pk}/q/{position + 1}/")
            expect(page.locator("#question-title")).to_be_focused()
        if position == 3:  # back and forward past a carried card load the server's pages
            page.go_back()
            expect_question(page, 3)
            expect(page.locator("#session-main .feedback")).to_have_text(re.compile("Correct!"))
            page.go_forward()
            expect_question(page, 4)
            expect(page.locator("#answer-form")).to_have_count(1)
            mark_document(page)
            cards_fetched.clear()

    assert cards_fetched == [], cards_fetched
    # N on the last question leads to the Finish page.
    page.wait_for_url(f"**/sessions/{session.pk}/finish/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before submitting")
    expect(page.locator(".card").first).to_contain_text("10 questions · 0 not answered · 0 flagged")
    shoot("practice-finish")
    tab_to(page, "#submit-session")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/sessions/{session.pk}/results/")
    shoot("practice-results")
    correct = sum(p.correct for p in plans)
    assert correct == 8
    score = page.locator(".stat", has=page.locator(".eyebrow", has_text="Score"))
    expect(score.locator(".stat-value")).to_have_text(f"{round(100 * correct / 10)}%")
    correct_stat = page.locator(".stat", has=page.locator(".eyebrow", has_text="Correct"))
    expect(correct_stat.locator(".stat-value")).to_have_text(f"{correct} / 10")

    table = page.locator("table.breakdown")
    expect(table.locator("thead")).to_contain_text("Domain / objective")
    domain_rows = table.locator("tr.domain-row")
    expect(domain_rows).to_have_count(2)
    for number, name in (("1.0", "Networking Basics"), ("2.0", "Security Basics")):
        ours = [p for p in plans if p.domain == number]
        row = domain_rows.filter(has_text=f"{number} {name}")
        expect(row).to_have_count(1)
        counts = row.locator("td.num").inner_text().strip()  # "3 / 5", maybe with a share below it
        assert re.match(rf"{sum(p.correct for p in ours)} / {len(ours)}\b", counts), f"{number}: {counts!r}"
    expect(table.locator("tr.objective-row")).to_have_count(3)


# --- journey 2: exam simulation with flags and the review screen -------------------------------
def test_exam_simulation_flags_grid_review_and_submit(page: Page, live_server, learner, password, seeded_exam, shoot):
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="simulation")
    session = start_simulation(page, live_server, shoot, "simulation")
    assert session.mode == StudySession.Mode.EXAM and session.question_total == 8
    mark_document(page)
    expect(page.locator("[data-timer]")).to_be_visible()
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered=set(), flagged=set())
    shoot("simulation-q1-question")

    plans = {}
    # Question 1: answer with the keyboard, then mark (flag) it with M.
    plans[1] = answer_current_question(page, session, correct=True)
    expect_saved(page)
    expect(page.locator("#session-main .feedback")).to_have_count(0)  # no feedback in a simulation
    assert_same_document(page, "answering question 1")
    page.keyboard.press("m")
    expect(page.locator("#session-main .badge-warn")).to_have_text("⚑ Flagged")
    wait_for_settle(page)
    expect(page.locator("#session-main [data-flag]")).to_have_attribute("aria-pressed", "true")
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1}, flagged={1})
    assert_same_document(page, "answering and flagging question 1")
    shoot("simulation-q1-answered-flagged")

    # Question 2: leave it unanswered, flag it with the button.
    page.keyboard.press("n")
    expect_question(page, 2)
    page.get_by_role("button", name="⚐ Flag for review").click()
    expect(page.locator("#session-main [data-flag]")).to_have_text("⚑ Unflag")
    wait_for_settle(page)
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1}, flagged={1, 2})
    shoot("simulation-q2-flagged")

    # Jump with the grid to 5, answer it wrong; then back to 3 and answer it right.
    grid_cell(page, 5).click()
    expect_question(page, 5)
    expect(grid_cell(page, 5)).to_have_attribute("aria-current", "step")
    assert page.url.endswith(f"/sessions/{session.pk}/q/5/")
    plans[5] = answer_current_question(page, session, correct=False)
    expect_saved(page)
    shoot("simulation-q5-answered")
    grid_cell(page, 3).click()
    expect_question(page, 3)
    plans[3] = answer_current_question(page, session, correct=True)
    expect_saved(page)
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1, 3, 5}, flagged={1, 2})
    assert_same_document(page, "navigating with the grid")
    shoot("simulation-q3-answered")

    page.get_by_role("link", name="Review & submit", exact=True).click()
    page.wait_for_url(f"**/sessions/{session.pk}/finish/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review before submitting")
    expect(page.locator("main .card").first).to_contain_text("8 questions · 5 not answered · 2 flagged")
    expect(page.locator(".alert-warning")).to_contain_text("Unanswered questions count as wrong.")
    assert_grid(page, "ol.grid-buttons.large a.grid-cell", total=8, answered={1, 3, 5}, flagged={1, 2})
    shoot("simulation-review-before-submit")

    page.locator("#submit-session").click()  # open questions: nothing happens until the learner confirms
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/finish/$"))
    expect(page.locator(".confirm-submit")).to_contain_text("5 questions not answered and 2 flagged for review")
    page.locator('input[name="confirm"]').check()
    page.locator("#submit-session").click()
    page.wait_for_url(f"**/sessions/{session.pk}/results/")
    shoot("simulation-results")
    session.refresh_from_db()
    correct = sum(p.correct for p in plans.values())
    expected_scaled = round(100 + 800 * correct / 8)
    assert session.correct_count == correct and session.scaled_score == expected_scaled
    score = page.locator(".stat", has=page.locator(".eyebrow", has_text="Score"))
    expect(score.locator(".stat-value")).to_have_text(str(expected_scaled))
    expect(score).to_contain_text("on 100–900; passing 700")
    result = page.locator(".stat", has=page.locator(".eyebrow", has_text="Result"))
    expect(result.locator(".stat-value")).to_have_text("Pass" if expected_scaled >= 700 else "Fail")
    expect(page.locator("table.breakdown tr.domain-row")).to_have_count(2)

    page.get_by_role("link", name="Review all").click()
    page.wait_for_url(f"**/sessions/{session.pk}/review/")
    expect(page.locator("article.review-item")).to_have_count(8)
    expect(page.locator("article.review-item .badge-warn")).to_have_count(2)
    shoot("simulation-after-submit-review")


# --- journey 3: reload mid-exam and resume ----------------------------------------------------
def test_exam_simulation_survives_reload_and_resume(page: Page, live_server, learner, password, seeded_exam, shoot):
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="resume")
    session = start_simulation(page, live_server, shoot, "resume")

    plans = {}
    for position in (1, 2, 3):
        expect_question(page, position)
        plans[position] = answer_current_question(page, session, correct=position != 2)
        expect_saved(page)
        if position < 3:
            page.keyboard.press("n")
    assert page.url.endswith(f"/sessions/{session.pk}/q/3/")
    shoot("resume-q3-before-reload")

    page.reload()
    expect_question(page, 3)
    assert page.url.endswith(f"/sessions/{session.pk}/q/3/")
    assert_answer_shown(page, plans[3])
    expect(page.locator("#answer-form button.btn-primary[type=submit]")).to_have_text("Update answer")
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1, 2, 3}, flagged=set())
    shoot("resume-q3-after-reload")

    page.goto(f"{live_server.url}/sessions/")
    row = page.locator("tr", has_text=EXAM_CODE)
    expect(row).to_contain_text("Exam simulation")
    expect(row.locator("td.num")).to_have_text("3 / 8")
    shoot("resume-session-list")
    row.get_by_role("link", name=re.compile(r"^Resume")).click()
    page.wait_for_url(QUESTION_URL)
    assert page.url.endswith(f"/sessions/{session.pk}/q/3/")
    expect_question(page, 3)
    assert_answer_shown(page, plans[3])
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1, 2, 3}, flagged=set())
    shoot("resume-q3-after-resume")

    for position in (1, 2):
        grid_cell(page, position).click()
        expect_question(page, position)
        assert_answer_shown(page, plans[position])
        shoot(f"resume-q{position}-earlier-answer")

    # Pick an answer on question 4 without saving it, and move on with Next: it is saved on the way.
    grid_cell(page, 4).click()
    expect_question(page, 4)
    plans[4] = plan_answer(get_item(session, 4), correct=True)
    enter_answer_with_keyboard(page, plans[4], submit=False)
    page.locator('#session-main [data-nav="next"]').click()
    expect_question(page, 5)
    assert_grid(page, ".question-grid .grid-buttons .grid-cell", total=8, answered={1, 2, 3, 4}, flagged=set())
    page.reload()
    grid_cell(page, 4).click()
    expect_question(page, 4)
    assert_answer_shown(page, plans[4])
    shoot("resume-q4-saved-by-next")


# --- journey 4: nothing on an unanswered simulation page gives the answer away -----------------
def forbidden_texts(exam: Exam) -> list[str]:
    texts = ["Correct", "Incorrect", "is-correct", "is-wrong", "choice-explanation", "feedback-ok", "feedback-bad"]
    for question in Question.objects.filter(exam=exam).prefetch_related("choices"):
        texts.append(question.explanation)
        texts += [c.explanation for c in question.choices.all() if c.explanation]
    return texts


def assert_no_leak(page: Page, texts: list[str], where: str) -> None:
    content = page.content()
    visible = page.inner_text("body")
    leaks = [t for t in texts if t in content or html.escape(t, quote=False) in content or t in visible]
    assert not leaks, f"{where} gives the answer away: {leaks}"


def test_unanswered_simulation_question_does_not_leak_answers(
    page: Page, live_server, learner, password, seeded_exam, shoot
):
    texts = forbidden_texts(seeded_exam)
    assert len(texts) > 20  # the check is only as good as the list
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="leak")
    session = start_simulation(page, live_server, shoot, "leak")

    # Every question, first from a full page load, then the rest through HTMX swaps.
    for position in range(1, session.question_total + 1):
        expect_question(page, position)
        expect(page.locator("#answer-form")).to_be_visible()
        assert_no_leak(page, texts, f"unanswered question {position}")
        shoot(f"leak-q{position}-unanswered")
        if position < session.question_total:
            page.keyboard.press("n")

    # A full load of a question after others were seen: still nothing.
    page.goto(f"{live_server.url}/sessions/{session.pk}/q/1/")
    assert_no_leak(page, texts, "unanswered question 1 (full load)")

    # Saving an answer in a simulation must not reveal anything before the exam is submitted.
    answer_current_question(page, session, correct=True)
    expect_saved(page)
    assert_no_leak(page, texts, "answered (not yet submitted) question 1")
    shoot("leak-q1-answered-not-submitted")


# --- found while writing journey 3: revising a saved ordering answer ---------------------------
def test_revising_a_saved_ordering_answer_keeps_the_other_steps(
    page: Page, live_server, learner, password, seeded_exam, shoot
):
    """APP BUG (fails on purpose): a saved ordering answer is re-rendered in the shuffled display
    order, each step carrying its saved position, while study.js assumes the list is in position
    order. Changing one step's position (what "You can change answers until you submit" invites)
    then renumbers every step by its place in the shuffled list, silently moving the others."""
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="ordering")
    session = start_simulation(page, live_server, shoot, "ordering")
    item = SessionItem.objects.get(session=session, question__type=Question.Type.ORDERING)
    if item.position != 1:
        grid_cell(page, item.position).click()
    expect_question(page, item.position)
    n = len(item.choice_order)

    # Answer with the steps in the reverse of the order they are shown in, so the saved order
    # (step k at display index n-k) differs from the display order.
    plan = Plan("ordering", correct=False, domain="", targets={i: n - i for i in range(n)})
    enter_answer_with_keyboard(page, plan)
    expect_saved(page)
    assert SessionItem.objects.get(pk=item.pk).response == list(reversed(item.choice_order))
    shoot("ordering-saved-reversed")
    shown = [int(v) for _, v in sorted(select_values(page, "pos-").items())]  # top to bottom
    step = {k: n - k for k in range(1, n + 1)}  # position -> display index (select name pos-<i>)

    # Now swap the first two steps of that saved order: move step 1 to position 2 with the keyboard.
    tab_to(page, f'#answer-form select[name="pos-{step[1]}"]')
    page.keyboard.type("2")
    after = select_values(page, "pos-")
    shoot("ordering-after-moving-step-1-to-2")
    tab_to(page, '#answer-form button.btn-primary[type="submit"]')
    with page.expect_response(lambda r: r.url.endswith(f"/q/{item.position}/answer/")):
        page.keyboard.press("Enter")  # "Update answer": the "Answer saved" badge is already there
    expect_saved(page)
    saved = SessionItem.objects.get(pk=item.pk).response

    text = {c.pk: c.text for c in item.question.choices.all()}
    before = [text[pk] for pk in reversed(item.choice_order)]
    wanted = [before[1], before[0], *before[2:]]
    got = [text[pk] for pk in saved]
    on_screen = {text[item.choice_order[i]]: int(v) for i, v in after.items()}
    assert got == wanted, (
        f"Saved order was {before}. Moving {before[0]!r} from position 1 to 2 should give {wanted}, "
        f"but the selects became {on_screen} and the answer saved is {got}. The saved answer was "
        f"re-rendered in shuffled display order (positions top to bottom: {shown}) instead of the "
        "learner's order, and study.js renumbers every step by its place in the list."
    )


def test_an_ordering_shown_in_the_right_order_is_saved_when_confirmed_and_moved_on(
    page: Page, live_server, learner, password, seeded_exam, shoot
):
    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="ordered")
    session = start_simulation(page, live_server, shoot, "ordered")
    item = next(i for i in session.items.select_related("question") if i.question.type == Question.Type.ORDERING)
    # The shuffle happened to show the steps in the right order already.
    right = [c.pk for c in sorted(item.question.choices.all(), key=lambda c: (c.position, c.pk))]
    SessionItem.objects.filter(pk=item.pk).update(choice_order=right)
    grid_cell(page, item.position).click()
    expect_question(page, item.position)
    plan = plan_answer(get_item(session, item.position), correct=True)
    assert sorted(plan.targets.values()) == list(plan.targets.values())  # every step already in place
    enter_answer_with_keyboard(page, plan, submit=False)  # the learner types each position as shown
    page.locator('#session-main [data-nav="next"]' if item.position < 8 else '#session-main [data-nav="prev"]').click()
    expect_question(page, item.position + 1 if item.position < 8 else item.position - 1)
    saved = SessionItem.objects.get(pk=item.pk)
    assert saved.response == right and saved.is_correct is True
