from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exams.bank import records
from exams.bank.check import EXAM_RULES, bank_check
from exams.bank.records import exam_record_from_data
from exams.models import Question
from exams.question_types import TYPES
from exams.question_types.single import Single
from tests.exams.bank.banks import database_bank, seed_bank, write_bank


def check(*args):
    out = StringIO()
    call_command("bank_check", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seed_dir(tmp_path, monkeypatch):
    """bank_check --files reads exams/seed_data/<CODE>.json: here, a directory of the test's own."""
    monkeypatch.setattr(records, "SEED_DIR", tmp_path)
    return tmp_path


def test_it_passes_a_bank_that_keeps_every_rule_without_a_database(seed_dir, django_db_blocker):
    write_bank(seed_dir, seed_bank())
    with django_db_blocker.block():  # --files must not touch the database (CI runs it before seeding)
        output = check("BK-100", "--files")
    assert "BK-100 — Bank Check Exam (BK-100.json): 50 questions" in output
    assert "Difficulty: 1–2 10 (20%, target 20% ±7), 3 25 (50%, target 50% ±7), 4–5 15 (30%, target 30% ±7)" in output
    assert "1.0 Domain 1.0: 30 points, 60.0% (weight 60% ±2)" in output
    assert "Objectives: 5 of 5 hold ≥ 5 with an easy and a hard one" in output
    assert "key position A 24%, B 26%, C 26%, D 24%; key is the longest choice in 0.0%" in output
    assert "Every bank keeps the rules (BK-100)." in output


def test_it_fails_with_every_broken_rule_listed(seed_dir):
    data = seed_bank()
    questions = data["questions"]
    for q in questions[:20]:  # the key first, and the longest choice
        q["choices"] = [{**c, "correct": i == 0} for i, c in enumerate(q["choices"])]
        q["choices"][0]["text"] += " and a longer tail"
    questions[30]["stem"] = questions[31]["stem"].replace("w32x7", "other")  # one word of nine changed
    questions[40]["reference"] = "http://csrc.nist.gov/page"
    questions[41]["reference"] = "https://braindumps.example.com/q1"
    data["questions"] = [q for q in questions if not (q["objective"] == "2.2" and q["difficulty"] >= 4)]
    write_bank(seed_dir, data)

    with pytest.raises(CommandError, match="Rules broken in BK-100"):
        check("BK-100", "--files")
    out = StringIO()
    call_command("bank_check", "BK-100", "--files", "--warn-only", stdout=out)  # the same report, exit 0
    output = out.getvalue()
    assert "BK-100: 7 rule(s) broken:" in output
    assert "✗ The key is stored at position A in 55.3% of single-choice questions; at most 35%." in output
    assert "✗ The key is the longest choice in 42.6% of single-choice questions; at most 40%." in output
    assert "✗ 1 near-duplicate pair(s): bk-031 and bk-032." in output
    assert "✗ 2 reference(s) not https on an allowed host: bk-041, bk-042." in output
    assert "bk-041: http://csrc.nist.gov/page: not https" in output
    assert "bk-042: https://braindumps.example.com/q1: host braindumps.example.com is not on the allowed list" in output
    assert "✗ 1 objective(s) short of 5 questions with an easy (1–2) and a hard (4–5) one: 2.2." in output
    assert "Difficulty 4–5" not in output.split("rule(s) broken:")[1]  # 12 of 47 is within ±7
    assert "✗ 2.0 Domain 2.0: 17 points, 36.2% (weight 40% ±2)" in output
    assert "✗ Domain 2.0 holds 36.2% of the points; its weight is 40% (±2)." in output
    assert "(--warn-only: exit 0)" in output


def test_it_reads_the_database_by_default(db):
    exam = database_bank()
    assert "Every bank keeps the rules (BK-100)." in check("BK-100")
    # Only approved questions count: with its easy ones pending, objective 1.1 has none.
    Question.objects.filter(exam=exam, objective__number="1.1", difficulty__lte=2).update(
        review_status=Question.ReviewStatus.PENDING)
    out = StringIO()
    call_command("bank_check", "--warn-only", stdout=out)
    assert "1.1 Objective 1.1: 8 (no easy (1–2))" in out.getvalue()
    with pytest.raises(CommandError, match="Rules broken in BK-100"):
        check("BK-100")


def test_a_true_false_item_is_a_warning_unless_the_exam_forbids_it():
    data = seed_bank()
    data["questions"][0].update(type="truefalse", choices=[
        {"text": "True", "correct": True, "explanation": "Yes."}, {"text": "False", "explanation": "No."}])
    bank = exam_record_from_data(data, source="test")
    report = bank_check(bank)
    assert report.ok and report.warnings == ["1 true/false question(s): no such item on this exam."]
    strict = bank_check(bank, rules=EXAM_RULES["SAA-C03"])
    assert "1 true/false question(s): no such item on this exam." in strict.broken
    assert "Only Multiple choice and Single choice questions belong in this exam; found True / false 1." in strict.broken
    assert "50 approved questions; the bank needs at least 150." in strict.broken


class Drill(Single):
    """A performance-based type for the test, registered under its own key like any other."""

    key = "drill"
    performance_based = True


def test_performance_based_and_cli_labs_are_counted_through_the_registry(monkeypatch):
    monkeypatch.setitem(TYPES, "drill", Drill())
    data = seed_bank()
    for q in data["questions"][:3]:
        q["type"] = "drill"
    report = bank_check(exam_record_from_data(data, source="test"), rules=EXAM_RULES["200-301"])
    assert report.performance_based == 3
    assert "3 performance-based questions; at least 12 needed." in report.broken
    assert f"{report.cli_labs} CLI labs; at least 6 needed." in report.broken
    assert "0.0% of questions carry an exhibit; at least 40%." in report.broken


def test_a_fenced_code_block_or_an_image_is_an_exhibit():
    data = seed_bank()
    data["questions"][0]["stem"] = "Given this output:\n\n```text\nR1# show ip route\n```\n\nWhat next?"
    report = bank_check(exam_record_from_data(data, source="test"))
    assert report.exhibit_share == 2.0


def test_unknown_codes_and_unreadable_files_get_a_clear_message(seed_dir, db):
    with pytest.raises(CommandError, match="No seed file: NOPE.json"):
        check("NOPE", "--files")
    (seed_dir / "BAD.json").write_text("{\n  \"exam\": ", encoding="utf-8")
    with pytest.raises(CommandError, match=r"BAD.json: not valid JSON \(line 2"):
        check("BAD", "--files")
    with pytest.raises(CommandError, match="No exam with code NOPE in the database"):
        check("NOPE")

