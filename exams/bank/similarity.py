"""Near-duplicate stems: the one comparison the AI quality gate, the importers and the bank check use.

Stems are normalised (lowercased, punctuation dropped, whitespace collapsed) and compared word by
word with difflib's SequenceMatcher ratio (2 × matching words / all words). At or above
settings.AI_DUPLICATE_THRESHOLD (default 0.85) two stems are near-duplicates: one word changed in
a twenty-word stem scores about 0.95, "Which port does SSH use?" against "Which port does Telnet
use?" scores 0.80 and passes.
"""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from exams.models import Question

_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class Duplicate:
    ratio: float
    question_id: int
    stem: str

    def __str__(self):
        return f"Near-duplicate of question #{self.question_id} ({self.ratio:.0%} similar): “{self.stem[:100]}”."


class DuplicateFinder:
    """Stems normalised once, to find the most similar one to a new stem. `question_id` is whatever
    names a stem to the caller (a question's id, or its place in a list)."""

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


@dataclass(frozen=True)
class DuplicatePair:
    first: int  # index in the stems given
    second: int
    ratio: float


def near_duplicate_pairs(stems: Sequence[str], threshold: float | None = None) -> list[DuplicatePair]:
    """Every pair of stems at or above the threshold, each stem against those before it."""
    threshold = settings.AI_DUPLICATE_THRESHOLD if threshold is None else threshold
    words = [normalise(stem).split() for stem in stems]
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    pairs = []
    for second, current in enumerate(words):
        matcher.set_seq2(current)
        for first in range(second):
            matcher.set_seq1(words[first])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                pairs.append(DuplicatePair(first, second, ratio))
    return pairs
