"""Results as the real exam's practice tests give them: time per question and the slowest ones,
confidence against correctness (confident and wrong first), a one-click retake of the wrong ones,
and the learner's mock scores over time on the exam page (issue 29, "Richer results")."""

import re

import pytest

from study.models import SessionItem, StudySession
from study.services import answer_record, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CERTAIN, FAIRLY_SURE, GUESSING = (SessionItem.Confidence.HIGH, SessionItem.Confidence.MEDIUM,
                                  SessionItem.Confidence.LOW)


def finish(session, answers: dict[int, tuple[bool, float, int | None]]) -> StudySession:
    """Answer by position: (right?, seconds, confidence); leave the rest unanswered; submit."""
    for item in session.items.all():
        if item.position in answers:
            right, seconds, confidence = answers[item.position]
            data = correct_post_data(item) if right else wrong_post_data(item)
            answer_record(item=item, data=data, client_seconds=seconds, confidence=confidence)
    return session_submit(session=session)


def results_of(client, session) -> str:
    return client.get(f"/sessions/{session.pk}/results/").content.decode()


def test_results_show_time_per_question_with_the_slowest_first(learner_client, learner, start):
    session = finish(start(learner), {1: (True, 12, None), 2: (False, 95, None), 3: (True, 40, None),
                                      4: (True, 8, None)})
    page = results_of(learner_client, session)

    slowest = page.split('id="slowest"')[1].split("</section>")[0]
    assert [int(p) for p in re.findall(r'href="/sessions/\d+/review/#q(\d+)"', slowest)][:3] == [2, 3, 1]
    assert "1 min 35 s" in slowest
    assert "Average" in page and "39 s" in page  # (12 + 95 + 40 + 8) / 4 answered


def test_results_match_confidence_with_correctness_confident_and_wrong_first(learner_client, learner, start):
    session = finish(start(learner), {1: (True, 10, CERTAIN), 2: (False, 10, FAIRLY_SURE), 3: (False, 10, CERTAIN),
                                      4: (True, 10, GUESSING), 5: (False, 10, None)})
    page = results_of(learner_client, session)

    section = page.split('id="confidence"')[1].split("</section>")[0]
    table = {row[0]: (int(row[1]), int(row[2])) for row in re.findall(
        r"<th scope=\"row\">([^<]+)</th>\s*<td class=\"num\">(\d+)</td>\s*<td class=\"num\">(\d+)</td>", section)}
    assert table == {"Certain": (1, 1), "Fairly sure": (0, 1), "Guessing": (1, 0), "Not rated": (0, 1)}
    wrong = section.split("Sure, but wrong")[1]
    assert [int(p) for p in re.findall(r"#q(\d+)", wrong)] == [3, 2]


def test_retake_the_wrong_ones_starts_practice_of_just_those(learner_client, learner, start, test_exam):
    session = finish(start(learner, mode=StudySession.Mode.EXAM),
                     {1: (True, 5, None), 2: (False, 5, None), 3: (True, 5, None), 4: (True, 5, None),
                      5: (True, 5, None), 6: (True, 5, None)})
    wrong = set(session.items.exclude(is_correct=True).values_list("question_id", flat=True))
    assert len(wrong) == 3  # one wrong, two left unanswered
    page = results_of(learner_client, session)
    assert f'name="retake" value="{session.pk}"' in page and "Retake the 3 wrong or unanswered" in page

    response = learner_client.post(f"/exams/{test_exam.code}/start/", {"retake": session.pk})

    assert response.status_code == 302
    retake = StudySession.objects.exclude(pk=session.pk).get(user=learner)
    assert retake.mode == StudySession.Mode.PRACTICE
    assert set(retake.items.values_list("question_id", flat=True)) == wrong


def test_nobody_retakes_another_learners_session(client, learner, start, test_exam):
    session = finish(start(learner), {1: (False, 5, None)})
    client.force_login(UserFactory())
    assert client.post(f"/exams/{test_exam.code}/start/", {"retake": session.pk}).status_code == 404
    assert client.post(f"/exams/{test_exam.code}/start/", {"retake": "nonsense"}).status_code == 404
    assert StudySession.objects.count() == 1


def test_a_session_with_nothing_wrong_offers_no_retake(learner_client, learner, start):
    session = finish(start(learner, count=2), {1: (True, 5, None), 2: (True, 5, None)})
    assert 'name="retake"' not in results_of(learner_client, session)


def test_the_exam_page_charts_the_learners_mock_scores_over_time(learner_client, learner, pro, start, test_exam):
    scores = []
    for right in ({1}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 5, 6, 7, 8}):
        session = finish(start(learner, mode=StudySession.Mode.EXAM), {p: (p in right, 5, None) for p in range(1, 9)})
        scores.append(session.scaled_score)
    start(learner)  # practice sessions are not mock scores

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()

    section = page.split('id="mock-scores"')[1].split("</section>")[0]
    assert section.count('<circle class="mock-dot') == 3
    assert "mock-pass-line" in section  # the passing score, drawn across
    rows = re.findall(r"<td class=\"num\">(\d+)</td>\s*<td>(Pass|Fail)</td>", section)
    assert rows == [(str(s), "Pass" if s >= 700 else "Fail") for s in scores]
    assert "style=" not in section


def test_without_simulations_the_exam_page_says_how_to_get_a_chart(learner_client, learner, test_exam):
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    section = page.split('id="mock-scores"')[1].split("</section>")[0]
    assert "<svg" not in section and "Sit an exam simulation" in section
