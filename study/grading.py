"""Turning what a learner picked into a stored response, and grading it.

Pages refer to choices by their index in the item's `choice_order` (A, B, C ...) and, for
matching, to the offered targets by their index in `match_order`; responses are stored with
choice ids so grading never depends on display order. Every type is all-or-nothing.
"""

from collections.abc import Mapping, Sequence

from exams.models import Choice, Question


class InvalidAnswer(ValueError):
    """The submitted selection cannot be an answer to this question; the message says why."""


def _index(raw, size: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidAnswer("That choice is not one of this question's options.") from None
    if not 0 <= value < size:
        raise InvalidAnswer("That choice is not one of this question's options.")
    return value


def _count_word(n: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def response_from_form(question: Question, choice_order: Sequence[int], match_order: Sequence[int], data: Mapping) -> object:
    """Validate form data (a QueryDict or dict of lists) and return the response to store."""
    size = len(choice_order)
    kind = question.type
    if kind in (Question.Type.SINGLE, Question.Type.TRUE_FALSE):
        picks = data.getlist("choice") if hasattr(data, "getlist") else data.get("choice", [])
        if len(picks) != 1:
            raise InvalidAnswer("Pick one answer.")
        return [choice_order[_index(picks[0], size)]]
    if kind == Question.Type.MULTIPLE:
        picks = data.getlist("choice") if hasattr(data, "getlist") else data.get("choice", [])
        indices = {_index(p, size) for p in picks}
        if len(indices) != question.choose_count:
            raise InvalidAnswer(f"Pick exactly {_count_word(question.choose_count)} answers (you picked {len(indices)}).")
        return sorted(choice_order[i] for i in indices)
    if kind == Question.Type.ORDERING:
        positions = {}
        for i in range(size):
            raw = data.get(f"pos-{i}")
            if raw in (None, ""):
                raise InvalidAnswer("Give every step a position.")
            position = _index(raw, size + 1)  # positions are shown 1..n
            if position == 0:
                raise InvalidAnswer("Positions start at 1.")
            positions[i] = position - 1
        if sorted(positions.values()) != list(range(size)):
            raise InvalidAnswer("Each position can hold only one step; use every position once.")
        return [choice_order[i] for i, _ in sorted(positions.items(), key=lambda kv: kv[1])]
    if kind == Question.Type.MATCHING:
        matches = {}
        for i in range(size):
            raw = data.get(f"match-{i}")
            if raw in (None, ""):
                raise InvalidAnswer("Match every item.")
            matches[str(choice_order[i])] = match_order[_index(raw, len(match_order))]
        if len(set(matches.values())) != len(matches):
            raise InvalidAnswer("Each answer on the right can be used only once.")
        return matches
    raise InvalidAnswer("This question type cannot be answered.")


def is_correct(question: Question, choices: Sequence[Choice], response) -> bool:
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE, Question.Type.MULTIPLE):
        return sorted(response) == sorted(c.pk for c in choices if c.is_correct)
    if question.type == Question.Type.ORDERING:
        return list(response) == [c.pk for c in sorted(choices, key=lambda c: (c.position, c.pk))]
    if question.type == Question.Type.MATCHING:
        return all(response.get(str(c.pk)) == c.pk for c in choices) and len(response) == len(choices)
    return False
