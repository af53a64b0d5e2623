"""The gate on its own: what it refuses and why, in the words a moderator reads in the call log."""


import pytest

from aigen.quality import DuplicateFinder, item_problems, normalise
from aigen.schema import UnreadableAnswer, batch_items, item_parse, response_format
from tests.aigen.samples import GOOD, with_changes


def problems(raw: dict) -> list[str]:
    item, schema_problems = item_parse(raw)
    return schema_problems if item is None else item_problems(item)


def test_good_items_of_every_type_pass():
    assert [problems(item) for item in GOOD] == [[]] * len(GOOD)


@pytest.mark.parametrize("change, expected", [
    ({"choose": 3}, "This question says choose 3 but has 2 correct choices."),
    ({"choices": GOOD[5]["choices"][:2]}, "needs more choices than it asks to choose"),
])
def test_multiple_choice_needs_its_choose_count(change, expected):
    assert any(expected in p for p in problems(with_changes(GOOD[5], **change)))


def test_single_choice_needs_exactly_one_correct_answer():
    none_correct = with_changes(GOOD[0], choices=[dict(c, correct=False) for c in GOOD[0]["choices"]])
    assert "A single-choice question needs exactly one correct choice (it has 0)." in problems(none_correct)


def test_true_false_has_two_choices():
    three = with_changes(GOOD[6], choices=[*GOOD[6]["choices"], {"text": "Maybe", "correct": False,
                                                                 "explanation": "Not an option here."}])
    assert 'A true/false question has exactly two choices, "True" and "False".' in problems(three)


def test_choices_are_distinct_and_never_all_or_none_of_the_above():
    repeated = with_changes(GOOD[0], choices=[*GOOD[0]["choices"][:3], dict(GOOD[0]["choices"][1])])
    assert "Choices must be distinct." in problems(repeated)
    none_above = with_changes(GOOD[0], choices=[*GOOD[0]["choices"][:3], {
        "text": "None of the above", "correct": False, "explanation": "A filler choice."}])
    assert '"All/none of the above" choices are not allowed.' in problems(none_above)


def test_matching_items_need_their_pairs():
    unpaired = with_changes(GOOD[8], choices=[dict(c, match="") for c in GOOD[8]["choices"]])
    assert "Every matching item needs the text it matches." in problems(unpaired)


def test_lengths_difficulty_and_reference_are_checked():
    found = problems(with_changes(GOOD[0], stem="SSH?", explanation="x" * 3001, difficulty=7,
                                  reference_url="ftp://example.com/spec"))
    assert "The stem is 4 characters long; it must be 15 to 1500." in found
    assert "The explanation is 3001 characters long; it must be 20 to 3000." in found
    assert "Difficulty 7 is outside 1 to 5." in found
    assert "The reference must be an http(s) URL of at most 500 characters." in found


def test_schema_problems_name_the_field():
    assert problems({"type": "single", "stem": "Which port?"}) == [
        "Schema: difficulty: Field required", "Schema: explanation: Field required",
        "Schema: reference_url: Field required", "Schema: choices: Field required",
    ]


def test_a_stray_key_costs_only_that_key_and_the_schema_still_forbids_others():
    item = {**GOOD[0], "id": 7, "choices": [{**c, "letter": "A"} for c in GOOD[0]["choices"]]}
    assert problems(item) == []
    schema = response_format()["json_schema"]["schema"]
    objects = [schema, *schema["$defs"].values()]  # the batch, a question, a choice, a table's parts
    assert len(objects) == 7 and all(o["additionalProperties"] is False for o in objects)


def test_normalising_ignores_case_punctuation_and_spacing():
    assert normalise("  Which PORT does\tSSH use?? ") == "which port does ssh use"


@pytest.mark.parametrize("stem, duplicate", [
    ("which transport protocol does ssh use by default", True),  # same words, other case and punctuation
    ("Which transport protocol does SSH use by default these days?", True),  # 0.89
    ("Which transport protocol does Telnet use by default?", True),  # one word of eight changed: 0.875
    ("Which port does Telnet use?", False),
    ("Which application-layer protocol does SSH replace?", False),
])
def test_near_duplicates_are_found_above_the_threshold(stem, duplicate):
    finder = DuplicateFinder([(7, "Which transport protocol does SSH use by default?")], threshold=0.85)
    found = finder.find(stem)
    assert (found is not None) == duplicate
    if found:
        assert str(found).startswith("Near-duplicate of question #7 (")


def test_json_is_read_from_plain_text_fences_and_prose():
    assert batch_items('{"questions": [{"stem": "a"}]}') == [{"stem": "a"}]
    assert batch_items('Here:\n```json\n{"questions": [{"stem": "b {x}"}]}\n```\nDone.') == [{"stem": "b {x}"}]
    assert batch_items('Sure! {"questions": [{"stem": "c"}]} Anything else?') == [{"stem": "c"}]
    with pytest.raises(UnreadableAnswer):
        batch_items("I cannot write questions about that.")
    with pytest.raises(UnreadableAnswer, match='no "questions" list'):
        batch_items('{"items": []}')
