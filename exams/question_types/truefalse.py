import random
from collections.abc import Sequence
from dataclasses import replace

from exams.question_types.base import ChoiceData
from exams.question_types.pick import PickType


class TrueFalse(PickType):
    key = "truefalse"
    label = "True / false"
    shuffled = False  # True comes before False, as everyone expects
    ai_default_share = 10  # of an AI job's questions, unless the moderator asks otherwise
    ai_rule = 'truefalse: exactly two choices, "True" and "False", one correct, "choose": 1.'

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        errors = []
        if len(choices) != 2 or {c.text.strip().casefold() for c in choices} != {"true", "false"}:
            errors.append('A true/false question has exactly two choices, "True" and "False".')
        if sum(1 for c in choices if c.is_correct) != 1:
            errors.append("A true/false question needs exactly one correct choice.")
        return errors

    def normalised(self, choices: Sequence[ChoiceData]) -> list[ChoiceData]:
        """"true" from a model or a file is stored as "True"."""
        return [replace(c, text=c.text.strip().capitalize()) for c in super().normalised(choices)]

    def prepare(self, choice_ids: Sequence[int], rng: random.Random) -> tuple[list[int], list[int]]:
        return list(choice_ids), []
