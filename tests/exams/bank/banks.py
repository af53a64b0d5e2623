"""Small banks for the bank check's tests: one that keeps every rule, which a test then breaks."""

import json
from pathlib import Path

from tests.factories import DomainFactory, ExamFactory, ObjectiveFactory, QuestionFactory

# Two domains (60/40), five objectives, ten questions each: difficulty 1,2,3,3,3,3,3,4,4,5 per
# objective (20/50/30), keys rotating over A-D (25% each), choices of equal length (no longest).
OBJECTIVES = {"1.0": ["1.1", "1.2", "1.3"], "2.0": ["2.1", "2.2"]}
DIFFICULTIES = [1, 2, 3, 3, 3, 3, 3, 4, 4, 5]
REFERENCE = "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final"


def stem(n: int) -> str:
    # Words of their own in every stem, so no two are near-duplicates.
    return " ".join(f"w{n}x{i}" for i in range(8)) + "?"


def seed_question(n: int, objective: str, difficulty: int) -> dict:
    key_at = n % 4
    return {
        "key": f"bk-{n:03d}", "objective": objective, "type": "single", "choose": 1, "difficulty": difficulty,
        "stem": stem(n), "explanation": "Because the key is right.", "reference": REFERENCE, "tags": [],
        "choices": [{"text": f"Opt{i}-{n:03d}", "correct": i == key_at, "explanation": f"Why {i}."} for i in range(4)],
    }


def seed_bank(code: str = "BK-100") -> dict:
    questions, n = [], 0
    for objectives in OBJECTIVES.values():
        for objective in objectives:
            for difficulty in DIFFICULTIES:
                n += 1
                questions.append(seed_question(n, objective, difficulty))
    return {
        "exam": {"code": code, "name": "Bank Check Exam"},
        "domains": [
            {"number": number, "name": f"Domain {number}", "weight": 60 if number == "1.0" else 40,
             "objectives": [{"number": o, "name": f"Objective {o}"} for o in objectives]}
            for number, objectives in OBJECTIVES.items()
        ],
        "questions": questions,
    }


def write_bank(directory: Path, data: dict) -> Path:
    path = directory / f"{data['exam']['code']}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def database_bank(code: str = "BK-100"):
    """The same bank as approved questions in the database."""
    data = seed_bank(code)
    exam = ExamFactory(code=code, name="Bank Check Exam")
    objectives = {}
    for position, domain in enumerate(data["domains"]):
        row = DomainFactory(exam=exam, number=domain["number"], weight=domain["weight"], position=position)
        for o in domain["objectives"]:
            objectives[o["number"]] = ObjectiveFactory(domain=row, number=o["number"], name=o["name"])
    for q in data["questions"]:
        QuestionFactory(
            objective=objectives[q["objective"]], stem=q["stem"], difficulty=q["difficulty"], reference_url=REFERENCE,
            seed_key=q["key"], choices=[(c["text"], c["correct"], "") for c in q["choices"]],
        )
    return exam
