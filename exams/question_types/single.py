from collections.abc import Sequence

from exams.question_types.base import ChoiceData
from exams.question_types.pick import PickType


class Single(PickType):
    key = "single"
    label = "Single choice"
    ai_default_share = 60  # of an AI job's questions, unless the moderator asks otherwise
    ai_rule = 'single: 4 choices, exactly one with "correct": true, "choose": 1.'

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        errors = []
        correct = sum(1 for c in choices if c.is_correct)
        if not 3 <= len(choices) <= 8:
            errors.append("A single-choice question needs 3 to 8 choices.")
        if correct != 1:
            errors.append(f"A single-choice question needs exactly one correct choice (it has {correct}).")
        return errors
