"""Importing questions: a file in one of the formats (exams/bank/formats.py) becomes questions
pending review, in one transaction.

Every question passes the question-type modules' content rules and the checks below; a file with
any problem imports nothing, and each problem names the question (its number, title) and line.
Near-duplicates of the bank's questions, or of one earlier in the same file, are skipped and
listed, never imported twice. Imported questions are the moderators' to review: pending, from a
human source (the AI source names a model; "import" would need a migration for no gain).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_log
from exams.bank.formats import FORMATS
from exams.bank.records import ImportRefused, QuestionRecord
from exams.bank.similarity import DuplicateFinder
from exams.models import DIFFICULTY_MAX, DIFFICULTY_MIN, Choice, Exam, Objective, Question
from exams.rules import link_errors

MAX_IMPORT_BYTES = 5 * 1024 * 1024
REFERENCE_CHARS = Question._meta.get_field("reference_url").max_length
TAGS_CHARS = Question._meta.get_field("tags").max_length
MATCH_CHARS = Choice._meta.get_field("match_text").max_length


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)  # the new questions' ids, in file order
    duplicates: list[str] = field(default_factory=list)  # the near-duplicates skipped, one sentence each
    notes: list[str] = field(default_factory=list)  # what was lost on the way (images), one sentence each


def question_place(number: int, record: QuestionRecord) -> str:
    """How a message names a question: its number in the file, its title and its line."""
    title = f" “{record.key}”" if record.key else ""
    line = f" (line {record.line})" if record.line else ""
    return f"Question {number}{title}{line}"


def _category_objective(category: str, exam: Exam) -> str | None:
    """The objective number a category names as `.../<exam code>/<objective number> <name>`, the
    path our exports write; None for any other category."""
    parts = [part.strip() for part in re.sub(r"^\$\w+\$/", "", category).split("/")]
    for index, part in enumerate(parts[:-1]):
        if part == exam.code:
            return parts[index + 1].split(" ", 1)[0]
    return None


def _objective_for(record: QuestionRecord, *, exam: Exam, objectives: dict[str, Objective],
                   default: Objective | None) -> tuple[Objective | None, str | None]:
    number = record.objective or _category_objective(record.category, exam)
    if number:
        if number in objectives:
            return objectives[number], None
        return None, f"Objective {number} is not in {exam.code}'s blueprint."
    if default is None:
        return None, "It names no objective: choose the objective these questions go to."
    return default, None


def record_problems(record: QuestionRecord) -> list[str]:
    """Everything that keeps one question out of the bank, apart from its objective. Where its file
    could not be read as a question, only why: the rest would follow from that."""
    if record.problems:
        return list(record.problems)
    problems = record.content_errors()
    if not record.stem.strip():
        problems.append("It has no question text.")
    if not record.explanation.strip():
        problems.append("It has no explanation of the answer (Moodle: general feedback; GIFT: ####feedback).")
    if not DIFFICULTY_MIN <= record.difficulty <= DIFFICULTY_MAX:
        problems.append(f"Difficulty must be {DIFFICULTY_MIN} to {DIFFICULTY_MAX}.")
    try:
        Question._meta.get_field("points").run_validators(record.points)
    except ValidationError as invalid:
        problems += [f"Points: {message}" for message in invalid.messages]
    problems += link_errors("The reference", record.reference, max_length=REFERENCE_CHARS)
    if len(", ".join(record.tags)) > TAGS_CHARS:
        problems.append(f"Its tags are longer than {TAGS_CHARS} characters together.")
    if any(len(c.match_text) > MATCH_CHARS for c in record.choices):
        problems.append(f"A matching target is longer than {MATCH_CHARS} characters.")
    return problems


@transaction.atomic
def questions_import(*, exam: Exam, records: Sequence[QuestionRecord], objective: Objective | None, origin: str,
                     user=None, request=None) -> ImportResult:
    """Save the records as questions pending review, or nothing (ImportRefused lists why)."""
    if objective is not None and objective.domain.exam_id != exam.pk:
        raise ImportRefused([f"Objective {objective.number} is not part of {exam.code}."])
    objectives = {o.number: o for o in Objective.objects.filter(domain__exam=exam)}
    problems, placed = [], []
    for number, record in enumerate(records, start=1):
        own = record_problems(record)
        if record.exam_code and record.exam_code != exam.code:
            own.append(f"The file is for {record.exam_code}, not {exam.code}.")
        target, objective_problem = _objective_for(record, exam=exam, objectives=objectives, default=objective)
        if objective_problem and not record.problems:  # a question its file could not give is named once
            own.append(objective_problem)
        problems += [f"{question_place(number, record)}: {problem}" for problem in own]
        placed.append(target)
    if problems:
        raise ImportRefused(problems)

    result = ImportResult()
    duplicates = DuplicateFinder.for_exam(exam.pk)
    for number, (record, target) in enumerate(zip(records, placed, strict=True), start=1):
        place = question_place(number, record)
        if duplicate := duplicates.find(record.stem):
            result.duplicates.append(f"{place}: skipped, a near-duplicate of question #{duplicate.question_id} "
                                     f"({duplicate.ratio:.0%} similar): “{duplicate.stem[:100]}”.")
            continue
        question = _question_create(exam=exam, objective=target, record=record, origin=origin)
        duplicates.add(record.stem, question_id=question.pk)
        result.created.append(question.pk)
        result.notes += [f"{place} (now #{question.pk}): {note}" for note in record.notes]
    audit_log("questions_imported", request=request, actor=user, target=exam, origin=origin,
              created=len(result.created), skipped=len(result.duplicates))
    return result


def _question_create(*, exam: Exam, objective: Objective, record: QuestionRecord, origin: str) -> Question:
    kind = record.kind
    note = " ".join([f"Imported from {origin}.", *record.notes])
    question = Question.objects.create(
        exam=exam, objective=objective, type=record.type, choose_count=kind.choose_count(record.choose_count),
        stem=record.stem, explanation=record.explanation, reference_url=record.reference, difficulty=record.difficulty,
        tags=", ".join(record.tags), points=record.points, simulation_data=record.simulation_data,
        review_status=Question.ReviewStatus.PENDING, source=Question.Source.HUMAN, review_note=note,
    )
    Choice.objects.bulk_create([
        Choice(question=question, text=c.text, is_correct=c.is_correct, explanation=c.explanation,
               match_text=c.match_text, position=position)
        for position, c in enumerate(kind.normalised(record.choices), start=1)
    ])
    return question


def bank_import(*, exam: Exam, data: bytes, format_key: str, objective: Objective | None, filename: str,
                user=None, request=None) -> ImportResult:
    """Read a file in one of FORMATS and import its questions (see questions_import)."""
    bank_format = FORMATS.get(format_key)
    if bank_format is None:
        raise ImportRefused([f"Unknown format {format_key!r}: use {', '.join(FORMATS)}."])
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused([f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB."])
    records = bank_format.parse(data)
    return questions_import(exam=exam, records=records, objective=objective, user=user, request=request,
                            origin=f"{filename} ({bank_format.label})")
