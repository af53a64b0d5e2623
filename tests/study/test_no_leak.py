"""The page never says which choice is correct before the learner has answered (in exam
simulation, before the exam is submitted): not in HTML, attributes, partials or JSON."""

import copy
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from study.models import StudySession
from tests.answers import correct_post_data, wrong_post_data

pytestmark = pytest.mark.django_db

TELLTALES = ("Correct", "Incorrect", "is-correct", "is_correct", "badge-ok", "Explanation", "Step ")


def secrets_of(item):
    """Texts that only someone who knows the answer would have."""
    question = item.question
    found = [question.explanation]
    found += [c.explanation for c in question.choices.all()]
    found += [f"pk={c.pk}" for c in question.choices.all()]
    return found


def assert_no_leak(html: str, item):
    for secret in secrets_of(item):
        assert secret not in html, secret
    for telltale in TELLTALES:
        assert telltale not in html, telltale
    # Choice database ids never appear: choices are addressed by shown index only.
    values = set(re.findall(r'name="choice" value="([^"]+)"', html))
    assert values <= {str(i) for i in range(len(item.choice_order))}


@pytest.mark.parametrize("mode", [StudySession.Mode.PRACTICE, StudySession.Mode.TIMED, StudySession.Mode.EXAM])
def test_unanswered_questions_reveal_nothing_in_full_pages_and_partials(learner_client, learner, start, mode):
    session = start(learner, mode=mode)
    for item in session.items.all():
        url = f"/sessions/{session.pk}/q/{item.position}/"
        assert_no_leak(learner_client.get(url).content.decode(), item)
        assert_no_leak(learner_client.get(url, HTTP_HX_REQUEST="true").content.decode(), item)


def test_exam_answers_reveal_nothing_until_the_exam_is_submitted(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    for item in session.items.all():
        url = f"/sessions/{session.pk}/q/{item.position}/"
        swapped = learner_client.post(url + "answer/", correct_post_data(item), HTTP_HX_REQUEST="true")
        assert_no_leak(swapped.content.decode(), item)
        assert_no_leak(learner_client.get(url).content.decode(), item)
    finish_page = learner_client.get(f"/sessions/{session.pk}/finish/").content.decode()
    assert "Correct" not in finish_page
    assert learner_client.get(f"/sessions/{session.pk}/review/").status_code == 302  # review waits for submission

    learner_client.post(f"/sessions/{session.pk}/submit/")
    review = learner_client.get(f"/sessions/{session.pk}/review/").content.decode()
    item = session.items.first()
    assert item.question.explanation.split()[0] in review and "Correct" in review


def test_practice_reveals_only_the_answered_question(learner_client, learner, start):
    session = start(learner)
    first, second = session.items.get(position=1), session.items.get(position=2)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", correct_post_data(first))
    answered = learner_client.get(f"/sessions/{session.pk}/q/1/").content.decode()
    assert "Correct!" in answered and first.question.choices.first().explanation in answered
    assert_no_leak(learner_client.get(f"/sessions/{session.pk}/q/2/").content.decode(), second)


# --- Everything a learner can fetch while an exam simulation or timed practice is open --------
# A saved answer can still change, so no output may tell whether it is right: otherwise save A,
# look, try B, and submit a perfect exam. Each output is fetched with every answer saved right,
# then again with every answer saved wrong; apart from the learner's own picks they must agree.
OPEN_MODES = [StudySession.Mode.TIMED, StudySession.Mode.EXAM]
ANSWER_FIELDS = ("answer", "answered_at", "time_spent_seconds")  # the learner's picks and when


def answer_everything(client, session, post_data) -> dict[str, str]:
    """Save an answer to every question as the card does; the cards that come back, by name."""
    return {
        f"saved card {item.position}": _drawn(client.post(
            f"/sessions/{session.pk}/q/{item.position}/answer/", post_data(item), HTTP_HX_REQUEST="true"))
        for item in session.items.all()
    }


def _drawn(response) -> str:
    headers = " ".join(f"{h}={response.get(h, '')}" for h in ("Location", "HX-Trigger", "HX-Redirect"))
    return f"{response.status_code} {headers}\n{response.content.decode()}"


def side_actions(client, session) -> dict[str, str]:
    """Flag, bookmark and report the first question: each answers with its card."""
    url = f"/sessions/{session.pk}/q/1/"
    return {
        f"question 1 {action}": _drawn(client.post(url + action + "/", data, HTTP_HX_REQUEST="true"))
        for action, data in (
            ("flag", {"flagged": "1"}), ("bookmark", {"bookmarked": "on", "note": "check this"}),
            ("report", {"kind": "wrong_answer", "message": "Is the marked answer right?"}),
        )
    }


def open_session_pages(client, session) -> dict[str, str]:
    """Every page and fragment the learner can GET, by name. The questions come first: drawing
    one moves "resume" to it, so every other page sees the same place both times."""
    pages = {}
    for item in session.items.all():
        url = f"/sessions/{session.pk}/q/{item.position}/"
        pages[f"question {item.position}"] = _drawn(client.get(url))
        pages[f"question {item.position} (htmx)"] = _drawn(client.get(url, HTTP_HX_REQUEST="true"))
    for name, url in (
        ("resume", f"/sessions/{session.pk}/"), ("finish", f"/sessions/{session.pk}/finish/"),
        ("results", f"/sessions/{session.pk}/results/"), ("review", f"/sessions/{session.pk}/review/"),
        ("session list", "/sessions/"), ("dashboard", "/dashboard/"), ("exam list", "/exams/"),
        ("exam page", session.exam.get_absolute_url()), ("account", "/account/"),
    ):
        pages[name] = _drawn(client.get(url))
    return pages


def without_picks_or_clock(html: str) -> str:
    """A page with what differs between two saves of different answers taken out: the picks
    themselves (checked, selected, the order the learner gave steps) and anything drawn afresh
    each time (CSRF tokens, nonces, time left)."""
    html = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'data-seconds-left="\d+"|<span data-timer-text>\d+ s|\d+ min\b', "CLOCK", html)
    html = re.sub(r"\s+(checked|selected)\b| is-picked\b", "", html)
    html = re.sub(r"\s+>", ">", html)
    steps = re.compile(r'<li class="ordering-step".*?</li>', re.S)
    for ordering in re.findall(r"<ol class=\"ordering\" data-ordering>.*?</ol>", html, re.S):
        html = html.replace(ordering, "\n".join(sorted(steps.findall(ordering))))
    return html


def export_of(client) -> dict:
    response = client.post("/account/export/")
    assert response.status_code == 200
    return json.loads(response.content)


def without_answers(export: dict) -> dict:
    """The export with the learner's picks and when they made them taken out."""
    export = copy.deepcopy(export)
    export.pop("exported_at")
    for session in export["study"]["sessions"]:
        for answer in session["answers"]:
            for name in ANSWER_FIELDS:
                answer.pop(name, None)
    return export


@pytest.mark.parametrize("mode", OPEN_MODES)
def test_it_exports_the_same_whether_a_saved_answer_is_right_or_wrong(learner_client, learner, start, mode):
    session = start(learner, mode=mode)
    answer_everything(learner_client, session, correct_post_data)
    right = export_of(learner_client)
    answer_everything(learner_client, session, wrong_post_data)
    wrong = export_of(learner_client)

    assert without_answers(right) == without_answers(wrong)
    [exported] = wrong["study"]["sessions"]
    assert exported["status"] == "in_progress" and exported["correctness_withheld"] is True
    assert {a["is_correct"] for a in exported["answers"]} == {None}
    assert (exported["correct"], exported["scaled_score"], exported["passed"], exported["report"]) == (None, None, None, {})
    # The learner's own answers are all there, and they are the ones saved last.
    assert [a["answer"] for a in right["study"]["sessions"][0]["answers"]] != [a["answer"] for a in exported["answers"]]
    assert all(a["answer"] and a["answered_at"] for a in exported["answers"])
    text = json.dumps(wrong)
    for item in session.items.all():
        for secret in secrets_of(item)[: 1 + item.question.choices.count()]:  # explanations
            assert not secret or secret not in text


@pytest.mark.parametrize("mode", OPEN_MODES)
def test_it_shows_the_same_pages_whether_a_saved_answer_is_right_or_wrong(learner_client, learner, start, mode):
    session = start(learner, mode=mode)
    items = {item.position: item for item in session.items.all()}
    # Once beforehand, so both times every card meets the same state: all answered, one flagged and bookmarked.
    answer_everything(learner_client, session, wrong_post_data)
    side_actions(learner_client, session)
    outputs = []
    for post_data in (correct_post_data, wrong_post_data):
        drawn = {**answer_everything(learner_client, session, post_data), **side_actions(learner_client, session),
                 **open_session_pages(learner_client, session)}
        for name, html in drawn.items():
            if name.startswith(("question", "saved card")):
                assert_no_leak(html, items[int(re.search(r"\d+", name)[0])])
            else:
                for telltale in TELLTALES:
                    assert telltale not in html, (name, telltale)
        outputs.append({name: without_picks_or_clock(html) for name, html in drawn.items()})
    right, wrong = outputs
    assert right.keys() == wrong.keys()
    for name in right:
        assert right[name] == wrong[name], name


def test_it_exports_marks_and_scores_once_the_exam_is_submitted(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    answer_everything(learner_client, session, correct_post_data)
    learner_client.post(f"/sessions/{session.pk}/submit/")
    [exported] = export_of(learner_client)["study"]["sessions"]
    assert exported["status"] == "submitted" and exported["correctness_withheld"] is False
    assert [a["is_correct"] for a in exported["answers"]] == [True] * session.question_total
    assert exported["correct"] == exported["total"] == session.question_total
    assert exported["scaled_score"] == session.exam.score_max and exported["passed"] is True
    assert sum(d["total"] for d in exported["report"]["domains"]) == session.question_total


def test_an_exam_past_its_deadline_is_submitted_before_it_is_exported(learner_client, learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    answer_everything(learner_client, session, correct_post_data)
    StudySession.objects.filter(pk=session.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    [exported] = export_of(learner_client)["study"]["sessions"]

    assert exported["status"] != "in_progress" and exported["correctness_withheld"] is False
    assert exported["correct"] == session.question_total  # what its results page says too


def test_it_exports_practice_marks_for_the_answers_already_marked(learner_client, learner, start):
    session = start(learner)
    first = session.items.get(position=1)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", wrong_post_data(first))
    [exported] = export_of(learner_client)["study"]["sessions"]
    assert exported["status"] == "in_progress" and exported["correctness_withheld"] is False
    assert [a["is_correct"] for a in exported["answers"]] == [False] + [None] * (session.question_total - 1)


@pytest.mark.parametrize("mode", OPEN_MODES)
def test_it_exports_answers_as_the_learner_saw_the_choices_never_by_id(learner_client, learner, start, mode):
    """Stored responses name choices by id, and ids can tell the answer: a matching saved as
    {"12": 12} is right, and the order of ids follows how the choices were created."""
    session = start(learner, mode=mode)
    answer_everything(learner_client, session, correct_post_data)
    [exported] = export_of(learner_client)["study"]["sessions"]
    for item, answer in zip(session.items.all(), exported["answers"], strict=True):
        assert answer["answer"] == as_the_learner_saw_it(item, correct_post_data(item)), item.question.type


def as_the_learner_saw_it(item, posted: dict) -> list[str]:
    """The answer the form posted, in words, in the order the card showed the choices."""
    choices = {c.pk: c for c in item.question.choices.all()}
    shown = [choices[pk] for pk in item.choice_order]
    if item.question.type == "ordering":
        steps = sorted(range(len(shown)), key=lambda i: int(posted[f"pos-{i}"]))
        return [f"{n}. {shown[i].text}" for n, i in enumerate(steps, start=1)]
    if item.question.type == "matching":
        offered = [choices[pk] for pk in item.match_order]
        return [f"{c.text} → {offered[int(posted[f'match-{i}'])].match_text}" for i, c in enumerate(shown)]
    return [c.text for i, c in enumerate(shown) if str(i) in posted["choice"]]
