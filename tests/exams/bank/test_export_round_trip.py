import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exams.bank.exporting import bank_export
from exams.bank.importing import bank_import
from exams.models import Question

pytestmark = pytest.mark.django_db


MOODLE_TYPES = {"single", "multiple", "truefalse", "matching", "ordering"}  # the rest are performance-based


def content(exam, types=None):
    """What a question says, without its id or review state, for every question of the exam."""
    rows = []
    questions = Question.objects.filter(exam=exam).prefetch_related("choices").select_related("objective")
    for q in questions.filter(type__in=types) if types else questions:
        rows.append((q.objective.number, q.type, q.choose_count, q.difficulty, q.stem, q.explanation, q.reference_url,
                     q.tags, q.points, q.simulation_data,
                     tuple((c.text, c.is_correct, c.explanation, c.match_text) for c in q.choices.all())))
    return sorted(rows)


@pytest.mark.parametrize("format_key, types", [("json", None), ("moodle", MOODLE_TYPES)])
def test_an_export_imports_again_as_it_was(test_exam, format_key, types):
    before = content(test_exam, types)
    left_out = sorted(Question.objects.filter(exam=test_exam).exclude(type__in=types or [""]).values_list("seed_key", flat=True))
    export = bank_export(exam=test_exam, format_key=format_key)
    assert export.count == len(before) and sorted(export.skipped) == (left_out if types else [])
    Question.objects.filter(exam=test_exam).delete()

    result = bank_import(exam=test_exam, data=export.data, format_key=format_key, objective=None, filename=export.filename)

    assert len(result.created) == len(before) and result.duplicates == []
    assert content(test_exam) == before  # objectives from the file (JSON) or its categories (Moodle)
    assert set(Question.objects.filter(exam=test_exam).values_list("review_status", flat=True)) == {"pending"}


def test_the_json_export_is_a_seed_file(test_exam):
    document = json.loads(bank_export(exam=test_exam, format_key="json").data)
    assert document["exam"]["code"] == "PTP-100" and document["exam"]["price_usd"] == "0.00"
    assert [d["weight"] for d in document["domains"]] == [60, 40]
    assert document["questions"][0]["key"] == "ptp-100-001"


def test_the_moodle_export_files_each_objective_as_a_category(test_exam):
    xml = bank_export(exam=test_exam, format_key="moodle").data.decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert "<text>$course$/top/PTP-100/1.1 Explain IP addressing.</text>" in xml
    assert '<question type="multichoice">' in xml and '<question type="matching">' in xml


def test_the_commands_export_to_a_file_and_import_it(test_exam, tmp_path):
    path = tmp_path / "bank.xml"
    written = Question.objects.filter(exam=test_exam, type__in=MOODLE_TYPES).count()
    err = StringIO()
    call_command("bank_export", "PTP-100", "--format", "moodle", "-o", str(path), stderr=err)
    assert f"Wrote {written} question(s) of PTP-100" in err.getvalue()
    out = StringIO()
    call_command("bank_import", str(path), "--exam", "PTP-100", stdout=out)  # the format from the extension
    assert out.getvalue().count("skipped, a near-duplicate of question #") == written
    assert f"Imported 0 question(s) into PTP-100, pending review; {written} near-duplicate(s) skipped." in out.getvalue()


def test_the_export_command_writes_json_to_standard_output(test_exam):
    out = StringIO()
    call_command("bank_export", "PTP-100", stdout=out)
    assert len(json.loads(out.getvalue())["questions"]) == Question.objects.filter(exam=test_exam).count()


def test_the_import_command_lists_every_problem_and_imports_nothing(test_exam, tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text("::A::Which port does LDAP use? {=389 # Right. ~636 # LDAPS.\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported from broken.gift: 1 problem"):
        call_command("bank_import", str(path), "--exam", "PTP-100", "--objective", "1.2", stderr=err)
    assert "Question 1 “A” (line 1): The answer block opened with “{” on line 1 is never closed with “}”." in err.getvalue()


@pytest.mark.parametrize("args, message", [
    (["x.json", "--exam", "NOPE"], "No exam with code 'NOPE'."),
    (["x.json", "--exam", "PTP-100", "--objective", "9.9"], "PTP-100 has no objective '9.9'."),
    (["x.docx", "--exam", "PTP-100"], "Cannot tell the format of x.docx: give --format"),
    (["missing.json", "--exam", "PTP-100"], "Cannot read missing.json: No such file or directory."),
])
def test_the_import_command_explains_bad_arguments(test_exam, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call_command("bank_import", *args)
