"""Our own JSON: the seed format (exams/seed_data/FORMAT.md), both ways.

Reading takes the "questions" list (an "exam" and "domains" may be there too: an export is a seed
file). Texts are Markdown already and are sanitised when shown, like every question's.
Writing produces a whole seed file: the exam, its blueprint and the questions, in stored order.
"""

import json

from exams.bank.records import ExamRecord, ImportRefused, QuestionRecord, import_text, record_from_seed

_WHITESPACE = " \t\n\r"


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _question_starts(text: str) -> list[int]:
    """Where each item of the top-level "questions" list starts, found by walking the document with
    the decoder (the parsed objects do not say which line they came from)."""
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    if not text.startswith("{", index):
        return []
    index = _skip(text, index + 1)
    while index < len(text) and text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _skip(text, _skip(text, index) + 1)  # past the colon
        if key == "questions" and text.startswith("[", index):
            starts, index = [], _skip(text, index + 1)
            while index < len(text) and text[index] != "]":
                starts.append(index)
                _, index = decoder.raw_decode(text, index)
                index = _skip(text, index)
                if text.startswith(",", index):
                    index = _skip(text, index + 1)
            return starts
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
    return []


def parse(data: bytes) -> list[QuestionRecord]:
    text = import_text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused([f"Line {exc.lineno}: the file is not valid JSON ({exc.msg})."]) from None
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise ImportRefused(['The file has no "questions" list (see exams/seed_data/FORMAT.md).'])
    lines = [text.count("\n", 0, start) + 1 for start in _question_starts(text)]
    records = []
    for number, item in enumerate(document["questions"], start=1):
        line = lines[number - 1] if number <= len(lines) else None
        try:
            record = record_from_seed(item, line=line)
        except KeyError as exc:
            record = QuestionRecord(type="", stem="", choices=[], line=line, problems=[f"It has no {exc} field."])
        except (TypeError, ValueError, AttributeError) as exc:
            record = QuestionRecord(type="", stem="", choices=[], line=line,
                                    problems=[f"A field is of the wrong kind ({exc})."])
        if isinstance(item, dict):
            record.key = str(item.get("key", "") or "")
        records.append(record)
    if not records:
        raise ImportRefused(["The file holds no questions."])
    spec = document.get("exam")
    for record in records:
        record.exam_code = str(spec.get("code", "")) if isinstance(spec, dict) else ""
    return records


def _question(question: QuestionRecord) -> dict:
    item = {
        "key": question.key, "objective": question.objective, "type": question.type, "choose": question.choose_count,
        "difficulty": question.difficulty, "stem": question.stem, "explanation": question.explanation,
        "reference": question.reference, "tags": question.tags,
        "choices": [
            {"text": c.text, "correct": c.is_correct, "explanation": c.explanation, **({"match": c.match_text} if c.match_text else {})}
            for c in question.choices
        ],
    }
    if question.points != 1:
        item["points"] = question.points
    if question.simulation_data:
        item["simulation_data"] = question.simulation_data
    return item


def export(bank: ExamRecord) -> tuple[bytes, list[str]]:
    """The exam as a seed file; nothing is left out."""
    document = {
        "exam": bank.spec or {"code": bank.code, "name": bank.name},
        "domains": [
            {"number": d.number, "name": d.name, "weight": d.weight,
             "objectives": [{"number": o.number, "name": o.name} for o in d.objectives]}
            for d in bank.domains
        ],
        "questions": [_question(q) for q in bank.questions],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode(), []
