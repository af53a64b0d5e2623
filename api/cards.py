"""A question as the API shows it, drawn through its type's module (exams/question_types) like
the HTML card: choices in the order shown, addressed by index and letter, never by id; what the
learner gave so far; and, only where the session reveals correctness, the feedback with every
explanation."""

from ninja import Schema

from exams.models import Question
from pingtopass.markdown import render_markdown
from study.models import SessionItem, StudySession

ANSWER_HELP = (
    "The answer, as the HTML form sends it, choices addressed by their shown index: "
    '{"choice": [0]} for single choice and true/false, {"choice": [0, 2]} for multiple choice (exactly '
    'choose_count), {"pos-0": 2, "pos-1": 1, ...} for ordering (every choice\'s position, 1 to n), '
    '{"match-0": 1, "match-1": 0, ...} for matching (every choice\'s index in match_options). '
    'Performance-based questions name their fields in `data`: a rule table\'s asked cells '
    '{"cell-0-port": "443", ...}; a hotspot\'s zones {"zone-0": 1, ...} (a token\'s index per zone) or '
    '{"spot": 2} when one token is placed; a CLI lab is answered with {} once lines were typed '
    'through the terminal endpoint (the answer is the devices\' state).'
)


class ChoiceOut(Schema):
    index: int
    letter: str
    text: str
    picked: bool = False
    position: int | None = None  # ordering: the position given (1-based)
    match: int | None = None  # matching: the index in match_options given
    struck: bool = False


class MatchOptionOut(Schema):
    index: int
    text: str


class PartMarkOut(Schema):
    right: bool
    note: str


class FeedbackChoiceOut(Schema):
    index: int  # where it was shown
    letter: str
    text: str
    match_text: str
    correct: bool
    explanation: str
    picked: bool
    mark: PartMarkOut | None = None  # ordering and matching: the learner's part for this choice


class PartOut(Schema):
    """One graded part of a performance-based answer (a cell, a token, a lab's check)."""

    label: str
    given: str
    answer: str
    right: bool
    explanation: str


class FeedbackOut(Schema):
    correct: bool
    score: float  # 0 to 1: partial credit for a performance-based question's parts
    explanation: str
    explanation_html: str
    reference_url: str
    summary: list[str]  # the learner's answer in words
    choices: list[FeedbackChoiceOut]  # in the order the review lists them
    parts: list[PartOut] = []  # performance-based questions: each part, right or wrong, and why


class QuestionOut(Schema):
    """A question with nothing that tells a right answer: what a batch hands out."""

    id: int
    type: str
    type_label: str
    badge: str
    choose_count: int
    stem: str  # Markdown
    stem_html: str  # sanitised HTML
    exhibit_url: str | None = None
    choices: list[ChoiceOut]
    match_options: list[MatchOptionOut]
    # Performance-based questions: what to draw and which fields answer it (a table's cells, a
    # hotspot's zones and tokens, a lab's devices and terminals); null for choice questions.
    data: dict | None = None


class CardOut(QuestionOut):
    """One question of a session, as its card shows it."""

    session_id: int
    position: int
    question_total: int
    answered: bool
    flagged: bool
    confidence: int | None = None
    locked: bool  # no further answer is taken (practice after its answer, or the session finished)
    feedback: FeedbackOut | None = None  # practice after an answer, or any finished session


def question_fields(question: Question, choice_order, match_order, rows, *, response=None, draft=None) -> dict:
    kind = question.kind
    choices = {c.pk: c for c in question.choices.all()}
    return {
        "id": question.pk, "type": kind.key, "type_label": kind.label, "badge": kind.badge_for(question),
        "choose_count": question.choose_count, "stem": question.stem, "stem_html": render_markdown(question.stem),
        "exhibit_url": question.exhibit.url if question.exhibit else None,
        "choices": [{"index": r.index, "letter": r.letter, "text": r.choice.text, "picked": r.picked,
                     "position": r.position, "match": r.match, "struck": r.struck} for r in rows],
        "match_options": [{"index": i, "text": choices[pk].match_text} for i, pk in enumerate(match_order)
                          if pk in choices],
        "data": kind.public_data(question, response=response, draft=draft),
    }


def shown_choices(question: Question, choice_order) -> list:
    choices = {c.pk: c for c in question.choices.all()}
    return [choices[pk] for pk in choice_order if pk in choices]


def feedback(item: SessionItem) -> dict:
    """Whether the answer was right and why, choice by choice: only for a session that reveals it."""
    question = item.question
    kind = question.kind
    shown = shown_choices(question, item.choice_order)
    index_of = {c.pk: i for i, c in enumerate(shown)}
    picked = item.picked_choice_ids
    marks = kind.review_marks(shown, item.response) if item.response is not None else {}
    return {
        "correct": bool(item.is_correct), "score": item.outcome, "explanation": question.explanation,
        "explanation_html": render_markdown(question.explanation), "reference_url": question.reference_url,
        "summary": item.answer_summary({c.pk: c for c in shown}),
        "choices": [
            {"index": index_of[c.pk], "letter": chr(65 + index_of[c.pk]), "text": c.text, "match_text": c.match_text,
             "correct": c.is_correct, "explanation": c.explanation, "picked": c.pk in picked,
             "mark": {"right": marks[c.pk].right, "note": marks[c.pk].note} if c.pk in marks else None}
            for c in kind.review_order(shown)
        ],
        "parts": [{k: str(part[k]) if k != "right" else part[k] for k in ("label", "given", "answer", "right", "explanation")}
                  for part in (kind.parts(question, item.response) if not kind.uses_choices else [])],
    }


def card(session: StudySession, item: SessionItem) -> dict:
    question = item.question
    shown = shown_choices(question, item.choice_order)
    rows = question.kind.card_rows(shown, response=item.response, match_order=item.match_order, posted=None,
                                   struck=item.struck)
    reveal = item.is_answered and session.reveals_correctness
    return {
        **question_fields(question, item.choice_order, item.match_order, rows, response=item.response, draft=item.draft),
        "session_id": session.pk, "position": item.position, "question_total": session.question_total,
        "answered": item.is_answered, "flagged": item.flagged, "confidence": item.confidence,
        "locked": session.is_finished or (item.is_answered and session.gives_instant_feedback),
        "feedback": feedback(item) if reveal else None,
    }
