"""The free plan's limits hold in the services and the views, and are shown before they bite."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from study.models import SessionItem, StudySession
from study.services import SessionRequest, UpgradeRequired, answer_record, session_start
from tests.answers import correct_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def answer(item):
    return answer_record(item=item, data=correct_post_data(item), client_seconds=10)


def answer_url(item):
    return f"/sessions/{item.session_id}/q/{item.position}/answer/"


def session_at(url: str) -> StudySession:
    """The session a start sent the learner to (/sessions/<pk>/)."""
    return StudySession.objects.get(pk=url.strip("/").split("/")[1])


# --- services ---------------------------------------------------------------------------------
def test_it_refuses_a_second_simulation_on_an_exam_but_not_a_first_on_another(learner, start, test_exam):
    start(learner, mode=StudySession.Mode.EXAM)
    with pytest.raises(UpgradeRequired, match="1 exam simulation per exam, and you have used it for PTP-100") as refused:
        start(learner, mode=StudySession.Mode.EXAM)
    assert refused.value.feature == "simulation"
    other = QuestionFactory().exam
    assert session_start(user=learner, exam=other, request=SessionRequest(mode="exam")).mode == "exam"
    assert StudySession.objects.filter(mode="exam").count() == 2


def test_it_refuses_adaptive_practice(learner, start):
    with pytest.raises(UpgradeRequired, match="Adaptive practice is part of Pro") as refused:
        start(learner, mode=StudySession.Mode.ADAPTIVE)
    assert refused.value.feature == "adaptive" and not StudySession.objects.exists()


def test_it_refuses_answers_beyond_the_daily_allowance_and_keeps_those_saved(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 3
    session = start(learner)
    items = list(session.items.all())
    for item in items[:3]:
        assert answer(item).recorded

    with pytest.raises(UpgradeRequired, match="used today's 3 free practice questions. Answers saved so far are safe"):
        answer(items[3])
    with pytest.raises(UpgradeRequired, match="used today's 3 free"):
        start(learner)

    assert session.items.exclude(response=None).count() == 3
    assert SessionItem.objects.get(pk=items[3].pk).response is None
    assert answer(items[0]).recorded is False  # a repeat of a saved answer is still answered, unchanged
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert answer(items[3]).recorded


def test_a_simulation_runs_to_the_end_whatever_the_allowance(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 1
    answer(start(learner).items.first())
    simulation = start(learner, mode=StudySession.Mode.EXAM)
    for item in simulation.items.all():
        answer(item)
    assert simulation.items.exclude(response=None).count() == simulation.question_total


def test_revising_a_timed_answer_is_not_a_new_question(learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 2
    first, second, third = list(start(learner, mode=StudySession.Mode.TIMED).items.all())[:3]
    answer(first)
    answer(second)
    assert answer(first).recorded
    with pytest.raises(UpgradeRequired):
        answer(third)


def test_a_pro_learner_has_no_limits(learner_client, learner, pro, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 1
    start_url = f"/exams/{test_exam.code}/start/"
    for _ in range(2):  # a second simulation of the same exam, once the first has begun
        started = learner_client.post(start_url, {"mode": "exam"})
        assert started.status_code == 302
        first = session_at(started["Location"]).items.get(position=1)
        assert learner_client.post(answer_url(first), correct_post_data(first)).status_code == 302
    assert StudySession.objects.filter(user=learner, mode="exam").count() == 2

    started = learner_client.post(start_url, {"quick": "adaptive", "back": "dashboard"})
    assert started.status_code == 302
    session = session_at(started["Location"])
    assert (session.user, session.mode) == (learner, "adaptive")
    items = list(session.items.order_by("position"))
    for item in items:
        assert learner_client.post(answer_url(item), correct_post_data(item)).status_code == 302

    # Every answer was saved and graded, well past the free plan's one a day, and no page mentions a limit.
    assert len(items) > settings.FREE_DAILY_QUESTIONS
    assert session.items.filter(response=None).count() == 0
    assert session.items.filter(is_correct=True).count() == len(items)
    last = learner_client.get(f"/sessions/{session.pk}/q/{len(items)}/").content.decode()
    assert "Correct!" in last and "data-limit" not in last and "free questions left" not in last
    dashboard = learner_client.get("/dashboard/").content.decode()
    assert f'Questions answered</div><div class="stat-value">{len(items)}</div>' in dashboard
    assert "free questions left" not in dashboard and "See your chance of passing" not in dashboard


# --- views --------------------------------------------------------------------------------
def test_starting_what_the_plan_lacks_shows_an_upgrade_page(learner_client, learner, start, test_exam):
    start(learner, mode=StudySession.Mode.EXAM)

    simulation = learner_client.post(f"/exams/{test_exam.code}/start/", {"mode": "exam"})
    adaptive = learner_client.post(f"/exams/{test_exam.code}/start/", {"quick": "adaptive", "back": "dashboard"})

    assert simulation.status_code == adaptive.status_code == 402
    page = simulation.content.decode()
    assert "Your free simulation is used" in page and '<a class="btn btn-primary" href="/pricing/">See Pro plans</a>' in page and f'href="/exams/{test_exam.code}/"' in page
    assert "Adaptive practice is part of Pro" in adaptive.content.decode() and 'href="/dashboard/"' in adaptive.content.decode()
    assert StudySession.objects.count() == 1


def test_answering_beyond_the_allowance_is_refused_with_an_upgrade_link(learner_client, learner, start, settings):
    settings.FREE_DAILY_QUESTIONS = 1
    session = start(learner)
    first, second = session.items.all()[:2]
    assert learner_client.post(answer_url(first), correct_post_data(first)).status_code == 302

    refused = learner_client.post(answer_url(second), correct_post_data(second))
    htmx = learner_client.post(answer_url(second), correct_post_data(second), HTTP_HX_REQUEST="true")
    page = learner_client.get(f"/sessions/{session.pk}/q/2/").content.decode()

    assert refused.status_code == 402
    assert "Answers saved so far are safe" in refused.content.decode()
    assert '<a href="/pricing/">See Pro plans</a></div>' in refused.content.decode()
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == f"/sessions/{session.pk}/q/2/"
    assert "data-limit" in page and 'id="answer-form"' not in page
    assert SessionItem.objects.get(pk=second.pk).response is None
    assert SessionItem.objects.get(pk=first.pk).response is not None


def test_limits_show_before_the_learner_reaches_them(learner_client, learner, start, test_exam, settings):
    settings.FREE_DAILY_QUESTIONS = 20
    session = start(learner)
    for item in list(session.items.all())[:8]:
        answer(item)

    exam_page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    question_page = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    dashboard = learner_client.get("/dashboard/").content.decode()

    assert "12 of 20 free questions left today." in exam_page and "12 of 20 free questions left today." in dashboard
    assert "12 of 20 free questions left today." in question_page
    assert "Start exam simulation <span class=\"small\">· 1 free simulation per exam</span>" in exam_page
    assert "Adaptive practice is part of Pro" in exam_page and 'value="adaptive"' not in exam_page
    assert "See your chance of passing" in dashboard and "readiness-value" not in dashboard
    assert 'value="adaptive"' not in dashboard and '<a href="/pricing/">Upgrade to Pro</a> for unlimited practice.' in exam_page

    start(learner, mode=StudySession.Mode.EXAM)
    exam_page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert "You have used your free simulation for PTP-100." in exam_page


def test_pro_pages_show_no_limits(learner_client, learner, pro, test_exam):
    exam_page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert "free questions left" not in exam_page and "free simulation" not in exam_page
    assert 'value="adaptive"' in exam_page


def test_the_free_dashboard_stays_within_its_query_budget(learner_client, learner, start, django_assert_max_num_queries):
    for item in start(learner).items.all():
        answer(item)
    learner_client.get("/dashboard/")
    with django_assert_max_num_queries(17):  # the Pro dashboard's 14 plus subscription, role and today's count
        response = learner_client.get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()  # the free dashboard, with what the free plan adds to it
    assert "12 of 20 free questions left today." in page and "See your chance of passing" in page
    assert 'Questions answered</div><div class="stat-value">8</div>' in page
