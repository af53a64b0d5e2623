"""Exporting an exam's questions in one of the formats that write (exams/bank/formats.py)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from exams.bank.formats import EXPORT_FORMATS
from exams.bank.records import ExamRecord, exam_blueprint, exam_spec, question_record
from exams.models import Exam, Question


@dataclass
class Export:
    data: bytes
    filename: str
    content_type: str
    count: int  # questions written
    skipped: list[str]  # labels of questions the format has no type for


def bank_export(*, exam: Exam, format_key: str, questions: QuerySet | None = None) -> Export:
    """The exam's questions as a file: the ones given, or else its bank (approved, active)."""
    bank_format = EXPORT_FORMATS.get(format_key)
    if bank_format is None:
        raise ValueError(f"Unknown export format {format_key!r}: use {', '.join(EXPORT_FORMATS)}.")
    if questions is None:
        questions = Question.objects.filter(exam=exam, review_status=Question.ReviewStatus.APPROVED, is_active=True)
    rows = questions.filter(exam=exam).select_related("objective").prefetch_related("choices").order_by("pk")
    records = [question_record(q) for q in rows]
    data, skipped = bank_format.export(
        ExamRecord(exam.code, exam.name, exam_blueprint(exam), records, "database", exam_spec(exam))
    )
    filename = f"{exam.code}-{timezone.localdate():%Y%m%d}{bank_format.extensions[0]}"
    return Export(data, filename, bank_format.content_type, len(records) - len(skipped), skipped)
