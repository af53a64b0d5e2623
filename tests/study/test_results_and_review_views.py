from datetime import timedelta

import pytest
from django.utils import timezone

from study.models import QuestionFeedback, StudySession
from study.services import session_submit
from tests.answers import correct_post_data, wrong_post_data

pytestmark = pytest.mark.django_db


def answer_all(client, session, right_positions):
    for item in session.items.all():
        data = correct_post_data(item) if item.position in right_positions else wrong_post_data(item)
        client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", data)


def test_exam_results_are_on_the_exam_scale_with_pass_fail_and_a_breakdown(learner_client, learner, start, test_exam):
    session = start(learner, mode=StudySession.Mode.EXAM)
    answer_all(learner_client, session, right_positions={1, 2, 3, 4, 5, 6, 7})  # 7 of 8
    learner_client.post(f"/sessions/{session.pk}/submit/")
    session.refresh_from_db()
    assert session.correct_count == 7
    assert session.scaled_score == 100 + round(800 * 7 / 8) == 800
    assert session.passed is True  # 800 >= 700
    page = learner_client.get(f"/sessions/{session.pk}/results/").content.decode()
    assert "800" in page and "Pass" in page and "on 100–900; passing 700" in page
    domains = {d["number"]: d for d in session.report["domains"]}
    assert sum(d["total"] for d in domains.values()) == 8
    assert {o["number"] for o in domains["1.0"]["objectives"]} == {"1.1", "1.2"}
    assert "1.0 Networking Basics" in page and "2.1 Explain authentication factors." in page


def test_a_failing_exam_says_fail_and_unanswered_counts_as_wrong(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    item = session.items.get(position=1)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", correct_post_data(item))
    learner_client.post(f"/sessions/{session.pk}/submit/")
    session.refresh_from_db()
    assert (session.correct_count, session.answered_count, session.scaled_score, session.passed) == (1, 1, 200, False)
    assert "Fail" in learner_client.get(f"/sessions/{session.pk}/results/").content.decode()


def test_review_filters_wrong_flagged_and_all(learner_client, learner, start):
    session = start(learner)
    answer_all(learner_client, session, right_positions={1, 2})
    learner_client.post(f"/sessions/{session.pk}/q/2/flag/", {"flagged": "1"})
    learner_client.post(f"/sessions/{session.pk}/submit/")
    def positions(show):
        html = learner_client.get(f"/sessions/{session.pk}/review/?show={show}").content.decode()
        return [int(p) for p in __import__("re").findall(r'id="q(\d+)"', html)]
    assert positions("all") == list(range(1, 9))
    assert positions("wrong") == list(range(3, 9))
    assert positions("flagged") == [2]
    assert positions("correct") == [1, 2]
    assert positions("nonsense") == list(range(1, 9))


def test_review_shows_every_explanation_and_the_learners_answer(learner_client, learner, start):
    session = start(learner)
    answer_all(learner_client, session, right_positions=set())
    learner_client.post(f"/sessions/{session.pk}/submit/")
    page = learner_client.get(f"/sessions/{session.pk}/review/").content.decode()
    for item in session.items.all():
        for choice in item.question.choices.all():
            assert choice.explanation in page
    assert "Your answer" in page


def test_bookmarks_keep_a_note_and_can_be_removed(learner_client, learner, start):
    session = start(learner)
    url = f"/sessions/{session.pk}/q/1/bookmark/"
    learner_client.post(url, {"bookmarked": "on", "note": "Revisit ports"})
    learner_client.post(url, {"bookmarked": "on", "note": "Revisit ports again"})
    assert list(learner.bookmarks.values_list("note", flat=True)) == ["Revisit ports again"]
    page = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "★ Bookmarked" in page and "Revisit ports again" in page
    learner_client.post(url, {"bookmarked": "", "note": ""})
    assert not learner.bookmarks.exists()
    assert learner_client.post(url, {"bookmarked": "on", "note": "x" * 3000}).status_code == 302
    assert not learner.bookmarks.exists()


def test_reporting_a_problem_reaches_moderators(learner_client, learner, start, client, moderator):
    session = start(learner)
    item = session.items.get(position=1)
    response = learner_client.post(f"/sessions/{session.pk}/q/1/report/", {"kind": "typo", "message": "Choice B has a typo"}, follow=True)
    assert "Thanks — a moderator will look at your report." in response.content.decode()
    report = QuestionFeedback.objects.get()
    assert (report.question_id, report.user, report.kind) == (item.question_id, learner, "typo")
    bad = learner_client.post(f"/sessions/{session.pk}/q/1/report/", {"kind": "nope", "message": "x"}, follow=True)
    assert "Report not sent" in bad.content.decode()
    client.force_login(moderator)
    admin_page = client.get("/admin/study/questionfeedback/").content.decode()
    assert "Choice B has a typo" in admin_page and f"/admin/exams/question/{item.question_id}/change/" in admin_page


def test_htmx_flag_swaps_the_card(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    response = learner_client.post(f"/sessions/{session.pk}/q/2/flag/", {"flagged": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "⚑ Flagged" in body and "is-flagged" in body
    assert session.items.get(position=2).flagged


def test_session_list_puts_unfinished_first_and_submits_expired(learner_client, learner, start):
    done = start(learner)
    learner_client.post(f"/sessions/{done.pk}/submit/")
    open_session = start(learner, mode=StudySession.Mode.EXAM)
    learner_client.get(f"/sessions/{open_session.pk}/q/4/")
    page = learner_client.get("/sessions/").content.decode()
    assert page.index("Resume at question 4") < page.index(f"/sessions/{done.pk}/results/")


def test_catalogue_shows_servable_counts_and_the_learners_progress(learner_client, learner, start, test_exam):
    session = start(learner)
    item = session.items.get(position=1)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", correct_post_data(item))
    page = learner_client.get("/exams/").content.decode()
    assert "8 practice questions" in page and "Seen 1 of 8" in page and "100% correct" in page


def test_exam_page_shows_blueprint_history_and_start_forms(learner_client, learner, start, test_exam):
    start(learner)
    page = learner_client.get("/exams/PTP-100/").content.decode()
    for text in ("1.0 Networking Basics", "60%", "Start practice", "Start exam simulation", "In progress", "8 questions in 16 minutes"):
        assert text in page, text
    assert learner_client.get("/exams/NOPE-1/").status_code == 404


def test_exam_page_shows_an_edited_blueprint_and_keeps_a_returned_forms_picks(learner_client, learner, test_exam):
    """The objective list and chart are kept per process for a blank form (study.rendered.blueprint_parts)."""
    from exams.models import Domain, Objective

    assert "1.0 Networking Basics" in learner_client.get("/exams/PTP-100/").content.decode()
    domain = Domain.objects.get(exam=test_exam, number="1.0")
    domain.name, domain.weight = "Networking Fundamentals", 55
    domain.save()
    objective = Objective.objects.filter(domain=domain).first()
    objective.name = "Subnets & <masks>"
    objective.save()
    page = learner_client.get("/exams/PTP-100/").content.decode()
    assert "1.0 Networking Fundamentals" in page and "Networking Basics" not in page
    assert '<span class="num">55%</span>' in page and "Subnets &amp; &lt;masks&gt;" in page
    returned = learner_client.post("/exams/PTP-100/start/", {
        "mode": "practice", "count": "custom", "custom_count": "", "objectives": [objective.pk],
        "difficulty_min": "1", "difficulty_max": "5", "source": "all"}).content.decode()
    assert f'value="{objective.pk}" checked>' in returned and "Enter how many questions" in returned
    assert learner_client.get("/exams/PTP-100/").content.decode().count("checked>") < returned.count("checked>")


def test_every_unfinished_session_shows_and_finished_ones_page(learner_client, learner, start, settings):
    from study.views import sessions as views

    old_unfinished = start(learner)
    StudySession.objects.filter(pk=old_unfinished.pk).update(started_at=timezone.now() - timedelta(days=400))
    finished = []
    for _ in range(views.FINISHED_PER_PAGE + 3):
        session = start(learner, count=1)
        finished.append(session_submit(session=session))
    page = learner_client.get("/sessions/").content.decode()
    assert f'href="/sessions/{old_unfinished.pk}/' in page
    assert page.count('>Results</a>') == views.FINISHED_PER_PAGE and "Page 1 of 2" in page
    older = learner_client.get("/sessions/?page=2").content.decode()
    assert older.count('>Results</a>') == 3
    assert learner_client.get("/sessions/?page=abc").status_code == 200
    assert learner_client.get("/sessions/?page=99").status_code == 200
