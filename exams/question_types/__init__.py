"""Question types: one module per type behind one interface (base.QuestionType), found here.

Adding a type: a module with its QuestionType subclass, its templates in templates/questions/,
its tests in tests/exams/question_types/, a value in exams.models.Question.Type, and a line
in TYPES below. Nothing else in the code branches on a type.
"""

import re
from collections.abc import Mapping, Sequence

from exams.question_types.base import CardRow, ChoiceData, InvalidAnswer, QuestionType
from exams.question_types.cli import CliLab
from exams.question_types.hotspot import Hotspot
from exams.question_types.matching import Matching
from exams.question_types.multiple import Multiple
from exams.question_types.ordering import Ordering
from exams.question_types.single import Single
from exams.question_types.table import Table
from exams.question_types.truefalse import TrueFalse

__all__ = ["AI_TYPES", "CardRow", "ChoiceData", "InvalidAnswer", "QuestionType", "TYPES", "question_errors", "question_type"]

TYPES: dict[str, QuestionType] = {kind.key: kind for kind in (Single(), Multiple(), TrueFalse(), Ordering(), Matching(), Hotspot(), Table(), CliLab())}

# The types an AI job may write: those that tell the model how (QuestionType.ai_rule).
AI_TYPES: dict[str, QuestionType] = {key: kind for key, kind in TYPES.items() if kind.ai_rule}

BANNED_CHOICE = re.compile(r"\b(all|none|both|neither) of the (above|following|options)\b", re.IGNORECASE)


def question_type(key: str) -> QuestionType:
    """The type a Question.Type value stands for; KeyError for one that is not registered."""
    return TYPES[key]


def question_errors(*, question_type: str, choose_count: int, choices: Sequence[ChoiceData],
                    data: Mapping | None = None) -> list[str]:
    """Everything wrong with a question's choices, as sentences a moderator can act on: the rules
    every type shares, then its type's, then its simulation_data's. Admin, the seed loader, imports
    and the AI gate call it."""
    kind = TYPES.get(question_type)
    if kind is None:
        return [f"Unknown question type {question_type!r}."]
    choices = kind.normalised(choices)
    errors: list[str] = []
    texts = [c.text.strip().casefold() for c in choices]
    if any(not t for t in texts):
        errors.append("Every choice needs text.")
    if len(set(texts)) != len(texts):
        errors.append("Choices must be distinct.")
    if any(BANNED_CHOICE.search(c.text) for c in choices):
        errors.append('"All/none of the above" choices are not allowed.')
    if any(not c.explanation.strip() for c in choices):
        errors.append("Every choice needs an explanation of why it is right or wrong.")
    return errors + kind.content_errors(choose_count=choose_count, choices=choices) + kind.data_errors(data or {})
