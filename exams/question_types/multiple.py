from collections.abc import Mapping, Sequence

from exams.question_types.base import ChoiceData, InvalidAnswer, form_values, index_in
from exams.question_types.pick import PickType

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


class Multiple(PickType):
    key = "multiple"
    label = "Multiple choice"
    input_field = "checkbox"
    wrong_hint = "Multiple-choice questions are all-or-nothing: every correct choice and no other."
    ai_default_share = 20  # of an AI job's questions, unless the moderator asks otherwise
    ai_rule = ('multiple: 5 or 6 choices, exactly "choose" (2 or 3) of them correct; the stem ends "(Choose two.)" '
               'or "(Choose three.)".')

    def choose_count(self, requested: int) -> int:
        return requested

    def badge_for(self, question) -> str:
        return f"{question.choose_label} · all-or-nothing"

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        errors = []
        correct = sum(1 for c in choices if c.is_correct)
        if choose_count < 2:
            errors.append('A multiple-choice question must ask to "choose" two or more.')
        if correct != choose_count:
            errors.append(f"This question says choose {choose_count} but has {correct} correct choices.")
        if len(choices) <= choose_count:
            errors.append("A multiple-choice question needs more choices than it asks to choose.")
        return errors

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        indices = {index_in(p, len(choice_order)) for p in form_values(data, "choice")}
        if len(indices) != choose_count:
            raise InvalidAnswer(
                f"Pick exactly {_WORDS.get(choose_count, choose_count)} answers (you picked {len(indices)})."
            )
        return sorted(choice_order[i] for i in indices)
