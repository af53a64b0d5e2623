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
from exams.question_types import ChoiceData, question_errors, question_type
from exams.rules import blueprint_errors, link_errors

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
EXAM_FIELDS = {
    "name": "name", "vendor": "vendor", "category": "category", "description": "description",
    "score_min": "score_min", "score_max": "score_max", "passing_score": "passing_score",
    "question_count": "question_count", "duration_minutes": "duration_minutes", "price_usd": "price",
    "vendor_url": "vendor_url", "retirement_date": "retirement_date", "beta": "is_beta",
    # the exam profile: how its exam simulation behaves (exams.models.Exam)
    "pbq_first": "pbq_first", "forward_only": "forward_only", "unscored_items": "unscored_items",
    "guessing_floor": "guessing_floor",  # what readiness assumes a blind guess gets on the real exam
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
    return [
        ChoiceData(
            text=c.get("text", ""),
            is_correct=bool(c.get("correct")),
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
    floor = data["exam"].get("guessing_floor", 0.25)
    if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 <= floor <= 0.5:
        problems.append(f"the exam's guessing_floor must be a number from 0 to 0.5, not {floor!r}")
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
        if not 1 <= int(q.get("points", 1)) <= 10:
            problems.append(f"{label}: points must be 1-10")
        for error in question_errors(
            question_type=q.get("type", ""), choose_count=int(q.get("choose", 1)), choices=_choices_of(q),
            data=q.get("simulation_data"),
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
                "choose_count": question_type(q["type"]).choose_count(int(q.get("choose", 1))),
                "stem": q["stem"],
                "explanation": q["explanation"],
                "reference_url": q.get("reference", ""),
                "difficulty": int(q["difficulty"]),
                "tags": ", ".join(q.get("tags", [])),
                "simulation_data": q.get("simulation_data") or {},
                "points": int(q.get("points", 1)),
                "is_active": True,
                "review_status": Question.ReviewStatus.APPROVED,
                "reviewed_at": now,
                "source": Question.Source.HUMAN,
            },
        )
        _sync_choices(question, question.kind.normalised(_choices_of(q)))
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


# A few AI-written questions waiting for review, so a moderator on a fresh install can try the
# review queue (preview, approve, reject) without an API key. Marked as AI with a model name that
# says no model was called; keyed like seed questions, so seeding again adds nothing.
DEMO_AI_MODEL = "demo-model (seeded, not a real call)"
DEMO_AI_EXAM = "SY0-701"
DEMO_AI_QUESTIONS = [
    {
        "key": "demo-ai-sy0-701-1", "objective": "1.4", "type": "single", "difficulty": 2,
        "stem": "Which algorithm is an example of **asymmetric** encryption?",
        "explanation": "RSA uses a key pair: a public key to encrypt and a private key to decrypt. AES and "
                       "ChaCha20 are symmetric ciphers; SHA-256 is a hash, not encryption.",
        "choices": [
            {"text": "RSA", "correct": True, "explanation": "A public/private key pair: asymmetric."},
            {"text": "AES-256", "explanation": "One shared key: symmetric."},
            {"text": "ChaCha20", "explanation": "A symmetric stream cipher."},
            {"text": "SHA-256", "explanation": "A hash function: nothing to decrypt."},
        ],
    },
    {
        "key": "demo-ai-sy0-701-2", "objective": "2.2", "type": "multiple", "choose": 2, "difficulty": 3,
        "stem": "An attacker leaves USB drives labelled *Payroll Q3* in a company car park. Which **two** "
                "threat vectors does this attack combine?",
        "explanation": "Baiting relies on curiosity (social engineering) and on removable media to carry the "
                       "payload into the network.",
        "choices": [
            {"text": "Removable media", "correct": True, "explanation": "The drive carries the malware in."},
            {"text": "Social engineering (baiting)", "correct": True, "explanation": "The label plays on curiosity."},
            {"text": "Watering-hole attack", "explanation": "That compromises a website the victims visit."},
            {"text": "Vishing", "explanation": "That is a voice call."},
        ],
    },
    {
        "key": "demo-ai-sy0-701-3", "objective": "4.6", "type": "truefalse", "difficulty": 1,
        "stem": "Multifactor authentication requires factors from at least two **different** categories "
                "(something you know, have or are).",
        "explanation": "A password and a PIN are both something you know: two of them are still one factor.",
        "choices": [
            {"text": "True", "correct": True, "explanation": "Different categories make it multifactor."},
            {"text": "False", "explanation": "Two of the same category is single-factor."},
        ],
    },
]


@transaction.atomic
def demo_ai_questions_seed() -> int:
    """Add the pending demo AI questions to their exam once; how many were added (0 when they are
    there already or the exam is not)."""
    exam = Exam.objects.filter(code=DEMO_AI_EXAM).first()
    if exam is None:
        return 0
    objectives = {o.number: o for o in Objective.objects.filter(domain__exam=exam)}
    added = 0
    for q in DEMO_AI_QUESTIONS:
        choices = _choices_of(q)
        if Question.objects.filter(seed_key=q["key"]).exists() or q["objective"] not in objectives:
            continue
        errors = question_errors(question_type=q["type"], choose_count=int(q.get("choose", 1)), choices=choices)
        if errors:
            raise SeedError(f"{q['key']}: " + "; ".join(errors))
        question = Question.objects.create(
            seed_key=q["key"], exam=exam, objective=objectives[q["objective"]], type=q["type"],
            choose_count=question_type(q["type"]).choose_count(int(q.get("choose", 1))), stem=q["stem"],
            explanation=q["explanation"], difficulty=q["difficulty"], review_status=Question.ReviewStatus.PENDING,
            source=Question.Source.AI, ai_model=DEMO_AI_MODEL,
        )
        _sync_choices(question, question.kind.normalised(choices))
        added += 1
    return added
