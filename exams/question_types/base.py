"""What every question type answers for: one interface, one module per type (Moodle's habit).

A type says which content is well formed, how its choices are put in front of a learner, how a
submitted answer is read and graded, how the answer reads back in words, which templates draw it
and what the AI must write for it. Code elsewhere asks `question_type(question.type)` (or
`question.kind`) and never compares a type value.

Pages refer to choices by their index in the item's `choice_order` (A, B, C ...) and, for
matching, to the offered targets by their index in `match_order`; responses are stored with
choice ids, so grading never depends on the order shown, and nothing in a page tells a correct
choice's id.
"""

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from pingtopass.fragments import fragment


class InvalidAnswer(ValueError):
    """The submitted selection cannot be an answer to this question; the message says why."""


@dataclass(frozen=True)
class ChoiceData:
    """A choice as content rules see it, wherever it comes from (admin, seed file, AI, import)."""

    text: str
    is_correct: bool
    explanation: str = ""
    match_text: str = ""


@dataclass
class CardRow:
    """One choice on a learner's card: its index and letter (what the page sends back), the
    choice, and what the learner has given for it so far."""

    index: int
    letter: str
    choice: object
    picked: bool = False
    position: int | None = None  # ordering: the 1-based position given
    match: int | None = None  # matching: index in match_order of the target given
    struck: bool = False  # struck out by the learner as eliminated (pick types)


@dataclass(frozen=True)
class PartMark:
    """The learner's part of an answer to one choice (a step's position, an item's match)."""

    right: bool
    note: str


def form_values(data: Mapping, key: str) -> list:
    """Every value of a form field, from a QueryDict or a dict of lists."""
    return data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])


def index_in(raw, size: int) -> int:
    """A choice index sent by a page, checked against the number of options."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidAnswer("That choice is not one of this question's options.") from None
    if not 0 <= value < size:
        raise InvalidAnswer("That choice is not one of this question's options.")
    return value


def int_or_none(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def distinct_texts(texts: Sequence[str]) -> bool:
    folded = [t.strip().casefold() for t in texts]
    return len(set(folded)) == len(folded)


class QuestionType:
    key = ""  # the Question.Type value
    label = ""
    badge = ""  # a note beside the type's name on the card ("Put in order · all-or-nothing")
    wrong_hint = ""  # said with "Not quite." when an answer is wrong
    shows_summary = False  # the review lists the learner's answer in words (picks are marked on the choices instead)
    every_choice_correct = False  # the order or pairing is the answer, so every choice counts as correct
    pairs = False  # each choice has a text it matches (Choice.match_text)
    shuffled = True
    terminal = False  # True: the card has a terminal whose lines go to run_line (a CLI lab)
    uses_choices = True  # False: the question is answered through its simulation_data, not choices
    performance_based = False  # a hands-on task (hotspot, rule table, CLI lab): exam profiles may put these first
    input_template = ""
    review_template = ""
    ai_rule = ""  # this type's line of the instructions to the model (aigen/prompts.py)
    ai_default_share = 0  # its weight in an AI job's mix of types unless the moderator sets one
    ai_data_model = None  # a pydantic model of the simulation_data an AI job writes for this type, if any

    def badge_for(self, question) -> str:
        return self.badge

    # --- content ---------------------------------------------------------------------------
    def choose_count(self, requested: int) -> int:
        """How many choices an answer picks, from what an author or a model asked for."""
        return 1

    def normalised(self, choices: Sequence[ChoiceData]) -> list[ChoiceData]:
        """The choices as stored: where the order or pairing is the answer, every one is correct;
        a text to match only where the type pairs choices."""
        return [
            replace(c, is_correct=self.every_choice_correct or c.is_correct, match_text=c.match_text if self.pairs else "")
            for c in choices
        ]

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        """What is wrong with choices of this type beyond the rules every type shares."""
        raise NotImplementedError

    def data_errors(self, data: Mapping) -> list[str]:
        """What is wrong with the question's simulation_data; types answered by choices take none."""
        return ["This question type takes no simulation data."] if data else []

    # --- a learner's card ------------------------------------------------------------------
    def prepare(self, choice_ids: Sequence[int], rng: random.Random) -> tuple[list[int], list[int]]:
        """(choice_order, match_order) of a new session item: the order its choices are shown."""
        order = list(choice_ids)
        if self.shuffled:
            rng.shuffle(order)
        return order, []

    def card_rows(self, shown: Sequence, *, response, match_order: Sequence[int], posted: Mapping | None,
                  struck: Collection[int] = ()) -> list[CardRow]:
        """The card's choices with what the learner gave: the saved response, or, for a refused
        answer, the form as they left it (`posted`); `struck` holds the ids of choices struck out."""
        picked = {str(i) for i in form_values(posted, "choice")} if posted is not None else None
        saved = set(response) if isinstance(response, list) else set()
        return [
            CardRow(i, chr(65 + i), c, picked=(str(i) in picked) if picked is not None else c.pk in saved,
                    struck=c.pk in struck)
            for i, c in enumerate(shown)
        ]

    def render_input(self, *, rows: Sequence[CardRow], match_options: Sequence[tuple[int, str]]) -> Markup:
        return fragment(self.input_template, kind=self, rows=rows, match_options=match_options,
                        positions=range(1, len(rows) + 1))

    def board(self, question, *, response, posted: Mapping | None, reveal: bool, draft=None) -> dict:
        """What a type answered through its simulation_data draws on the card besides rows: the
        learner's work so far (or the refused form as they left it), and with `reveal` each part's
        result. `draft` is the item's work in progress. Nothing in it tells the key before `reveal`."""
        return {}

    def ai_data(self, generated: Mapping | None) -> dict:
        """The simulation_data of what an AI job wrote for this type (its ai_data_model as a dict)."""
        return {}

    def render_preview(self, question) -> Markup | str:
        """The card's inputs for the moderators' preview; choice questions list their choices there instead."""
        return ""

    def render_authoring(self, question) -> Markup | str:
        """What the admin's question form shows an author beside the data (a hotspot's diagram)."""
        return "Nothing to draw for this type."

    def public_data(self, question, *, response=None, draft=None) -> dict | None:
        """What an app needs to draw a question answered through its simulation_data (the JSON
        API), with the learner's work so far and nothing that tells the key; None for choices."""
        return None

    def run_line(self, question, draft, *, device: str, line: str, reset: bool = False) -> tuple[dict, dict]:
        """(new draft, the entry a terminal shows) after one typed line: only types with a terminal."""
        raise NotImplementedError

    def review_order(self, shown: Sequence) -> list:
        """The choices in the order the review lists them."""
        return list(shown)

    def review_marks(self, choices: Sequence, response) -> dict[int, PartMark]:
        """Per choice, whether the learner's part of the answer was right and what they gave,
        where an answer has parts (a step's position, an item's match); none for picked choices,
        which the review marks as picked."""
        return {}

    def render_review(self, *, question, choices: Sequence, picked_ids, response=None) -> Markup:
        marks = self.review_marks(choices, response) if response is not None else {}
        return fragment(self.review_template, kind=self, question=question, choices=choices, picked_ids=picked_ids,
                        marks=marks)

    # --- an answer -------------------------------------------------------------------------
    def answer_given(self, data: Mapping) -> bool:
        """Did the learner give anything on this card (a save on the way to another question)?"""
        return bool(form_values(data, "choice"))

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        """Validate a submitted answer (a form's QueryDict, or a dict of lists) and return the
        response to store; InvalidAnswer says what is wrong. `question` is given for types whose
        answer is read against their simulation_data, with the item's `draft` (work in progress
        such as a CLI lab's terminals) for types whose answer is what the learner built there."""
        raise NotImplementedError

    def score(self, choices: Sequence, response, *, question=None) -> float:
        """How right a response is, from 0 to 1; all-or-nothing types give 0 or 1."""
        raise NotImplementedError

    def picked_ids(self, response) -> set[int]:
        """Choice ids the learner picked, where picking is what an answer is."""
        return set()

    def summary(self, response, *, choice_order: Sequence[int], choices_by_id: Mapping, question=None) -> list[str]:
        """The answer in words, in the order the question showed its choices (review pages, the
        data export). Never in the stored order: that follows choice ids, and the order of ids
        can tell which choice is right."""
        shown = [pk for pk in choice_order if pk in choices_by_id]
        return [choices_by_id[pk].text for pk in shown if pk in response]

    def guessing_chance(self, *, options: int, match_options: int, choose_count: int) -> float:
        """The chance that a valid answer made at random is right: one in the number of valid answers."""
        raise NotImplementedError
