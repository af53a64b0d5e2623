"""The quality gate: what a generated item must pass before it is saved as a pending question.

Type rules (correct-choice counts, distinct choices, no "all/none of the above", an explanation
for every choice) are exams.rules' — the one place that says what a well-formed question is.
This module adds what only generated text needs: sane lengths, a usable reference URL and no
near-duplicates. The near-duplicate comparison is the question bank's (exams/bank/similarity.py),
so the gate, the importers and the bank check agree on what a near-duplicate is.
"""

import hashlib

from aigen.schema import GeneratedQuestion
from exams.bank.similarity import Duplicate, DuplicateFinder, normalise
from exams.models import DIFFICULTY_MAX, DIFFICULTY_MIN
from exams.question_types import ChoiceData, question_errors, question_type
from exams.rules import link_errors

STEM_CHARS = (15, 1500)
EXPLANATION_CHARS = (20, 3000)
CHOICE_CHARS = (1, 400)
CHOICE_EXPLANATION_CHARS = (10, 1000)
MATCH_CHARS = 300  # Choice.match_text
URL_CHARS = 500  # Question.reference_url

__all__ = ["Duplicate", "DuplicateFinder", "choice_data", "choose_count", "item_problems", "normalise", "stem_key"]


def stem_key(stem: str) -> str:
    return hashlib.sha256(normalise(stem).encode()).hexdigest()


def choice_data(item: GeneratedQuestion) -> list[ChoiceData]:
    """The item's choices as its type stores them (all correct where the order or pairing is the answer)."""
    return question_type(item.type).normalised(
        [ChoiceData(text=c.text, is_correct=c.correct, explanation=c.explanation, match_text=c.match) for c in item.choices]
    )


def simulation_data(item: GeneratedQuestion) -> dict:
    """What a type answered through its data keeps of the item (a rule table's table); {} otherwise."""
    generated = getattr(item, item.type, None)
    return question_type(item.type).ai_data(generated.model_dump() if generated is not None else None)


def choose_count(item: GeneratedQuestion) -> int:
    return question_type(item.type).choose_count(item.choose)


def _length_problem(label: str, text: str, bounds: tuple[int, int]) -> str | None:
    low, high = bounds
    if not low <= len(text) <= high:
        return f"{label} is {len(text)} characters long; it must be {low} to {high}."
    return None


def item_problems(item: GeneratedQuestion) -> list[str]:
    """Everything wrong with one generated item except duplication, as sentences."""
    problems = question_errors(question_type=item.type, choose_count=choose_count(item), choices=choice_data(item),
                               data=simulation_data(item))
    checks = [
        _length_problem("The stem", item.stem, STEM_CHARS),
        _length_problem("The explanation", item.explanation, EXPLANATION_CHARS),
    ]
    for number, choice in enumerate(item.choices, start=1):
        checks.append(_length_problem(f"Choice {number}", choice.text, CHOICE_CHARS))
        if choice.explanation:
            checks.append(_length_problem(f"Choice {number}'s explanation", choice.explanation, CHOICE_EXPLANATION_CHARS))
        if len(choice.match) > MATCH_CHARS:
            checks.append(f"Choice {number}'s match text is longer than {MATCH_CHARS} characters.")
    problems += [problem for problem in checks if problem]
    if not DIFFICULTY_MIN <= item.difficulty <= DIFFICULTY_MAX:
        problems.append(f"Difficulty {item.difficulty} is outside {DIFFICULTY_MIN} to {DIFFICULTY_MAX}.")
    problems += link_errors("The reference", item.reference_url, required=True, max_length=URL_CHARS)
    return problems
