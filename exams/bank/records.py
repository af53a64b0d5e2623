"""One representation of a question and of an exam's bank, whatever it was read from: the database,
a seed file, or an import file. The bank check, the importers and the exporters all work on these.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from exams.models import Exam, Question
from exams.question_types import ChoiceData, question_errors, question_type
from exams.seed import EXAM_FIELDS, SEED_DIR

# A fenced code block (``` or ~~~) in a stem is an exhibit: a `show` output, a configuration, a log.
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


@dataclass
class QuestionRecord:
    type: str
    stem: str
    choices: list[ChoiceData]
    choose_count: int = 1
    explanation: str = ""
    difficulty: int = 3
    objective: str = ""  # the objective's number ("1.2"); empty when the source names none
    reference: str = ""
    tags: list[str] = field(default_factory=list)
    points: int = 1
    simulation_data: dict = field(default_factory=dict)
    has_exhibit_image: bool = False
    key: str = ""  # the seed key, a Moodle name or a GIFT title: what names it to its author
    pk: int | None = None  # the database row, when read from the database
    line: int | None = None  # where it starts in the file it was read from
    category: str = ""  # the Moodle or GIFT category it was filed under
    exam_code: str = ""  # the exam its file says it is for, where the file says
    notes: list[str] = field(default_factory=list)  # what reading it lost or changed, for the moderator
    problems: list[str] = field(default_factory=list)  # what its file says that cannot be a question here

    @property
    def label(self) -> str:
        """How messages name it: its key, else its database id."""
        return self.key or (f"#{self.pk}" if self.pk else "?")

    @property
    def has_exhibit(self) -> bool:
        return self.has_exhibit_image or bool(_FENCE.search(self.stem))

    @property
    def kind(self):
        """Its question type, or None for a type the registry does not know."""
        try:
            return question_type(self.type)
        except KeyError:
            return None

    def content_errors(self) -> list[str]:
        """The question-type modules' content rules, as every writer of questions applies them."""
        return question_errors(question_type=self.type, choose_count=self.choose_count, choices=self.choices,
                               data=self.simulation_data)


@dataclass
class ObjectiveRecord:
    number: str
    name: str


@dataclass
class DomainRecord:
    number: str
    name: str
    weight: int
    objectives: list[ObjectiveRecord]


@dataclass
class ExamRecord:
    code: str
    name: str
    domains: list[DomainRecord]
    questions: list[QuestionRecord]
    source: str  # "database" or the file's name
    spec: dict = field(default_factory=dict)  # the exam's fields as a seed file's "exam" object

    def domain_of(self) -> dict[str, str]:
        """Objective number -> its domain's number."""
        return {o.number: d.number for d in self.domains for o in d.objectives}


class UnreadableBank(ValueError):
    """A seed file that cannot be read as an exam: the message says which and why."""


class ImportRefused(ValueError):
    """A file that imports nothing: every problem found, each naming the question and line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def import_text(data: bytes) -> str:
    """An uploaded text file as text (UTF-8, with or without a byte order mark), or ImportRefused
    naming the first line that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused([f"Line {line}: the file is not UTF-8 text."]) from None


def question_record(question: Question) -> QuestionRecord:
    """A question from the database (its choices prefetched, in their stored order)."""
    return QuestionRecord(
        type=question.type, stem=question.stem, choose_count=question.choose_count,
        choices=[ChoiceData(text=c.text, is_correct=c.is_correct, explanation=c.explanation, match_text=c.match_text)
                 for c in question.choices.all()],
        explanation=question.explanation, difficulty=question.difficulty, objective=question.objective.number,
        reference=question.reference_url, tags=question.tag_list, points=question.points,
        simulation_data=question.simulation_data or {}, has_exhibit_image=bool(question.exhibit),
        key=question.seed_key or "", pk=question.pk,
    )


def _seed_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, date) else value


def exam_spec(exam: Exam) -> dict:
    """The exam's fields as a seed file's "exam" object (exams/seed_data/FORMAT.md)."""
    return {"code": exam.code, **{key: _seed_value(getattr(exam, name)) for key, name in EXAM_FIELDS.items()}}


def exam_blueprint(exam: Exam) -> list[DomainRecord]:
    return [
        DomainRecord(d.number, d.name, d.weight, [ObjectiveRecord(o.number, o.name) for o in d.objectives.all()])
        for d in exam.domains.prefetch_related("objectives")
    ]


def exam_record_from_database(exam: Exam) -> ExamRecord:
    """The exam's bank as learners get it: approved, active questions."""
    questions = (
        Question.objects.filter(exam=exam, review_status=Question.ReviewStatus.APPROVED, is_active=True)
        .select_related("objective").prefetch_related("choices").order_by("pk")
    )
    return ExamRecord(exam.code, exam.name, exam_blueprint(exam), [question_record(q) for q in questions], "database",
                      exam_spec(exam))


def record_from_seed(item: dict, *, line: int | None = None) -> QuestionRecord:
    """A question in the seed format (exams/seed_data/FORMAT.md); KeyError, TypeError or ValueError
    when a field is missing or of the wrong kind."""
    if not isinstance(item, dict):
        raise TypeError("a question must be a JSON object")
    kind = item.get("type", "")
    requested = int(item.get("choose", 1))
    try:
        choose = question_type(kind).choose_count(requested)
    except KeyError:
        choose = requested
    tags = item.get("tags", [])
    if not isinstance(item.get("simulation_data") or {}, dict):
        raise TypeError("simulation_data must be an object")
    return QuestionRecord(
        type=kind, stem=str(item["stem"]), choose_count=choose,
        choices=[
            ChoiceData(text=str(c.get("text", "")), is_correct=bool(c.get("correct")),
                       explanation=str(c.get("explanation", "")), match_text=str(c.get("match", "")))
            for c in item.get("choices", [])
        ],
        explanation=str(item.get("explanation", "")), difficulty=int(item.get("difficulty", 3)),
        objective=str(item.get("objective", "") or ""), reference=str(item.get("reference", "") or ""),
        tags=[str(t) for t in tags] if isinstance(tags, list) else [t.strip() for t in str(tags).split(",") if t.strip()],
        points=int(item.get("points", 1)), simulation_data=item.get("simulation_data") or {},
        key=str(item.get("key", "") or ""), line=line,
    )


def exam_record_from_data(data: dict, *, source: str) -> ExamRecord:
    spec = data["exam"]
    domains = [
        DomainRecord(str(d["number"]), d["name"], int(d["weight"]),
                     [ObjectiveRecord(str(o["number"]), o["name"]) for o in d["objectives"]])
        for d in data["domains"]
    ]
    return ExamRecord(spec["code"], spec.get("name", ""), domains, [record_from_seed(q) for q in data["questions"]], source,
                      spec)


def seed_path(code: str) -> Path:
    return SEED_DIR / f"{code}.json"


def exam_record_from_file(path: Path) -> ExamRecord:
    """An exam's seed file, read without the database (CI runs the bank check before seeding)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnreadableBank(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableBank(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    try:
        return exam_record_from_data(data, source=path.name)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise UnreadableBank(f"{path.name}: malformed seed data ({what}); see exams/seed_data/FORMAT.md.") from exc
