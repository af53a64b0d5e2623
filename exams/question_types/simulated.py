"""What the performance-based types share: answered through the question's simulation_data, not
choices, graded part by part (a cell, a token, a lab's check) for partial credit, and reviewed
part by part (templates/questions/parts_review.jinja)."""

from collections.abc import Collection, Mapping, Sequence

from markupsafe import Markup

from exams.question_types.base import CardRow, ChoiceData, QuestionType
from pingtopass.fragments import fragment


class SimulatedType(QuestionType):
    uses_choices = False
    performance_based = True
    shuffled = False
    shows_summary = True
    review_template = "questions/parts_review.jinja"

    def content_errors(self, *, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
        return [f"A {self.label.lower()} question has no choices: its simulation data is what it asks."] if choices else []

    def data_errors(self, data: Mapping) -> list[str]:
        raise NotImplementedError

    def card_rows(self, shown: Sequence, *, response, match_order: Sequence[int], posted: Mapping | None,
                  struck: Collection[int] = ()) -> list[CardRow]:
        return []

    def parts(self, question, response: Mapping) -> list[dict]:
        """Each graded part: {"label", "given", "answer", "right", "explanation"}."""
        raise NotImplementedError

    def score(self, choices: Sequence, response, *, question=None) -> float:
        parts = self.parts(question, response if isinstance(response, Mapping) else {})
        return sum(p["right"] for p in parts) / len(parts) if parts else 0.0

    def render_preview(self, question) -> Markup:
        """The card's inputs as a learner first sees them, for the moderators' preview."""
        board = self.board(question, response=None, posted=None, reveal=False)
        return fragment(self.input_template, kind=self, question=question, board=board, rows=[], match_options=[],
                        urls={"cli": ""}, preview=True)

    def review_board(self, question, response) -> dict:
        """What the review draws: each part, and whether there was an answer to compare."""
        answered = isinstance(response, Mapping)
        return {"parts": self.parts(question, response if answered else {}), "answered": answered}

    def render_review(self, *, question, choices: Sequence, picked_ids, response=None) -> Markup:
        return fragment(self.review_template, kind=self, question=question, board=self.review_board(question, response))

    def summary(self, response, *, choice_order: Sequence[int], choices_by_id: Mapping, question=None) -> list[str]:
        if question is None or not isinstance(response, Mapping):
            return []
        return [f"{p['label']}: {p['given']}" for p in self.parts(question, response)]

    def guessing_chance(self, *, options: int, match_options: int, choose_count: int) -> float:
        return 0.0  # many parts, most typed or placed: a guess earns next to nothing
