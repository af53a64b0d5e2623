"""Issue 29's layout items, measured in Chromium at desktop and phone width, light and dark (each
screenshot also runs axe-core and fails on any console error or CSP violation): "Study again"
keeps its distance from the card above, as the Quick practice buttons from their note and "Report
a problem" from the explanation; an explanation's rule spans its card; the dashboard's trend chart
fills its card, with each legend swatch beside its label and axis text a phone can read; the
moderator's preview keeps its badges dark in dark mode; and the admin sidebar's dividing lines run
to the end of a long page."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from exams.models import Question
from study.dashboard import TREND_WEEKS
from study.models import StudySession, WeeklyStat
from study.progress import week_start
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import sign_in
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOKS = [(size_name, size, theme) for size_name, size in (("desktop", DESKTOP), ("phone", PHONE))
         for theme in ("light", "dark")]


def each_look(page: Page):
    """Shows the page at desktop and phone width, light and dark; yields each look's name."""
    for size_name, size, theme in LOOKS:
        page.set_viewport_size(size)
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        yield f"{size_name}-{theme}"
    page.evaluate("() => document.documentElement.removeAttribute('data-theme')")
    page.set_viewport_size(DESKTOP)


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of an rgb()/rgba() colour as getComputedStyle writes it."""
    red, green, blue = (float(v) for v in css_colour[css_colour.index("(") + 1:-1].split(",")[:3])

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def test_study_again_keeps_its_distance_from_the_card_above(page: Page, live_server, learner, seeded_exam, shoot):
    practice = finished_practice(learner, seeded_exam)
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/sessions/{practice.pk}/results/")
    again = page.get_by_role("link", name=f"Study {seeded_exam.code} again")
    for look in each_look(page):
        above = again.evaluate("a => a.closest('p').previousElementSibling.getBoundingClientRect().bottom")
        gap = again.bounding_box()["y"] - above - page.evaluate("() => -window.scrollY")
        assert gap >= 12, f"{look}: 'Study again' sits {gap:.1f} px under the card above"
        shoot(f"layout-results-study-again-{look}")


def test_the_quick_practice_buttons_keep_off_their_note(page: Page, live_server, learner, seeded_exam, shoot):
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/exams/{seeded_exam.code}/")
    for look in each_look(page):
        gap = page.locator("#quick > .row").evaluate(
            "r => r.nextElementSibling.getBoundingClientRect().top - r.getBoundingClientRect().bottom")
        assert gap >= 8, f"{look}: the note sits {gap:.1f} px under the Quick practice buttons"
        shoot(f"layout-exam-page-quick-{look}")


def finished_practice(user, exam) -> StudySession:
    practice = session_start(user=user, exam=exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=6))
    for item in practice.items.all():
        answer_record(item=item, data=(correct_post_data if item.position % 2 else wrong_post_data)(item),
                      client_seconds=15)
    session_submit(session=practice)
    return practice


def test_the_explanations_rule_spans_its_card_and_report_keeps_off_it(page: Page, live_server, learner, seeded_exam, shoot):
    practice = finished_practice(learner, seeded_exam)
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/sessions/{practice.pk}/review/")
    for look in each_look(page):
        card, rule = page.locator(".review-item").first.evaluate(
            "c => { const s = getComputedStyle(c);"
            " return [c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),"
            " c.querySelector('.explanation').getBoundingClientRect().width]; }")
        assert rule >= card - 1, f"{look}: the explanation's rule is {rule:.0f} px of its card's {card:.0f} px"
        gap = page.locator(".review-item").first.evaluate(
            "c => c.querySelector(':scope > .popover').getBoundingClientRect().top"
            " - c.querySelector('.explanation').getBoundingClientRect().bottom")
        assert gap >= 8, f"{look}: 'Report a problem' sits {gap:.1f} px under the explanation"
        shoot(f"layout-review-explanation-{look}")


def test_the_trend_chart_fills_its_card_with_each_swatch_beside_its_label(
        page: Page, live_server, learner, pro, seeded_exam, shoot):
    this_week = week_start(timezone.localdate())
    for n in range(TREND_WEEKS):
        WeeklyStat.objects.create(user=learner, exam=seeded_exam, week_start=this_week - timedelta(weeks=n),
                                  answered=10, correct=3 + n % 6, readiness=0.2 + n / 30)
    practice = session_start(user=learner, exam=seeded_exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE,
                                                                                      count=3))
    for item in practice.items.all():
        answer_record(item=item, data=correct_post_data(item), client_seconds=15)
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(".chart-legend .legend-item")).to_have_count(2)  # accuracy and readiness
    for look in each_look(page):
        card = page.locator(".exam-board").first.evaluate(
            "c => { const s = getComputedStyle(c), r = c.getBoundingClientRect();"
            " return r.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }")
        chart = box(page, ".trend-chart")["width"]
        assert chart >= 0.98 * card, f"{look}: the trend chart is {chart:.0f} px of its card's {card:.0f} px"
        axis = page.eval_on_selector_all(".trend-chart text.axis", "ts => ts.map(t => t.getBoundingClientRect().height)")
        assert min(axis) >= 9, f"{look}: the chart's axis text is {min(axis):.1f} px tall"
        for item in page.locator(".chart-legend .legend-item").all():
            swatch, label = item.evaluate("""i => { const k = i.querySelector('.key').getBoundingClientRect();
                const range = document.createRange(); range.selectNodeContents(i.lastChild);
                const t = range.getBoundingClientRect();
                return [[k.left, k.right, (k.top + k.bottom) / 2], [t.left, t.right, t.top, t.bottom]]; }""")
            assert swatch[1] <= label[0] and label[2] <= swatch[2] <= label[3], (
                f"{look}: the swatch {swatch} is not beside its label {label} ({item.inner_text()})")
        shoot(f"layout-dashboard-trend-{look}")


def preview_question() -> Question:
    """A pending AI question with every badge the preview draws: its status, its type, right and wrong."""
    from exams.models import Objective

    objective = Objective.objects.filter(domain__exam__code="PTP-100").first()
    return QuestionFactory(objective=objective, type=Question.Type.SINGLE, source="ai", ai_model="test/model",
                           review_status="pending", explanation="Because the first choice is right.\n\n" * 12)


def test_the_admin_preview_keeps_dark_badges_in_dark_mode(page: Page, live_server, moderator, seeded_exam, shoot):
    question = preview_question()
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/admin/exams/question/{question.pk}/preview/")
    badges = ".ptp-status, .ptp-card .badge-ok, .ptp-card .badge-bad, .ptp-card .choice-review-item.is-correct"
    expect(page.locator(badges)).to_have_count(6)  # pending; Correct and three Incorrect; the right choice
    for scheme, theme in (("light", "light"), ("dark", "dark"), ("dark", "auto"), ("light", "auto")):
        page.emulate_media(color_scheme=scheme)
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        dark = theme == "dark" or (theme == "auto" and scheme == "dark")
        backgrounds = page.eval_on_selector_all(badges, "els => els.map(e => getComputedStyle(e).backgroundColor)")
        for colour in backgrounds:
            shade = luminance(colour)
            assert (shade < 0.1) if dark else (shade > 0.6), f"{theme} theme, {scheme} system: a badge of {colour}"
        shoot(f"layout-admin-preview-{'dark' if dark else 'light'}-{theme}-theme")
    page.set_viewport_size(PHONE)
    shoot("layout-admin-preview-phone")


def test_the_admin_sidebars_lines_run_to_the_end_of_a_long_page(page: Page, live_server, moderator, seeded_exam,
                                                                 shoot):
    question = preview_question()
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/admin/exams/question/{question.pk}/preview/")
    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)
        for shifted in (True, False):
            if page.evaluate("() => document.getElementById('main').classList.contains('shifted')") != shifted:
                page.locator("#toggle-nav-sidebar").click()
            sidebar = page.evaluate("""() => {
                const px = e => Math.round(e.getBoundingClientRect().right) - 1;
                const main = document.getElementById('main').getBoundingClientRect();
                return {lines: [px(document.getElementById('toggle-nav-sidebar'))].concat(
                            document.getElementById('main').classList.contains('shifted') ? [px(document.getElementById('nav-sidebar'))] : []),
                        bottom: main.bottom + window.scrollY, tall: document.documentElement.scrollHeight > window.innerHeight * 1.3,
                        hairline: getComputedStyle(document.getElementById('nav-sidebar')).borderRightColor}; }""")
            assert sidebar["tall"], "the page is not long enough to show the lines' ends"
            shot = Image.open(BytesIO(page.screenshot(full_page=True))).convert("RGB")
            hairline = tuple(round(float(v)) for v in sidebar["hairline"][sidebar["hairline"].index("(") + 1:-1].split(",")[:3])
            y = int(sidebar["bottom"]) - 8
            for x in sidebar["lines"]:
                assert shot.getpixel((x, y)) == hairline, (
                    f"{theme}, sidebar {'open' if shifted else 'closed'}: the line at x={x} stops before the page's end "
                    f"({shot.getpixel((x, y))} at y={y}, want {hairline})")
            shoot(f"layout-admin-sidebar-{theme}-{'open' if shifted else 'closed'}")
