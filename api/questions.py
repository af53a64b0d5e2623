"""POST /questions/batch: questions for a client that runs its own session (exam, objectives,
exclusions), drawn as sessions draw them and handed out without any answer key. Answers to them
go through a session, so grading and progress stay on the server."""

import random
import time

from ninja import Field, Router, Schema

from api.cards import QuestionOut, question_fields
from api.errors import ApiError, responses, throttle
from api.fields import DbId
from exams.models import Question
from exams.selectors import SelectionCriteria, attach_cached_choices, exam_blueprint, question_sample
from study import selectors

router = Router(tags=["questions"])
MAX_BATCH = 100


class BatchIn(Schema):
    exam: str = Field(..., max_length=32, description="The exam's code, e.g. SY0-701")
    objectives: list[str] = Field([], max_length=200, description='Objective numbers, e.g. ["1.2", "2.1"]; none: all')
    count: int = Field(65, ge=1, le=MAX_BATCH)
    exclude: list[DbId] = Field([], max_length=5000, description="Question ids to leave out (seen recently)")


class BatchOut(Schema):
    exam: str
    questions: list[QuestionOut]
    retrieved_in_ms: float


@router.post("/batch", response={200: BatchOut, **responses(401, 404, 422, 429)}, summary="A batch of questions")
def question_batch(request, payload: BatchIn):
    started = time.perf_counter()
    throttle(request, "api_batch")
    exam = selectors.exam_for_learner(payload.exam)
    numbers = {o.number: o.id for domain in exam_blueprint(exam) for o in domain.objectives}
    unknown = [n for n in payload.objectives if n not in numbers]
    if unknown:
        raise ApiError(422, "invalid", f"Not an objective of {exam.code}: {', '.join(unknown[:5])}.", field="objectives")
    criteria = SelectionCriteria(exam=exam, objective_ids=tuple(numbers[n] for n in payload.objectives),
                                 exclude_ids=set(payload.exclude))
    rng = random.SystemRandom()
    ids = question_sample(criteria, payload.count, rng=rng)
    found = Question.objects.in_bulk(ids)
    questions = [found[pk] for pk in ids if pk in found]
    attach_cached_choices(questions)
    out = []
    for question in questions:
        kind = question.kind
        # Shown in the order its type puts a new session's choices in: never the stored order,
        # which for ordering questions is the answer.
        choice_order, match_order = kind.prepare([c.pk for c in question.choices.all()], rng)
        by_id = {c.pk: c for c in question.choices.all()}
        shown = [by_id[pk] for pk in choice_order]
        rows = kind.card_rows(shown, response=None, match_order=match_order, posted=None)
        out.append(question_fields(question, choice_order, match_order, rows))
    return {"exam": exam.code, "questions": out, "retrieved_in_ms": round((time.perf_counter() - started) * 1000, 2)}
