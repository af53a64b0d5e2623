"""A CLI lab on the learner's card: lines typed in the terminal are run and kept, the answer is
the devices' state, graded per check, and nothing tells what the checks are before it is graded."""

import pytest

from exams.models import Question
from study.models import SessionItem, StudySession
from study.services import SessionRequest, session_start
from tests.answers import lab_lines
from tests.factories import DomainFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab_exam(db):
    objective = ObjectiveFactory(domain=DomainFactory(weight=100))
    lab = QuestionFactory(objective=objective, type=Question.Type.CLI, points=3, stem="Configure the edge router.")
    QuestionFactory(objective=objective)
    return objective.domain.exam, lab


def start(user, exam, mode=StudySession.Mode.PRACTICE):
    return session_start(user=user, exam=exam, request=SessionRequest(mode=mode, count=2))


def urls(session, lab):
    item = session.items.get(question=lab)
    here = f"/sessions/{session.pk}/q/{item.position}/"
    return item, here, here + "cli/"


def type_lines(client, url, lines, device="R1"):
    replies = []
    for line in lines:
        response = client.post(url, {"device": device, f"line-{device}": line}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content
        replies.append(response.content.decode())
    return replies


def test_each_line_is_answered_as_ios_would_and_the_prompt_follows_the_mode(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    item, here, cli = urls(session, lab)
    page = learner_client.get(here).content.decode()
    assert "Router&gt;" in page and "EDGE1" in page  # the task names the goal; the checks stay on the server
    assert "G0/0/1 has 192.168.10.1/24 and is up" not in page and "no shutdown" not in page
    enable, conf, bad, show = type_lines(learner_client, cli, ["en", "conf t", "hostnme X", "do sh ip int br"])
    assert 'id="term-prompt-R1" class="term-prompt" hx-swap-oob="true">Router#</span>' in enable
    assert ">Router(config)#</span>" in conf
    assert "% Invalid input detected at &#39;^&#39; marker." in bad
    assert "GigabitEthernet0/0/0" in show and "10.0.0.1" in show
    draft = SessionItem.objects.get(pk=item.pk).draft
    assert [e["line"] for e in draft["transcripts"]["R1"]] == ["en", "conf t", "hostnme X", "do sh ip int br"]


def test_a_reload_shows_the_same_terminal(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    _, here, cli = urls(session, lab)
    type_lines(learner_client, cli, ["enable", "configure terminal", "hostname EDGE1"])
    page = learner_client.get(here).content.decode()
    assert "EDGE1(config)#</span>" in page and "hostname EDGE1" in page


def test_practice_grades_the_resulting_state_per_check_with_partial_credit(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    item, here, cli = urls(session, lab)
    type_lines(learner_client, cli, lab_lines(right=False))
    page = learner_client.post(here + "answer/", {"lab": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Partly right: 33% of the points." in page
    assert "The router is named EDGE1" in page and "G0/0/1 has 192.168.10.1/24 and is up" in page
    item.refresh_from_db()
    assert item.score == pytest.approx(1 / 3) and item.response["lines"]["R1"][2] == "hostname EDGE1"
    refused = learner_client.post(cli, {"device": "R1", "line-R1": "show run"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 409 and "terminal is closed" in refused.content.decode()


def test_another_correct_sequence_passes_too(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    item, here, cli = urls(session, lab)
    type_lines(learner_client, cli, ["en", "conf t", "int gi0/0/1", "ip add 192.168.10.1 255.255.255.0", "no shut", "exit",
                                     "hostname EDGE1", "end"])
    learner_client.post(here + "answer/", {"lab": "1"})
    item.refresh_from_db()
    assert item.score == 1.0 and item.is_correct


def test_submitting_before_typing_anything_is_refused(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    item, here, _ = urls(session, lab)
    response = learner_client.post(here + "answer/", {"lab": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "Type at least one command" in response.content.decode()


def test_reset_starts_the_device_again(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    item, here, cli = urls(session, lab)
    type_lines(learner_client, cli, ["enable", "configure terminal", "hostname EDGE1"])
    reply = learner_client.post(cli, {"reset": "R1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "R1 was reset" in reply and ">Router&gt;</span>" in reply
    assert SessionItem.objects.get(pk=item.pk).draft["transcripts"]["R1"] == []


def test_hostile_lines_get_a_clear_answer_and_no_error(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    _, _, cli = urls(session, lab)
    long_line, control, fine = type_lines(learner_client, cli, ["show " + "x" * 300, "en\x00\x1b[2J", "en\x00"])
    assert "Line too long" in long_line
    assert "\x1b" not in control and "\x00" not in control and "% Invalid input" in control
    assert ">Router#</span>" in fine
    assert learner_client.post(cli, {"device": "R9", "line-R9": "en"}, HTTP_HX_REQUEST="true").status_code == 409


def test_without_javascript_the_card_comes_back_with_the_transcript(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam)
    _, here, cli = urls(session, lab)
    response = learner_client.post(cli, {"device": "R1", "line-R1": "enable"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(here) and "Router#</span>" in response.content.decode()


def test_an_exam_simulation_saves_the_lab_on_the_way_to_the_next_question(learner_client, learner, pro, lab_exam):
    exam, lab = lab_exam
    session = start(learner, exam, StudySession.Mode.EXAM)
    item, here, cli = urls(session, lab)
    type_lines(learner_client, cli, lab_lines(right=True))
    other = 1 if item.position == 2 else 2
    learner_client.post(here + "answer/", {"lab": "1", "go": str(other)})
    learner_client.post(f"/sessions/{session.pk}/submit/")
    item.refresh_from_db()
    session.refresh_from_db()
    assert item.score == 1.0
    objective = session.report["domains"][0]["objectives"][0]
    assert objective["correct"] == 3 and objective["total"] == 4  # the lab's 3 points; the unanswered single's 1


def test_without_javascript_enter_runs_the_line_instead_of_submitting_the_lab(learner_client, learner, pro, lab_exam):
    """The form's first submit button is what Enter presses in a field: on a lab it runs the line."""
    import re

    exam, lab = lab_exam
    session = start(learner, exam)
    _, here, cli = urls(session, lab)
    page = learner_client.get(here).content.decode()
    form = page[page.index('id="answer-form"'):]
    first = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert f'formaction="{cli}"' in first and 'name="device" value="R1"' in first
