"""Load exams, blueprints and questions from the JSON files in exams/seed_data/.

Loading is idempotent: an exam that is already there is left alone unless `force` is set, and a
forced reload updates rows in place (matched by exam code, domain/objective number and question
key) so sessions and answers that point at them stay valid.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from exams.models import Choice, Domain, Exam, Objective, Question
from exams.rules import ChoiceData, blueprint_errors, link_errors, question_errors

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
EXAM_FIELDS = {
    "name": "name", "vendor": "vendor", "category": "category", "description": "description",
    "score_min": "score_min", "score_max": "score_max", "passing_score": "passing_score",
    "question_count": "question_count", "duration_minutes": "duration_minutes", "price_usd": "price",
    "vendor_url": "vendor_url", "retirement_date": "retirement_date", "beta": "is_beta",
}


class SeedError(ValueError):
    """The seed file is malformed; the message lists every problem found."""


@dataclass
class LoadResult:
    exam_code: str
    status: str  # "created", "unchanged" or "reloaded"
    questions: int = 0
    problems: list[str] = field(default_factory=list)


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.json"))


def _choices_of(question: dict) -> list[ChoiceData]:
    auto_correct = question["type"] in ("ordering", "matching")
    return [
        ChoiceData(
            text=c.get("text", ""),
            is_correct=True if auto_correct else bool(c.get("correct")),
            explanation=c.get("explanation", ""),
            match_text=c.get("match", ""),
        )
        for c in question.get("choices", [])
    ]


def validate_exam_data(data: dict) -> list[str]:
    problems = []
    for key in ("exam", "domains", "questions"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return problems
    problems += blueprint_errors([d["weight"] for d in data["domains"]])
    problems += link_errors("The exam's vendor_url", data["exam"].get("vendor_url", ""))
    objectives = {o["number"] for d in data["domains"] for o in d["objectives"]}
    keys = set()
    for q in data["questions"]:
        label = q.get("key", "?")
        if label in keys:
            problems.append(f"{label}: duplicate key")
        keys.add(label)
        if q.get("objective") not in objectives:
            problems.append(f"{label}: objective {q.get('objective')!r} is not in the blueprint")
        if not 1 <= int(q.get("difficulty", 0)) <= 5:
            problems.append(f"{label}: difficulty must be 1-5")
        problems += [f"{label}: {error}" for error in link_errors("The reference", q.get("reference", ""))]
        for error in question_errors(
            question_type=q.get("type", ""), choose_count=int(q.get("choose", 1)), choices=_choices_of(q)
        ):
            problems.append(f"{label}: {error}")
    return problems


def load_exam_file(path: Path, *, force: bool = False) -> LoadResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SeedError(f"{path.name}: cannot read JSON ({exc})") from exc
    try:
        return load_exam(data, force=force)
    except SeedError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a field missing or of the wrong kind
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise SeedError(f"{path.name}: malformed seed data ({what}); see exams/seed_data/FORMAT.md") from exc


@transaction.atomic
def load_exam(data: dict, *, force: bool = False) -> LoadResult:
    problems = validate_exam_data(data)
    if problems:
        raise SeedError(f"{data.get('exam', {}).get('code', '?')}: " + "; ".join(problems))
    spec = data["exam"]
    exam = Exam.objects.filter(code=spec["code"]).first()
    if exam is not None and not force:
        return LoadResult(spec["code"], "unchanged", exam.questions.count())
    status = "created" if exam is None else "reloaded"
    exam, _ = Exam.objects.update_or_create(
        code=spec["code"], defaults={model: spec[key] for key, model in EXAM_FIELDS.items() if key in spec}
    )
    objectives = {}
    for d_pos, d in enumerate(data["domains"], start=1):
        domain, _ = Domain.objects.update_or_create(
            exam=exam, number=d["number"], defaults={"name": d["name"], "weight": d["weight"], "position": d_pos}
        )
        for o_pos, o in enumerate(d["objectives"], start=1):
            objectives[o["number"]], _ = Objective.objects.update_or_create(
                domain=domain, number=o["number"], defaults={"name": o["name"], "position": o_pos}
            )
    now = timezone.now()
    for q in data["questions"]:
        question, _ = Question.objects.update_or_create(
            seed_key=q["key"],
            defaults={
                "exam": exam,
                "objective": objectives[q["objective"]],
                "type": q["type"],
                "choose_count": int(q.get("choose", 1)) if q["type"] == "multiple" else 1,
                "stem": q["stem"],
                "explanation": q["explanation"],
                "reference_url": q.get("reference", ""),
                "difficulty": int(q["difficulty"]),
                "tags": ", ".join(q.get("tags", [])),
                "is_active": True,
                "review_status": Question.ReviewStatus.APPROVED,
                "reviewed_at": now,
                "source": Question.Source.HUMAN,
            },
        )
        _sync_choices(question, _choices_of(q))
    return LoadResult(exam.code, status, len(data["questions"]))


def _sync_choices(question: Question, wanted: list[ChoiceData]) -> None:
    """Update choices in place by position; clear wrong flags first so the database never sees two
    correct answers on a single-answer question mid-update."""
    existing = {c.position: c for c in question.choices.all()}
    rows = []
    for position, data in enumerate(wanted, start=1):
        choice = existing.pop(position, None) or Choice(question=question, position=position)
        choice.text, choice.is_correct = data.text, data.is_correct
        choice.explanation, choice.match_text = data.explanation, data.match_text
        rows.append(choice)
    if existing:
        Choice.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    for choice in sorted(rows, key=lambda c: c.is_correct):
        choice.save()
