"""The file formats questions come in and go out in: one module per format, one entry here each."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from exams.bank import gift, jsonformat, moodle
from exams.bank.records import ExamRecord, QuestionRecord


@dataclass(frozen=True)
class BankFormat:
    key: str
    label: str
    extensions: tuple[str, ...]
    parse: Callable[[bytes], list[QuestionRecord]]
    # The file and the labels of questions it could not hold; None where we only import.
    export: Callable[[ExamRecord], tuple[bytes, list[str]]] | None = None
    content_type: str = "text/plain"


FORMATS: dict[str, BankFormat] = {
    f.key: f for f in (
        BankFormat("moodle", "Moodle XML", (".xml",), moodle.parse, moodle.export, "application/xml"),
        BankFormat("gift", "GIFT", (".gift", ".txt"), gift.parse),
        BankFormat("json", "JSON (our seed format)", (".json",), jsonformat.parse, jsonformat.export, "application/json"),
    )
}
EXPORT_FORMATS = {key: f for key, f in FORMATS.items() if f.export is not None}


def format_for_name(filename: str) -> BankFormat | None:
    """The format a file's extension says, if it says one."""
    suffix = PurePath(filename).suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.extensions), None)
