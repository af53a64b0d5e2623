import math
from collections.abc import Collection, Mapping, Sequence

from exams.question_types.base import (
    CardRow,
    ChoiceData,
    InvalidAnswer,
    PartMark,
    QuestionType,
    index_in,
    int_or_none,
)


def in_correct_order(choices: Sequence) -> list:
    """The steps in the order that is the answer: their positions, ties by id."""
    return sorted(choices, key=lambda c: (c.position, c.pk))


class Ordering(QuestionType):
    key = "ordering"
    label = "Ordering"
    badge = "Put in order · all-or-nothing"
    shows_summary = True
    every_choice_correct = True
    input_template = "questions/ordering_input.jinja"
    review_template = "questions/ordering_review.jinja"
    ai_default_share = 5  # of an AI job's questions, unless the moderator asks otherwise
    ai_rule = ("ordering: 4 to 6 steps listed IN THE CORRECT ORDER, all correct; each explanation says why the "
               "step is at that position; the stem says what to order.")

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        return [] if 3 <= len(choices) <= 8 else ["An ordering question needs 3 to 8 steps."]

    def card_rows(self, shown: Sequence, *, response, match_order: Sequence[int], posted: Mapping | None,
                  struck: Collection[int] = ()) -> list[CardRow]:
        given = list(response) if isinstance(response, list) else []
        rows = []
        for i, c in enumerate(shown):
            if posted is not None:
                position = int_or_none(posted.get(f"pos-{i}"))
            else:
                position = given.index(c.pk) + 1 if c.pk in given else None
            rows.append(CardRow(i, chr(65 + i), c, position=position))
        if response is not None or posted is not None:
            rows.sort(key=lambda row: row.position or 0)  # in the learner's order: moving one step keeps the others
        return rows

    def review_order(self, shown: Sequence) -> list:
        return in_correct_order(shown)

    def review_marks(self, choices: Sequence, response) -> dict[int, PartMark]:
        given = list(response) if isinstance(response, list) else []
        marks = {}
        for n, step in enumerate(in_correct_order(choices), start=1):
            at = given.index(step.pk) + 1 if step.pk in given else None
            marks[step.pk] = PartMark(at == n, f"You put it at {at}." if at else "You gave it no position.")
        return marks

    def answer_given(self, data: Mapping) -> bool:
        # Every step always holds a position, so the page says whether one was moved.
        return data.get("touched") == "1"

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        size = len(choice_order)
        positions = {}
        for i in range(size):
            raw = data.get(f"pos-{i}")
            if raw in (None, ""):
                raise InvalidAnswer("Give every step a position.")
            position = index_in(raw, size + 1)  # positions are shown 1..n
            if position == 0:
                raise InvalidAnswer("Positions start at 1.")
            positions[i] = position - 1
        if sorted(positions.values()) != list(range(size)):
            raise InvalidAnswer("Each position can hold only one step; use every position once.")
        return [choice_order[i] for i, _ in sorted(positions.items(), key=lambda kv: kv[1])]

    def score(self, choices: Sequence, response, *, question=None) -> float:
        return float(list(response) == [c.pk for c in in_correct_order(choices)])

    def summary(self, response, *, choice_order: Sequence[int], choices_by_id: Mapping, question=None) -> list[str]:
        return [f"{n}. {choices_by_id[pk].text}" for n, pk in enumerate(response, start=1) if pk in choices_by_id]

    def guessing_chance(self, *, options: int, match_options: int, choose_count: int) -> float:
        return 1 / math.factorial(options) if options else 0.0
