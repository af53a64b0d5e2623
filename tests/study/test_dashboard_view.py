import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from exams.models import Objective
from study import estimator as est
from study.dashboard import percent_shown
from study.models import ExamProgress, ObjectiveMastery, ReviewCard, StudySession
from study.scheduling import reviews_due_by
from study.services import SessionRequest, answer_record, session_start
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import ExamFactory, QuestionFactory, pro_subscription

pytestmark = pytest.mark.django_db


def practise(user, exam, count, right_every=2):
    session = session_start(user=user, exam=exam, request=SessionRequest(mode="practice", count=count))
    for n, item in enumerate(session.items.all()):
        data = correct_post_data(item) if n % right_every else wrong_post_data(item)
        answer_record(item=item, data=data, client_seconds=20)
    return session


def test_signed_in_home_is_the_dashboard(learner_client):
    response = learner_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "Pick an exam to start" in response.content.decode()


def test_dashboard_shows_progress_readiness_areas_and_reviews(learner_client, learner, pro, test_exam):
    for i in range(30):
        QuestionFactory(objective=test_exam.domains.first().objectives.first(), stem=f"dash {i}", difficulty=1 + i % 5)
    practise(learner, test_exam, 30)
    page = learner_client.get("/dashboard/").content.decode()
    for text in ("Readiness", "chance of passing today", "Accuracy by domain", "1.0 Networking Basics", "Weak areas",
                 "Reviews due today", "Study streak", "1 day", "Trend by week", "Readiness is the chance you would pass PTP-100"):
        assert text in page, text
    assert "Not enough data" not in page.split("Weak areas")[0]
    # The numbers are the learner's: answered count, the weakest objective with its mastery, and
    # a readiness that matches what progress holds.
    progress = ExamProgress.objects.get(user=learner, exam=test_exam)
    assert f'<div class="stat-value">{progress.answered}</div>' in page
    assert f'<div class="readiness-value">{percent_shown(progress.readiness)}</div>' in page
    areas = page.split("Weak areas")[1].split("Trend by week")[0]
    for m in ObjectiveMastery.objects.filter(user=learner).select_related("objective"):
        listed = f"<span>{m.objective.number} {m.objective.name}</span>" in areas
        assert listed == (m.answered >= est.MIN_ANSWERS_FOR_MASTERY), (m.objective.number, m.answered)
    assert re.search(r'<span class="badge badge-bad">\d+%</span>', areas)


def test_dashboard_says_not_enough_data_early(learner_client, learner, pro, test_exam):  # readiness is Pro's
    practise(learner, test_exam, 3)
    page = learner_client.get("/dashboard/").content.decode()
    assert f"answer {est.MIN_ANSWERS_FOR_READINESS - 3} more questions" in page
    assert "Not enough data: mastery needs 5 answers on an objective." in page


@pytest.mark.parametrize("sessions", [1, 8])
def test_dashboard_renders_in_a_bounded_number_of_queries(learner_client, learner, test_exam, sessions, django_assert_max_num_queries):
    if sessions > 1:
        pro_subscription(learner)  # over a hundred answers in a day: only Pro has no daily limit
    other = ExamFactory()
    QuestionFactory.create_batch(5, objective__domain__exam=other)
    for _ in range(sessions):
        practise(learner, test_exam, 8)
        practise(learner, other, 5)
    learner_client.get("/dashboard/")  # warm the blueprint cache like a running site
    with django_assert_max_num_queries(14):
        response = learner_client.get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'Questions answered</div><div class="stat-value">{13 * sessions}</div>' in page
    assert test_exam.name in page and other.name in page


def test_missed_and_due_are_one_click_from_the_dashboard(learner_client, learner, test_exam):
    practise(learner, test_exam, 8)
    missed = learner_client.post(f"/exams/{test_exam.code}/start/", {"quick": "missed", "back": "dashboard"})
    assert missed.status_code == 302 and "/sessions/" in missed["Location"]

    # Nothing is due on the day of a first answer; a day later the wrong answers are.
    assert not ReviewCard.objects.filter(user=learner, due__lt=reviews_due_by(learner, timezone.now())).exists()
    ReviewCard.objects.filter(user=learner).update(due=F("due") - timedelta(days=1))
    due_today = ReviewCard.objects.filter(user=learner, due__lt=reviews_due_by(learner, timezone.now())).count()
    assert due_today == 4
    assert f"Due reviews ({due_today})" in learner_client.get("/dashboard/").content.decode()
    due = learner_client.post(f"/exams/{test_exam.code}/start/", {"quick": "due", "back": "dashboard"})
    session = StudySession.objects.get(pk=due["Location"].strip("/").split("/")[1])
    assert session.question_total == due_today


def test_due_reviews_say_so_when_none_are_due_today(learner_client, learner, test_exam):
    practise(learner, test_exam, 8)  # right or wrong, a first answer is next reviewed on a later day
    due = learner_client.post(f"/exams/{test_exam.code}/start/", {"quick": "due", "back": "dashboard"}, follow=True)
    assert "No reviews are due today" in due.content.decode()
    assert due.redirect_chain[-1][0] == "/dashboard/"


def test_the_exam_page_lists_mastery_for_every_objective(learner_client, learner, pro, test_exam):
    objectives = list(Objective.objects.filter(domain__exam=test_exam).order_by("domain__position", "position"))
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert page.count('class="mastery-row"') == len(objectives) and "Not started" in page

    for _ in range(3):
        practise(learner, test_exam, 8, right_every=1)
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=learner)}
    for objective in objectives:
        m = masteries.get(objective.pk)
        if m and m.answered >= est.MIN_ANSWERS_FOR_MASTERY:
            assert f'aria-label="{objective.number} mastery"' in page
            assert f"{m.correct} of {m.answered} right" in page
        elif m:
            assert f"Not enough data yet: {est.MIN_ANSWERS_FOR_MASTERY - m.answered} more answer" in page
    assert any(m.answered >= est.MIN_ANSWERS_FOR_MASTERY for m in masteries.values())


def test_readiness_fades_while_the_learner_is_away(learner_client, learner, pro, test_exam):
    for i in range(30):
        QuestionFactory(objective=test_exam.domains.first().objectives.first(), stem=f"away {i}", difficulty=1 + i % 5)
    practise(learner, test_exam, 30, right_every=10)  # nine in ten right
    fresh = learner_client.get("/dashboard/").content.decode()  # folds the practice answers in
    progress = ExamProgress.objects.get(user=learner)
    assert progress.readiness > 0.05
    assert f'<div class="readiness-value">{round(100 * progress.readiness)}%</div>' in fresh
    assert "Last studied" not in fresh

    ExamProgress.objects.filter(pk=progress.pk).update(last_answer_at=F("last_answer_at") - timedelta(days=90))
    ObjectiveMastery.objects.filter(user=learner).update(last_answer_at=F("last_answer_at") - timedelta(days=90))
    away = learner_client.get("/dashboard/").content.decode()

    def shown(page):
        return int(re.search(r'<div class="readiness-value">(\d+)%</div>', page).group(1))

    assert shown(away) < shown(fresh)  # forgetting lowers it; staying away never raises it
    assert "Last studied 90 days ago: readiness allows for what you may have forgotten since." in away
    progress.refresh_from_db()
    assert progress.readiness is not None  # nothing is written by looking
