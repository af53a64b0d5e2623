"""Every page shows a session's score the same way: the scaled score and pass or fail for an exam
simulation, the share correct for practice; times say which time they are; readiness near zero
reads as a band, with what moves it (issue 29, defect 7)."""

import re

import pytest
from django.utils import timezone

from study.models import ExamProgress, StudySession
from tests.answers import correct_post_data, wrong_post_data

pytestmark = pytest.mark.django_db
FAIL_200 = '200 · <span class="badge badge-bad">Fail</span>'


def sit(client, session, right: set[int]) -> StudySession:
    for item in session.items.all():
        data = correct_post_data(item) if item.position in right else wrong_post_data(item)
        client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", data)
    client.post(f"/sessions/{session.pk}/submit/")
    session.refresh_from_db()
    return session


def history_of(page: str) -> str:
    return page.split("Your history")[1].split("</section>")[0]


def test_a_simulation_shows_its_scaled_score_and_result_on_every_page(learner_client, learner, start, test_exam):
    simulation = sit(learner_client, start(learner, mode=StudySession.Mode.EXAM), right={1})
    assert (simulation.scaled_score, simulation.passed, simulation.percent) == (200, False, 12)

    results = learner_client.get(f"/sessions/{simulation.pk}/results/").content.decode()
    exam_page = history_of(learner_client.get(f"/exams/{test_exam.code}/").content.decode())
    sessions = learner_client.get("/sessions/").content.decode().split("<h2>Finished</h2>")[1]

    assert '<div class="stat-value">200</div>' in results and "Fail" in results
    for page in (exam_page, sessions):
        assert FAIL_200 in page
        assert "12%" not in page and "12 %" not in page


def test_practice_shows_the_share_correct_on_every_page(learner_client, learner, start, test_exam):
    practice = sit(learner_client, start(learner), right={1, 2, 3, 4, 5, 6})
    assert practice.percent == 75

    exam_page = history_of(learner_client.get(f"/exams/{test_exam.code}/").content.decode())
    sessions = learner_client.get("/sessions/").content.decode().split("<h2>Finished</h2>")[1]
    results = learner_client.get(f"/sessions/{practice.pk}/results/").content.decode()

    for page in (exam_page, sessions, results):
        assert "75%" in page
        assert ">Fail<" not in page and ">Pass<" not in page


def test_results_say_which_time_is_which(learner_client, learner, start):
    practice = sit(learner_client, start(learner), right={1})
    page = learner_client.get(f"/sessions/{practice.pk}/results/").content.decode()
    assert "Time on the clock" in page and "from start to submit" in page
    assert "Time answering" in page and "what your study time adds up" in page
    assert "Time used" not in page


@pytest.mark.parametrize("stored, shown, band", [
    ((0.002, 0.0001, 0.004), "under 1%", "likely under 1%"),
    ((0.004, 0.0005, 0.06), "under 1%", "likely under 1% to 6%"),
    ((0.42, 0.3, 0.55), "42%", "likely 30% to 55%"),
    ((0.996, 0.992, 0.999), "over 99%", "likely over 99%"),
])
def test_readiness_near_the_ends_reads_as_a_band_and_says_what_moves_it(learner_client, learner, pro, test_exam,
                                                                       stored, shown, band):
    readiness, low, high = stored
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=40, correct=2, readiness=readiness,
                                readiness_low=low, readiness_high=high, last_answer_at=timezone.now())

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()

    section = page.split('id="readiness"')[1].split("</section>")[0]
    assert re.search(rf'class="readiness-value">{re.escape(shown)}<', section)
    assert band in section
    assert "0%–0%" not in section and "What moves it" in section


def test_a_free_learner_is_not_told_how_ready_they_are(learner_client, learner, test_exam):
    ExamProgress.objects.create(user=learner, exam=test_exam, answered=40, correct=20, readiness=0.3,
                                readiness_low=0.2, readiness_high=0.4, last_answer_at=timezone.now())
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    assert 'class="readiness-value"' not in page and "30%" not in page
