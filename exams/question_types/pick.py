"""What the types that are answered by picking choices share: single, multiple and true/false."""

import math
from collections.abc import Mapping, Sequence

from exams.question_types.base import InvalidAnswer, QuestionType, form_values, index_in


class PickType(QuestionType):
    input_template = "questions/pick_input.jinja"
    review_template = "questions/pick_review.jinja"
    input_field = "radio"

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        picks = form_values(data, "choice")
        if len(picks) != 1:
            raise InvalidAnswer("Pick one answer.")
        return [choice_order[index_in(picks[0], len(choice_order))]]

    def score(self, choices: Sequence, response, *, question=None) -> float:
        return float(sorted(response) == sorted(c.pk for c in choices if c.is_correct))

    def picked_ids(self, response) -> set[int]:
        return set(response) if isinstance(response, list) else set()

    def guessing_chance(self, *, options: int, match_options: int, choose_count: int) -> float:
        return 1 / math.comb(options, min(choose_count, options)) if options else 0.0
