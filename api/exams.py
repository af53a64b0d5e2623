"""The exam catalogue: every active exam with its bank size, and one exam with its blueprint."""

from ninja import Router, Schema

from api.conditional import etag
from api.errors import responses
from exams.selectors import exam_blueprint
from study import selectors
from study.services import simulation_shape

router = Router(tags=["exams"])


class ExamOut(Schema):
    code: str
    name: str
    vendor: str
    category: str
    question_count: int  # on the real exam
    duration_minutes: int
    score_min: int
    score_max: int
    passing_score: int
    is_beta: bool
    bank_size: int  # questions that can be served


class ObjectiveOut(Schema):
    id: int
    number: str
    name: str


class DomainOut(Schema):
    number: str
    name: str
    weight: int
    objectives: list[ObjectiveOut]


class SimulationOut(Schema):
    questions: int
    minutes: int


class ExamDetailOut(ExamOut):
    description: str  # Markdown
    blueprint: list[DomainOut]
    simulation: SimulationOut  # an exam simulation's shape: the real exam's, scaled to the bank


def exam_fields(exam) -> dict:
    return {
        "code": exam.code, "name": exam.name, "vendor": exam.vendor, "category": exam.category,
        "question_count": exam.question_count, "duration_minutes": exam.duration_minutes,
        "score_min": exam.score_min, "score_max": exam.score_max, "passing_score": exam.passing_score,
        "is_beta": exam.is_beta, "bank_size": exam.servable_count,
    }


@router.get("", response={200: list[ExamOut], **responses()}, auth=None, summary="Active exams")
@etag(private=False)
def exam_list(request):
    return [exam_fields(exam) for exam in selectors.exam_catalogue()]


@router.get("/{code}", response={200: ExamDetailOut, **responses(404)}, auth=None, summary="One exam, with its blueprint")
@etag(private=False)
def exam_detail(request, code: str):
    exam = selectors.exam_for_learner(code)
    questions, minutes = simulation_shape(exam, exam.servable_count)
    blueprint = [
        {"number": d.number, "name": d.name, "weight": d.weight,
         "objectives": [{"id": o.id, "number": o.number, "name": o.name} for o in d.objectives]}
        for d in exam_blueprint(exam)
    ]
    return {**exam_fields(exam), "description": exam.description, "blueprint": blueprint,
            "simulation": {"questions": questions, "minutes": minutes}}
