"""The exam page stays short on a phone: the mastery list shows the weakest objectives and keeps
each domain's full list folded; the simulation button holds only its label (issue 29, defect 9)."""

import re

import pytest

from study.services import answer_record, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_mastery_shows_the_weakest_objectives_and_folds_every_domain(learner_client, learner, pro, start, test_exam):
    objectives = [o for d in test_exam.domains.all() for o in d.objectives.all()]
    for i in range(60):
        QuestionFactory(objective=objectives[i % len(objectives)], stem=f"Extra {i}?")
    session = start(learner, count=60)
    for item in session.items.all():
        weak = item.question.objective.number == "1.2"
        answer_record(item=item, data=wrong_post_data(item) if weak else correct_post_data(item))
    session_submit(session=session)

    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()

    mastery = page.split('aria-labelledby="mastery-title"')[1].split("</section>")[0]
    assert not re.search(r'<details class="mastery-domain"[^>]*\bopen\b', mastery)
    weakest = mastery.split('mastery-weakest"')[1].split("</ol>")[0]
    assert re.findall(r"<span>(\d\.\d) ", weakest)[0] == "1.2"
    assert len(re.findall(r'class="mastery-row"', weakest)) <= 5


def test_the_simulation_button_holds_only_its_label(learner_client, learner, start, test_exam):
    start(learner, mode="exam")  # the free simulation used: the button is disabled
    page = learner_client.get(f"/exams/{test_exam.code}/").content.decode()
    button = re.search(r"<button[^>]*>((?:(?!<button).)*?Start exam simulation.*?)</button>", page, re.S)
    assert "disabled" in button.group(0)
    # One box for the label and its note, so a narrow button wraps it as text, never as two columns.
    label = button.group(1).strip()
    assert label.startswith("<span") and label.endswith("</span>") and label.count("<span") == 2
    assert "1 free simulation per exam" in label
