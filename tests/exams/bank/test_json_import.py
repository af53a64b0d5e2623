import json

import pytest

from exams.bank.importing import bank_import
from exams.bank.records import ImportRefused
from exams.models import Objective, Question
from tests.exams.bank.conftest import FILES

pytestmark = pytest.mark.django_db


def import_json(data: bytes, *, exam, objective=None, name="questions.json"):
    return bank_import(exam=exam, data=data, format_key="json", objective=objective, filename=name)


def test_a_question_keeps_its_own_objective_and_one_without_takes_the_chosen_one(test_exam):
    chosen = Objective.objects.get(domain__exam=test_exam, number="2.1")
    result = import_json((FILES / "questions.json").read_bytes(), exam=test_exam, objective=chosen)
    snmp, dhcp = Question.objects.filter(pk__in=result.created).order_by("pk")
    assert (snmp.objective.number, snmp.difficulty, snmp.reference_url) == ("1.2", 2, "https://www.rfc-editor.org/rfc/rfc3417")
    assert snmp.tag_list == ["snmp", "ports"]
    assert (dhcp.objective.number, dhcp.type, dhcp.difficulty) == ("2.1", "ordering", 4)
    assert [c.text for c in dhcp.choices.all()] == ["Discover", "Offer", "Request", "Acknowledge"]
    assert snmp.review_status == dhcp.review_status == Question.ReviewStatus.PENDING


def test_problems_name_the_question_key_and_its_line(test_exam, objective):
    document = json.loads((FILES / "questions.json").read_text())
    document["questions"][1]["choices"][0]["explanation"] = ""
    document["questions"][0]["objective"] = "7.7"
    document["questions"][0]["reference"] = "javascript:alert(1)"
    document["questions"][0]["points"] = 40
    data = json.dumps(document, indent=2).encode()
    with pytest.raises(ImportRefused) as refused:
        import_json(data, exam=test_exam, objective=objective)
    assert refused.value.problems == [
        "Question 1 “imp-001” (line 3): Points: Ensure this value is less than or equal to 10.",
        "Question 1 “imp-001” (line 3): The reference must be an http(s) URL of at most 500 characters.",
        "Question 1 “imp-001” (line 3): Objective 7.7 is not in PTP-100's blueprint.",
        "Question 2 “imp-002” (line 39): Every choice needs an explanation of why it is right or wrong.",
    ]
    assert not Question.objects.filter(stem__contains="SNMP").exists()


def test_a_file_for_another_exam_is_refused(test_exam, objective):
    document = {"exam": {"code": "SY0-701"}, "questions": json.loads((FILES / "questions.json").read_text())["questions"]}
    with pytest.raises(ImportRefused, match="The file is for SY0-701, not PTP-100."):
        import_json(json.dumps(document).encode(), exam=test_exam, objective=objective)


@pytest.mark.parametrize("data, message", [
    (b'{"questions": [\n  {"stem": "x",}\n]}', "Line 2: the file is not valid JSON (Expecting property name enclosed in double quotes)."),
    (b'{"items": []}', 'The file has no "questions" list (see exams/seed_data/FORMAT.md).'),
    (b'{"questions": []}', "The file holds no questions."),
    (b'{"questions": [{"type": "single"}]}', "Question 1 (line 1): It has no 'stem' field."),
    (b'{"questions": [{"stem": "Which?", "difficulty": "hard"}]}',
     "Question 1 (line 1): A field is of the wrong kind (invalid literal for int() with base 10: 'hard')."),
    (b'{"questions": [{"stem": "Which?", "simulation_data": [1]}]}',
     "Question 1 (line 1): A field is of the wrong kind (simulation_data must be an object)."),
])
def test_malformed_json_gets_a_clear_message(test_exam, objective, data, message):
    with pytest.raises(ImportRefused) as refused:
        import_json(data, exam=test_exam, objective=objective)
    assert refused.value.problems == [message]
