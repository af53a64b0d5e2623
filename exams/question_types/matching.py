import math
import random
from collections.abc import Collection, Mapping, Sequence

from exams.question_types.base import (
    CardRow,
    ChoiceData,
    InvalidAnswer,
    PartMark,
    QuestionType,
    distinct_texts,
    index_in,
    int_or_none,
)


class Matching(QuestionType):
    key = "matching"
    label = "Matching"
    badge = "Match each item · all-or-nothing"
    shows_summary = True
    every_choice_correct = True
    pairs = True
    input_template = "questions/matching_input.jinja"
    review_template = "questions/matching_review.jinja"
    ai_default_share = 5  # of an AI job's questions, unless the moderator asks otherwise
    ai_rule = 'matching: 3 to 5 items, all correct, each with "match" set to the distinct text it pairs with.'

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        errors = []
        if not 3 <= len(choices) <= 8:
            errors.append("A matching question needs 3 to 8 pairs.")
        targets = [c.match_text for c in choices]
        if any(not t.strip() for t in targets):
            errors.append("Every matching item needs the text it matches.")
        elif not distinct_texts(targets):
            errors.append("The texts items match must be distinct.")
        return errors

    def prepare(self, choice_ids: Sequence[int], rng: random.Random) -> tuple[list[int], list[int]]:
        choice_order, match_order = list(choice_ids), list(choice_ids)
        rng.shuffle(choice_order)
        rng.shuffle(match_order)
        return choice_order, match_order

    def card_rows(self, shown: Sequence, *, response, match_order: Sequence[int], posted: Mapping | None,
                  struck: Collection[int] = ()) -> list[CardRow]:
        rows = []
        for i, c in enumerate(shown):
            if posted is not None:
                match = int_or_none(posted.get(f"match-{i}"))
            else:
                target = response.get(str(c.pk)) if isinstance(response, dict) else None
                match = match_order.index(target) if target in match_order else None
            rows.append(CardRow(i, chr(65 + i), c, match=match))
        return rows

    def review_marks(self, choices: Sequence, response) -> dict[int, PartMark]:
        given = response if isinstance(response, dict) else {}
        by_id = {c.pk: c for c in choices}
        marks = {}
        for item in choices:
            target = by_id.get(given.get(str(item.pk)))
            marks[item.pk] = PartMark(target is item, f"You matched: {target.match_text}" if target else "You left it unmatched.")
        return marks

    def answer_given(self, data: Mapping) -> bool:
        return any(data.get(key) for key in data if key.startswith("match-"))

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        matches = {}
        for i, choice_id in enumerate(choice_order):
            raw = data.get(f"match-{i}")
            if raw in (None, ""):
                raise InvalidAnswer("Match every item.")
            matches[str(choice_id)] = match_order[index_in(raw, len(match_order))]
        if len(set(matches.values())) != len(matches):
            raise InvalidAnswer("Each answer on the right can be used only once.")
        return matches

    def score(self, choices: Sequence, response, *, question=None) -> float:
        return float(len(response) == len(choices) and all(response.get(str(c.pk)) == c.pk for c in choices))

    def summary(self, response, *, choice_order: Sequence[int], choices_by_id: Mapping, question=None) -> list[str]:
        return [
            f"{choices_by_id[left].text} → {choices_by_id[right].match_text}"
            for left in choice_order
            if left in choices_by_id and (right := response.get(str(left))) in choices_by_id
        ]

    def guessing_chance(self, *, options: int, match_options: int, choose_count: int) -> float:
        return 1 / math.perm(max(match_options, options), options) if options else 0.0
