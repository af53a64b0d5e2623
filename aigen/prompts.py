"""The messages sent to the model for one batch."""

from collections.abc import Mapping, Sequence

from exams.models import Objective, Question
from exams.question_types import AI_TYPES

MAX_EXISTING_STEMS = 40  # most recent stems of the objective shown to the model
STEM_PREVIEW_CHARS = 220

# Each type's line of the rules comes from the type (exams/question_types).
TYPE_RULES = {key: kind.ai_rule for key, kind in AI_TYPES.items()}

SYSTEM = (
    "You write original practice questions for IT certification exams. Questions are accurate, "
    "unambiguous, scenario-based where that fits, and test the named objective. You never copy "
    "real exam questions. You answer with JSON only."
)

SHAPE = """Answer with one JSON object and nothing else:
{"questions": [{"type": "single", "choose": 1, "difficulty": 3, "stem": "...", "explanation": "...",
  "reference_url": "https://...", "tags": ["..."],
  "choices": [{"text": "...", "correct": true, "explanation": "...", "match": ""}]DATA}]}""".replace(
    "DATA", "".join(f', "{key}": null' for key, kind in AI_TYPES.items() if kind.ai_data_model))


def _counts(plan: Mapping[str, int], labels: Mapping[str, str]) -> str:
    """"6 Single choice, 2 True / false", in the labels' order (a JSON column may reorder keys)."""
    return ", ".join(f"{plan[key]} {label}" for key, label in labels.items() if plan.get(key))


def existing_stems(objective: Objective) -> list[str]:
    stems = (
        Question.objects.filter(objective=objective).order_by("-created_at").values_list("stem", flat=True)
    )[:MAX_EXISTING_STEMS]
    return [" ".join(stem.split())[:STEM_PREVIEW_CHARS] for stem in stems]


def batch_messages(
    *, objective: Objective, count: int, types: Mapping[str, int], difficulties: Mapping[str, int],
    avoid: Sequence[str],
) -> list[dict]:
    """Chat messages asking for `count` questions on one objective."""
    domain, exam = objective.domain, objective.domain.exam
    type_labels = dict(Question.Type.choices)
    difficulty_labels = {str(n): f"of difficulty {n}" for n in range(1, 6)}
    lines = [
        f"Exam: {exam.code} {exam.name} ({exam.vendor}).",
        f"Domain {domain.number}: {domain.name}.",
        f"Objective {objective.number}: {objective.name}",
        "",
        f"Write {count} new multiple-choice practice questions for this objective.",
        f"Types: {_counts(types, type_labels)}.",
        f"Difficulty (1 easy to 5 hard): {_counts(difficulties, difficulty_labels)}.",
        "",
        "Rules per type:",
        *[f"- {rule}" for question_type, rule in TYPE_RULES.items() if types.get(question_type)],
        "",
        "Every question:",
        "- has an explanation of why the answer is right, and EVERY choice has its own explanation of why "
        "it is right or wrong;",
        "- has reference_url: an official vendor documentation page, RFC or NIST publication that backs it;",
        '- has distinct choices and never uses "all of the above" or "none of the above";',
        "- stem up to 1500 characters, choices up to 400, explanations 20 to 1000 characters.",
    ]
    if avoid:
        lines += ["", "These questions already exist. Do not repeat or paraphrase them:"]
        lines += [f"- {stem}" for stem in avoid]
    lines += ["", SHAPE]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]
