"""The quality gate: what a generated item must pass before it is saved as a pending question.

Type rules (correct-choice counts, distinct choices, no "all/none of the above", an explanation
for every choice) are exams.rules' — the one place that says what a well-formed question is.
This module adds what only generated text needs: sane lengths, a usable reference URL and no
near-duplicates.

Near-duplicates: stems are normalised (lowercased, punctuation dropped, whitespace collapsed)
and compared word by word with difflib's SequenceMatcher ratio (2 × matching words / all words).
At or above settings.AI_DUPLICATE_THRESHOLD (default 0.85) an item is a near-duplicate: one word
changed in a twenty-word stem scores about 0.95, "Which port does SSH use?" against "Which port
does Telnet use?" scores 0.80 and passes.
"""

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from aigen.schema import GeneratedQuestion
from exams.models import DIFFICULTY_MAX, DIFFICULTY_MIN, Question
from exams.rules import ChoiceData, link_errors, question_errors

STEM_CHARS = (15, 1500)
EXPLANATION_CHARS = (20, 3000)
CHOICE_CHARS = (1, 400)
CHOICE_EXPLANATION_CHARS = (10, 1000)
MATCH_CHARS = 300  # Choice.match_text
URL_CHARS = 500  # Question.reference_url

_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def stem_key(stem: str) -> str:
    return hashlib.sha256(normalise(stem).encode()).hexdigest()


def choice_data(item: GeneratedQuestion) -> list[ChoiceData]:
    # Ordering steps and matching pairs are all "correct"; their order/pairing is the answer.
    all_correct = item.type in (Question.Type.ORDERING, Question.Type.MATCHING)
    return [
        ChoiceData(text=c.text, is_correct=all_correct or c.correct, explanation=c.explanation, match_text=c.match)
        for c in item.choices
    ]


def choose_count(item: GeneratedQuestion) -> int:
    return item.choose if item.type == Question.Type.MULTIPLE else 1


def _length_problem(label: str, text: str, bounds: tuple[int, int]) -> str | None:
    low, high = bounds
    if not low <= len(text) <= high:
        return f"{label} is {len(text)} characters long; it must be {low} to {high}."
    return None


def item_problems(item: GeneratedQuestion) -> list[str]:
    """Everything wrong with one generated item except duplication, as sentences."""
    problems = question_errors(question_type=item.type, choose_count=choose_count(item), choices=choice_data(item))
    checks = [
        _length_problem("The stem", item.stem, STEM_CHARS),
        _length_problem("The explanation", item.explanation, EXPLANATION_CHARS),
    ]
    for number, choice in enumerate(item.choices, start=1):
        checks.append(_length_problem(f"Choice {number}", choice.text, CHOICE_CHARS))
        if choice.explanation:
            checks.append(_length_problem(f"Choice {number}'s explanation", choice.explanation, CHOICE_EXPLANATION_CHARS))
        if len(choice.match) > MATCH_CHARS:
            checks.append(f"Choice {number}'s match text is longer than {MATCH_CHARS} characters.")
    problems += [problem for problem in checks if problem]
    if not DIFFICULTY_MIN <= item.difficulty <= DIFFICULTY_MAX:
        problems.append(f"Difficulty {item.difficulty} is outside {DIFFICULTY_MIN} to {DIFFICULTY_MAX}.")
    problems += link_errors("The reference", item.reference_url, required=True, max_length=URL_CHARS)
    return problems


@dataclass(frozen=True)
class Duplicate:
    ratio: float
    question_id: int
    stem: str

    def __str__(self):
        return f"Near-duplicate of question #{self.question_id} ({self.ratio:.0%} similar): “{self.stem[:100]}”."


class DuplicateFinder:
    """The exam's stems, normalised once, to find the most similar one to a new stem."""

    def __init__(self, stems: Iterable[tuple[int, str]], threshold: float | None = None):
        self.threshold = settings.AI_DUPLICATE_THRESHOLD if threshold is None else threshold
        self._entries: list[tuple[list[str], int, str]] = []
        for question_id, stem in stems:
            self.add(stem, question_id=question_id)

    @classmethod
    def for_exam(cls, exam_id: int) -> "DuplicateFinder":
        return cls(Question.objects.filter(exam_id=exam_id).values_list("pk", "stem"))

    def add(self, stem: str, *, question_id: int) -> None:
        self._entries.append((normalise(stem).split(), question_id, stem))

    def find(self, stem: str) -> Duplicate | None:
        words = normalise(stem).split()
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(words)  # the matcher indexes seq2 once; existing stems pass through seq1
        best: Duplicate | None = None
        for other, question_id, original in self._entries:
            matcher.set_seq1(other)
            floor = best.ratio if best else self.threshold
            # The cheap upper bounds skip most stems before the exact ratio is computed.
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if ratio >= floor:
                best = Duplicate(ratio=ratio, question_id=question_id, stem=original)
        return best
