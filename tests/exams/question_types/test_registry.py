"""Every question type is registered, and only the type modules tell types apart."""

import re
from pathlib import Path

from exams.models import Question
from exams.question_types import TYPES, question_type

ROOT = Path(__file__).resolve().parents[3]


def test_it_registers_one_type_per_question_type_value():
    assert set(TYPES) == set(Question.Type.values)
    for value, label in Question.Type.choices:
        assert question_type(value).label == label


def test_it_gives_every_type_its_templates():
    for kind in TYPES.values():
        for name in (kind.input_template, kind.review_template):
            assert (ROOT / "templates" / name).is_file(), name


def test_it_keeps_type_comparisons_inside_the_type_modules():
    """No `question.type == ...`, `Question.Type.X` or a type's value compared in the app's code or
    templates: they ask the type (exams/question_types) instead."""
    values = "|".join(Question.Type.values)
    patterns = [
        re.compile(r"Question\.Type\.[A-Z_]+"),
        re.compile(r"\btype\s*(==|!=|in)\s*"),
        re.compile(rf"""["']({values})["']\s*(==|!=)|(==|!=)\s*["']({values})["']"""),
    ]
    allowed = {"exams/question_types", "exams/migrations", "study/migrations", "aigen/migrations", "study/scale.py"}
    offenders = []
    for path in list(ROOT.glob("*/**/*.py")) + list((ROOT / "templates").glob("**/*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("tests/", ".venv/", "bench/")) or any(relative.startswith(a) for a in allowed):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(p.search(line) for p in patterns):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
