import pytest

from exams.bank.importing import bank_import
from exams.bank.records import ImportRefused
from exams.models import Question
from pingtopass.markdown import render_markdown
from tests.exams.bank.conftest import FILES

pytestmark = pytest.mark.django_db


def import_gift(name, *, exam, objective):
    return bank_import(exam=exam, data=(FILES / name).read_bytes(), format_key="gift", objective=objective, filename=name)


def test_it_reads_titles_feedback_weights_true_false_and_matching(test_exam, objective):
    result = import_gift("gift_good.gift", exam=test_exam, objective=objective)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=result.created)}
    telnet, management, flooding, aaa, escapes = (questions[pk] for pk in result.created)

    assert telnet.stem == "Which TCP port does Telnet listen on by default?"
    assert telnet.explanation == "Telnet is TCP 23, and sends everything in clear text."
    assert [(c.text, c.is_correct, c.explanation) for c in telnet.choices.all()][:2] == [
        ("23", True, "Telnet's well-known port."), ("22", False, "That is SSH, Telnet's encrypted successor.")]
    # Positive weights are the keys of a multi-answer question; [html] text comes in as Markdown.
    assert (management.type, management.choose_count) == ("multiple", 2)
    assert management.stem == "Which **two** protocols encrypt a management session? (Choose two.)"
    assert [c.text for c in management.choices.filter(is_correct=True)] == ["SSHv2", "HTTPS"]
    # {TRUE#if wrong#if right}: each feedback goes to the choice it explains.
    assert [(c.text, c.is_correct, c.explanation) for c in flooding.choices.all()] == [
        ("True", True, "Right: it floods unknown unicast within the VLAN."), ("False", False, "It floods unknown unicast frames.")]
    assert flooding.explanation == "That is how the switch finds the destination."
    assert [(c.text, c.match_text, c.explanation) for c in aaa.choices.all()] == [
        ("Authentication", "Who are you?", "It proves identity."), ("Authorization", "What may you do?", "It grants permissions."),
        ("Accounting", "What did you do?", "It records activity.")]
    assert escapes.stem == "Which notation writes a literal { in GIFT?"
    assert render_markdown(escapes.choices.first().text) == "<p>A backslash before it: \\{</p>"
    assert all(q.review_status == Question.ReviewStatus.PENDING and q.objective == objective for q in questions.values())


def test_a_missing_closing_brace_imports_nothing_and_names_the_line(test_exam, objective):
    with pytest.raises(ImportRefused) as refused:
        import_gift("gift_missing_brace.gift", exam=test_exam, objective=objective)
    assert refused.value.problems == [
        "Question 1 “First” (line 1): The answer block opened with “{” on line 1 is never closed with “}”."]
    assert not Question.objects.filter(stem__contains="SMTP").exists()


def test_types_we_do_not_have_are_named(test_exam, objective):
    with pytest.raises(ImportRefused) as refused:
        import_gift("gift_unsupported.gift", exam=test_exam, objective=objective)
    assert refused.value.problems == [
        "Question 1 “Short answer” (line 1): It is a short-answer question, which cannot be imported "
        "(multiple choice, true/false and matching can).",
        "Question 2 “Numeric” (line 3): It is a numerical question, which cannot be imported "
        "(multiple choice, true/false and matching can).",
    ]


def test_matching_without_a_reason_per_pair_breaks_the_content_rules(test_exam, objective):
    data = b"::Pairs::Match them. {\n=SSH -> 22\n=DNS -> 53\n=HTTPS -> 443\n#### Ports.\n}\n"
    with pytest.raises(ImportRefused) as refused:
        bank_import(exam=test_exam, data=data, format_key="gift", objective=objective, filename="pairs.gift")
    assert refused.value.problems == ["Question 1 “Pairs” (line 1): GIFT has no feedback per matching pair: write why "
                                      "after each pair (=item -> target # why it matches)."]


def test_a_file_that_is_not_utf8_is_refused(test_exam, objective):
    with pytest.raises(ImportRefused, match="Line 2: the file is not UTF-8 text."):
        bank_import(exam=test_exam, data=b"// ok\n::T::Caf\xe9 {T####x}", format_key="gift", objective=objective,
                    filename="latin1.gift")


def test_a_near_duplicate_within_the_file_is_skipped_too(test_exam, objective):
    question = ("::{title}::Which transport protocol and port does LDAPS use by default{mark} {{=TCP 636 # Right. "
                "~TCP 389 # Plain LDAP. ~UDP 636 # Not UDP. ~TCP 3269 # The global catalog over TLS. #### LDAPS is TCP 636.}}")
    data = "\n\n".join([question.format(title="One", mark="?"), question.format(title="Two", mark="??")]).encode()
    result = bank_import(exam=test_exam, data=data, format_key="gift", objective=objective, filename="twice.gift")
    assert len(result.created) == 1
    assert result.duplicates == [
        f"Question 2 “Two” (line 3): skipped, a near-duplicate of question #{result.created[0]} (100% similar): "
        "“Which transport protocol and port does LDAPS use by default?”."]
