import pytest

from accounts.models import AuditEvent
from exams.bank.importing import bank_import
from exams.bank.records import ImportRefused
from exams.models import Question
from pingtopass.markdown import render_markdown
from tests.exams.bank.conftest import FILES

pytestmark = pytest.mark.django_db


def import_file(name, *, exam, objective=None, format_key="moodle"):
    return bank_import(exam=exam, data=(FILES / name).read_bytes(), format_key=format_key, objective=objective,
                       filename=name)


def imported(exam):
    return Question.objects.filter(exam=exam, review_status=Question.ReviewStatus.PENDING).order_by("pk")


def test_it_imports_every_supported_type_pending_review(test_exam, objective):
    result = import_file("moodle_good.xml", exam=test_exam, objective=objective)

    questions = list(imported(test_exam))
    assert len(result.created) == 5 and [q.pk for q in questions] == result.created  # the description is no question
    assert [(q.type, q.choose_count) for q in questions] == [
        ("single", 1), ("multiple", 2), ("truefalse", 1), ("matching", 1), ("ordering", 1)]
    assert {q.objective for q in questions} == {objective}  # another site's category: the objective chosen
    assert all(q.source == Question.Source.HUMAN and not q.is_servable for q in questions)

    loopback, multi, truefalse, matching, ordering = questions
    assert loopback.stem == "Which IPv4 address does a host use to reach **itself**?"
    assert loopback.explanation == "The whole 127.0.0.0/8 block is loopback; 127.0.0.1 is the usual one."
    assert loopback.tag_list == ["ipv4", "addressing"] and loopback.difficulty == 3
    assert [(c.text, c.is_correct, c.explanation) for c in loopback.choices.all()][:2] == [
        ("169.254.0.1", False, "That is a link-local (APIPA) address."), ("127.0.0.1", True, "Right: *loopback*.")]
    assert [c.text for c in multi.choices.filter(is_correct=True)] == ["SSH", "HTTPS"]
    assert [(c.text, c.is_correct) for c in truefalse.choices.all()] == [("True", True), ("False", False)]
    assert [(c.text, c.match_text, c.explanation) for c in matching.choices.all()][0] == ("SSH", "22", "Secure Shell listens on 22.")
    assert [c.text for c in ordering.choices.all()] == ["Physical", "Data link", "Network", "Transport"]  # Moodle's numbering
    assert "Imported from moodle_good.xml (Moodle XML)." in loopback.review_note
    assert result.notes == [f"Question 1 “Loopback address” (line 7) (now #{loopback.pk}): 1 image(s) dropped: "
                            "attach the exhibit in admin before approving."]
    assert AuditEvent.objects.filter(action="questions_imported", target_id=str(test_exam.pk)).exists()


def test_html_comes_in_as_markdown_without_scripts_or_handlers(test_exam, objective):
    import_file("moodle_good.xml", exam=test_exam, objective=objective)
    stem = imported(test_exam).first().stem
    html = render_markdown(stem)
    assert "<script" not in stem and "alert" not in stem and "onerror" not in stem and "<img" not in stem
    assert html == "<p>Which IPv4 address does a host use to reach <strong>itself</strong>?</p>"


def test_a_question_that_breaks_the_content_rules_imports_nothing_and_is_named(test_exam, objective):
    before = Question.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_file("moodle_bad_rules.xml", exam=test_exam, objective=objective)
    assert refused.value.problems == [
        'Question 2 “Two keys” (line 13): "All/none of the above" choices are not allowed.',
        "Question 2 “Two keys” (line 13): Every choice needs an explanation of why it is right or wrong.",
        "Question 2 “Two keys” (line 13): A single-choice question needs exactly one correct choice (it has 2).",
        "Question 3 “Essay” (line 23): Moodle question type “essay” cannot be imported "
        "(only multichoice, truefalse, matching, ordering).",
    ]
    assert Question.objects.count() == before  # not even the good first question


@pytest.mark.parametrize("name, message", [
    ("moodle_not_well_formed.xml", "Line 5: the file is not well-formed XML (mismatched tag)."),
    ("moodle_bomb.xml", "The file declares XML entities, which are not allowed (Moodle XML never needs them)."),
    ("moodle_external_entity.xml", "The file declares XML entities, which are not allowed (Moodle XML never needs them)."),
])
def test_unsafe_or_broken_xml_is_refused_without_expanding_anything(test_exam, objective, name, message):
    with pytest.raises(ImportRefused) as refused:
        import_file(name, exam=test_exam, objective=objective)
    assert refused.value.problems == [message]


def test_a_file_that_is_not_moodle_xml_is_refused(test_exam, objective):
    with pytest.raises(ImportRefused, match="not Moodle XML: it starts with <html>"):
        bank_import(exam=test_exam, data=b"<html><body>hi</body></html>", format_key="moodle", objective=objective,
                    filename="page.xml")


def test_without_an_objective_every_question_is_named(test_exam):
    with pytest.raises(ImportRefused) as refused:
        import_file("moodle_good.xml", exam=test_exam)
    assert refused.value.problems[0] == ("Question 1 “Loopback address” (line 7): It names no objective: choose the "
                                         "objective these questions go to.")
    assert len(refused.value.problems) == 5


def test_near_duplicates_of_the_bank_are_skipped_and_listed(test_exam, objective):
    import_file("moodle_good.xml", exam=test_exam, objective=objective)
    again = import_file("moodle_good.xml", exam=test_exam, objective=objective)
    assert again.created == []
    assert len(again.duplicates) == 5
    assert again.duplicates[0].startswith("Question 1 “Loopback address” (line 7): skipped, a near-duplicate of "
                                          "question #")
    assert imported(test_exam).count() == 5
