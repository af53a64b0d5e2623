"""Rule tables and hotspots on the learner's card: drawn without the key, answered with partial
credit, reviewed part by part, and weighed by their points in an exam simulation's score."""

import re

import pytest

from exams.models import Question
from study.models import SessionItem, StudySession
from study.services import SessionRequest, session_start
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import DomainFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pbq_exam(db):
    objective = ObjectiveFactory(domain=DomainFactory(weight=100))
    table = QuestionFactory(objective=objective, type=Question.Type.TABLE, points=3, stem="Complete the firewall's rules.")
    hotspot = QuestionFactory(objective=objective, type=Question.Type.HOTSPOT, points=2, stem="Place the controls.")
    single = QuestionFactory(objective=objective, stem="Which port does HTTPS use?")
    return objective.domain.exam, {"table": table, "hotspot": hotspot, "single": single}


def started(user, exam, mode=StudySession.Mode.PRACTICE):
    return session_start(user=user, exam=exam, request=SessionRequest(mode=mode, count=3))


def item_for(session, question) -> SessionItem:
    return session.items.select_related("question").get(question=question)


def secrets(question) -> list[str]:
    """What only someone who knows the answer would have: the explanations and asked cells' answers."""
    data = question.simulation_data
    found = [question.explanation]
    if "rows" in data:
        found += [row["explanation"] for row in data["rows"]]
        found += [cell["answer"] for row in data["rows"] for cell in row["cells"].values() if "answer" in cell
                  and cell["answer"] not in ("Allow", "Deny")]  # options every learner sees
    else:
        found += list(data["explanations"].values())
    return found


def test_an_unanswered_card_draws_the_table_and_the_diagram_without_the_key(learner_client, learner, pro, pbq_exam):
    exam, questions = pbq_exam
    session = started(learner, exam, StudySession.Mode.EXAM)
    for name in ("table", "hotspot"):
        item = item_for(session, questions[name])
        page = learner_client.get(f"/sessions/{session.pk}/q/{item.position}/").content.decode()
        page = re.sub(r'(csrfmiddlewaretoken" value="|x-csrftoken": ")[^"]+', r"\1", page)  # random tokens: "23" may be in one
        for secret in secrets(questions[name]):
            # A whole word, not inside another: the factory's exam code ("TST-123") or a URL's id
            # ("/sessions/23/") may hold a short answer's digits by chance.
            assert not re.search(rf"(?<![\w/-]){re.escape(secret)}(?![\w/])", page), secret
    table_page = learner_client.get(f"/sessions/{session.pk}/q/{item_for(session, questions['table']).position}/").content.decode()
    assert 'name="cell-0-source"' in table_page and '<span class="given">any</span>' in table_page
    hotspot_page = learner_client.get(f"/sessions/{session.pk}/q/{item_for(session, questions['hotspot']).position}/").content.decode()
    assert hotspot_page.count('data-zone-select=') == 3 and "Access point" in hotspot_page and "Inside the server LAN" in hotspot_page


def test_practice_gives_partial_credit_and_reviews_each_part(learner_client, learner, pro, pbq_exam):
    exam, questions = pbq_exam
    session = started(learner, exam)
    item = item_for(session, questions["table"])
    answer = dict(correct_post_data(item), **{"cell-0-port": "80"})
    page = learner_client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", answer, HTTP_HX_REQUEST="true").content.decode()
    assert "Partly right: 83% of the points." in page
    assert "1 · Port" in page and "<code>80</code>" in page and "<code>443</code>" in page
    assert "Staff reach the web server over HTTPS." in page  # the row's explanation, now the question is answered
    item.refresh_from_db()
    assert item.score == pytest.approx(5 / 6) and item.is_correct is False


def test_a_value_that_is_not_of_its_kind_is_refused_and_the_table_kept(learner_client, learner, pro, pbq_exam):
    exam, questions = pbq_exam
    session = started(learner, exam)
    item = item_for(session, questions["table"])
    answer = dict(correct_post_data(item), **{"cell-0-source": "10.1.0"})
    response = learner_client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", answer, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 422
    assert "Row 1, Source: &#39;10.1.0&#39; is not an address with a prefix" in page
    assert 'value="10.1.0"' in page and 'value="443"' in page  # what the learner typed is still there
    assert SessionItem.objects.get(pk=item.pk).response is None
    refused = re.findall(r'<input[^>]*name="(cell-[^"]+)"[^>]*aria-invalid="true" aria-describedby="answer-error"', page)
    assert refused == ["cell-0-source"]  # the cell refused is marked, and says why
    assert 'id="answer-error"' in page


def test_an_exam_simulation_weighs_each_question_by_its_points_with_partial_credit(learner_client, learner, pro, pbq_exam):
    exam, questions = pbq_exam
    session = started(learner, exam, StudySession.Mode.EXAM)
    table, hotspot, single = (item_for(session, questions[n]) for n in ("table", "hotspot", "single"))
    learner_client.post(f"/sessions/{session.pk}/q/{table.position}/answer/", dict(correct_post_data(table), **{"cell-0-port": "80"}))
    learner_client.post(f"/sessions/{session.pk}/q/{hotspot.position}/answer/", {"zone-0": "0"})  # the firewall only: 1 of 2 tokens
    learner_client.post(f"/sessions/{session.pk}/q/{single.position}/answer/", wrong_post_data(single))
    learner_client.post(f"/sessions/{session.pk}/submit/")
    session.refresh_from_db()
    earned = 3 * 5 / 6 + 2 * 1 / 2 + 0  # of 6 points
    assert session.scaled_score == round(100 + 800 * earned / 6)
    assert session.correct_count == 0
    objective = session.report["domains"][0]["objectives"][0]
    assert (objective["correct"], objective["total"]) == (3.5, 6)
    review = learner_client.get(f"/sessions/{session.pk}/review/").content.decode()
    assert "Firewall" in review and "The WAF inspects HTTP in front of the web tier." in review


def test_a_hotspot_answered_by_its_list_shows_the_placements_when_reopened(learner_client, learner, pro, pbq_exam):
    exam, questions = pbq_exam
    session = started(learner, exam, StudySession.Mode.EXAM)
    item = item_for(session, questions["hotspot"])
    url = f"/sessions/{session.pk}/q/{item.position}/"
    learner_client.post(url + "answer/", {"zone-0": "0", "zone-1": "1"})
    page = learner_client.get(url).content.decode()
    assert ">1: Firewall</text>" in page and ">2: WAF</text>" in page
    assert '<option value="1" selected>WAF</option>' in page
    item.refresh_from_db()
    assert item.score == 1.0 and item.is_correct


def test_the_new_cards_stay_within_the_choice_cards_query_bounds(learner_client, learner, pro, pbq_exam,
                                                                django_assert_max_num_queries):
    """A table's, a hotspot's and a lab's card, their answers and a lab's line cost no more
    queries than a choice question's (tests/study/test_query_bounds.py: question 16, answer 40)."""
    from tests.factories import router_lab

    exam, questions = pbq_exam
    QuestionFactory(objective=questions["table"].objective, type=Question.Type.CLI, simulation_data=router_lab())
    session = session_start(user=learner, exam=exam, request=SessionRequest(mode=StudySession.Mode.PRACTICE, count=4))
    learner_client.get("/exams/")  # warm caches, as a running site has them
    for item in session.items.select_related("question").order_by("position"):
        url = f"/sessions/{session.pk}/q/{item.position}/"
        with django_assert_max_num_queries(16, info=f"{item.question.type} card"):
            assert learner_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        if item.question.kind.terminal:
            with django_assert_max_num_queries(12, info="lab line"):
                assert learner_client.post(url + "cli/", {"device": "R1", "line-R1": "enable"},
                                           HTTP_HX_REQUEST="true").status_code == 200
            data = {"lab": "1"}
        else:
            data = correct_post_data(item)
        with django_assert_max_num_queries(40, info=f"{item.question.type} answer"):
            assert learner_client.post(url + "answer/", data, HTTP_HX_REQUEST="true").status_code == 200
