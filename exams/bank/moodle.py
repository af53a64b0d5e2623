"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): multichoice (one answer or several),
truefalse, matching and ordering, read into question records and written back out.

Reading: per-answer feedback becomes the choice's explanation and general feedback the question's;
the category a question is filed under is kept, for the importer to map to an objective. HTML is
made into sanitised Markdown (exams/bank/sanitise.py). The XML is parsed by defusedxml: a file
that declares entities or reaches for external ones is refused, never expanded.

Writing adds what Moodle has no field for as elements Moodle's own importer ignores: a matching
pair's explanation (`<feedback>` in a `<subquestion>`), `<difficulty>` and `<reference>`; our
importer reads them back, so an export imports again as it was.
"""

import re
import xml.etree.ElementTree as ET
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.sax import parseString

from exams.bank.records import ExamRecord, ImportRefused, QuestionRecord
from exams.bank.sanitise import escape_markdown, html_to_markdown
from exams.question_types import ChoiceData

SUPPORTED = ("multichoice", "truefalse", "matching", "ordering")
NOT_QUESTIONS = ("category", "description")


class _TreeWithLines(ContentHandler):
    """Builds an ElementTree from SAX events, noting the line each top-level <question> starts on."""

    def __init__(self):
        super().__init__()
        self.builder = ET.TreeBuilder()
        self.depth = 0
        self.question_lines: list[int] = []
        self.locator = None

    def setDocumentLocator(self, locator):  # noqa: N802 - SAX's name
        self.locator = locator

    def startElement(self, name, attrs):  # noqa: N802
        self.depth += 1
        if self.depth == 2 and name == "question":
            self.question_lines.append(self.locator.getLineNumber() if self.locator else 0)
        self.builder.start(name, dict(attrs))

    def endElement(self, name):  # noqa: N802
        self.depth -= 1
        self.builder.end(name)

    def characters(self, content):
        self.builder.data(content)


def _parse_xml(data: bytes) -> tuple[ET.Element, list[int]]:
    handler = _TreeWithLines()
    try:
        parseString(data, handler)
    except EntitiesForbidden:
        raise ImportRefused(["The file declares XML entities, which are not allowed (Moodle XML never needs them)."]) from None
    except (ExternalReferenceForbidden, DTDForbidden):
        raise ImportRefused(["The file refers to an external DTD or entity, which is not allowed."]) from None
    except DefusedXmlException as exc:
        raise ImportRefused([f"The file is refused as unsafe XML ({exc})."]) from None
    except SAXParseException as exc:
        raise ImportRefused([f"Line {exc.getLineNumber()}: the file is not well-formed XML ({exc.getMessage()})."]) from None
    return handler.builder.close(), handler.question_lines


def _rich(element: ET.Element | None) -> tuple[str, int]:
    """A Moodle text (an element with a `format` attribute and a <text> child) as Markdown, and the
    number of images it held."""
    if element is None:
        return "", 0
    text = element.findtext("text") or ""
    text_format = element.get("format", "html")
    if text_format == "markdown":
        return text.strip(), 0
    if text_format == "plain_text":
        return escape_markdown(text.strip()), 0
    if text_format == "moodle_auto_format":
        text = text.replace("\n", "<br>")
    return html_to_markdown(text)


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _category_path(question: ET.Element) -> str:
    path = (question.findtext("category/text") or "").strip()
    return re.sub(r"^\$\w+\$/", "", path)


def _answers(question: ET.Element, record: QuestionRecord, *, correct) -> list[ChoiceData]:
    choices = []
    for answer in question.findall("answer"):
        text, images = _rich(answer)
        explanation, more = _rich(answer.find("feedback"))
        record_images(record, images + more)
        choices.append(ChoiceData(text=text, is_correct=correct(_fraction(answer)), explanation=explanation))
    return choices


def record_images(record: QuestionRecord, images: int) -> None:
    if images:
        record.notes.append(f"{images} image(s) dropped: attach the exhibit in admin before approving.")


def _read_multichoice(question: ET.Element, record: QuestionRecord) -> None:
    single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
    record.choices = _answers(question, record, correct=lambda fraction: fraction > 0)
    correct = sum(1 for c in record.choices if c.is_correct)
    if single:
        record.type = "single"
        if any(0 < _fraction(a) < 100 for a in question.findall("answer")):
            record.problems.append("A one-answer question here has one fully correct answer; this one gives partial credit.")
    else:
        record.type, record.choose_count = ("multiple", correct) if correct != 1 else ("single", 1)


def _read_truefalse(question: ET.Element, record: QuestionRecord) -> None:
    record.type = "truefalse"
    record.choices = [
        ChoiceData(text=c.text.strip().capitalize(), is_correct=c.is_correct, explanation=c.explanation)
        for c in _answers(question, record, correct=lambda fraction: fraction >= 100)
    ]


def _read_matching(question: ET.Element, record: QuestionRecord) -> None:
    record.type = "matching"
    for sub in question.findall("subquestion"):
        item, images = _rich(sub)
        explanation, more = _rich(sub.find("feedback"))
        record_images(record, images + more)
        target = (sub.findtext("answer/text") or "").strip()
        if not item:
            record.problems.append(f"The answer “{target}” matches no item (an extra distractor), which matching "
                                   "questions here cannot hold.")
            continue
        record.choices.append(ChoiceData(text=item, is_correct=True, explanation=explanation, match_text=target))
    if record.choices and not any(c.explanation for c in record.choices):
        record.problems.append("Moodle has no feedback per matching pair: add a <feedback><text>why</text></feedback> "
                               "to each <subquestion> (our exports do), so every pair says why it matches.")


def _read_ordering(question: ET.Element, record: QuestionRecord) -> None:
    record.type = "ordering"
    answers = question.findall("answer")
    fractions = [_fraction(a) for a in answers]
    if len(set(fractions)) == len(fractions):  # Moodle numbers the steps in their correct order
        answers = [a for _, a in sorted(zip(fractions, answers, strict=True), key=lambda pair: pair[0])]
    for answer in answers:
        text, images = _rich(answer)
        explanation, more = _rich(answer.find("feedback"))
        record_images(record, images + more)
        record.choices.append(ChoiceData(text=text, is_correct=True, explanation=explanation))


READERS = {"multichoice": _read_multichoice, "truefalse": _read_truefalse, "matching": _read_matching,
           "ordering": _read_ordering}


def parse(data: bytes) -> list[QuestionRecord]:
    root, lines = _parse_xml(data)
    if root.tag != "quiz":
        raise ImportRefused([f"The file is not Moodle XML: it starts with <{root.tag}>, not <quiz>."])
    records, category = [], ""
    for element, line in zip(root.findall("question"), lines, strict=True):
        kind = element.get("type", "")
        if kind == "category":
            category = _category_path(element)
            continue
        if kind == "description":
            continue
        stem, images = _rich(element.find("questiontext"))
        explanation, more = _rich(element.find("generalfeedback"))
        record = QuestionRecord(type=kind, stem=stem, choices=[], explanation=explanation, line=line,
                                key=(element.findtext("name/text") or "").strip(), category=category,
                                tags=[t.text.strip() for t in element.findall("tags/tag/text") if (t.text or "").strip()],
                                reference=(element.findtext("reference") or "").strip())
        record_images(record, images + more)
        difficulty = (element.findtext("difficulty") or "").strip()
        if difficulty:
            record.difficulty = int(difficulty) if difficulty.isdigit() else 0
        reader = READERS.get(kind)
        if reader is None:
            record.problems.append(f"Moodle question type “{kind}” cannot be imported (only {', '.join(SUPPORTED)}).")
        else:
            reader(element, record)
        records.append(record)
    if not records:
        raise ImportRefused(["The file holds no questions."])
    return records


# --- writing -------------------------------------------------------------------------------------
def _text(parent: ET.Element, tag: str, value: str, text_format: str | None = "markdown", **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {**({"format": text_format} if text_format else {}), **attrs})
    ET.SubElement(element, "text").text = value
    return element


def _plain(parent: ET.Element, tag: str, value) -> None:
    ET.SubElement(parent, tag).text = str(value)


def _write_pick(element: ET.Element, question: QuestionRecord) -> None:
    _plain(element, "single", "true" if question.choose_count == 1 else "false")
    _plain(element, "shuffleanswers", "true")
    _plain(element, "answernumbering", "ABCD")
    share = 100 / max(sum(1 for c in question.choices if c.is_correct), 1)
    for choice in question.choices:
        fraction = f"{share:.5f}".rstrip("0").rstrip(".") if choice.is_correct else "0"
        _text(_text(element, "answer", choice.text, fraction=fraction), "feedback", choice.explanation)


def _write_true_false(element: ET.Element, question: QuestionRecord) -> None:
    for choice in question.choices:
        answer = _text(element, "answer", choice.text.lower(), "moodle_auto_format",
                       fraction="100" if choice.is_correct else "0")
        _text(answer, "feedback", choice.explanation)


def _write_matching(element: ET.Element, question: QuestionRecord) -> None:
    _plain(element, "shuffleanswers", "true")
    for choice in question.choices:
        sub = _text(element, "subquestion", choice.text)
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = choice.match_text
        _text(sub, "feedback", choice.explanation)  # ours: Moodle has no feedback per pair, and ignores it


def _write_ordering(element: ET.Element, question: QuestionRecord) -> None:
    for name, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", 0),
                        ("gradingtype", "ABSOLUTE_POSITION"), ("showgrading", "SHOW"), ("numberingstyle", "none")):
        _plain(element, name, value)
    for position, choice in enumerate(question.choices, start=1):
        _text(_text(element, "answer", choice.text, fraction=str(position)), "feedback", choice.explanation)


# Our type key -> Moodle's type and what writes its answers; a type not here has no Moodle equivalent.
WRITERS = {
    "single": ("multichoice", _write_pick), "multiple": ("multichoice", _write_pick),
    "truefalse": ("truefalse", _write_true_false), "matching": ("matching", _write_matching),
    "ordering": ("ordering", _write_ordering),
}


def _write_question(quiz: ET.Element, question: QuestionRecord) -> bool:
    if question.type not in WRITERS:
        return False
    moodle_type, write_answers = WRITERS[question.type]
    element = ET.SubElement(quiz, "question", {"type": moodle_type})
    _text(element, "name", question.key or question.stem[:60], None)
    _text(element, "questiontext", question.stem)
    _text(element, "generalfeedback", question.explanation)
    _plain(element, "defaultgrade", question.points)
    _plain(element, "penalty", 0)
    _plain(element, "hidden", 0)
    _plain(element, "idnumber", question.key)
    write_answers(element, question)
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    _plain(element, "difficulty", question.difficulty)  # ours, like reference: Moodle ignores both
    if question.reference:
        _plain(element, "reference", question.reference)
    return True


def export(bank: ExamRecord) -> tuple[bytes, list[str]]:
    """The bank's questions as Moodle XML, one category per objective (`<exam code>/<objective>`),
    and the labels of questions Moodle has no type for (performance-based ones)."""
    quiz = ET.Element("quiz")
    names = {o.number: f"{o.number} {o.name}" for d in bank.domains for o in d.objectives}
    order = {number: index for index, number in enumerate(names)}
    skipped, category = [], None
    for question in sorted(bank.questions, key=lambda q: order.get(q.objective, -1)):
        if question.objective != category:
            category = question.objective
            path = f"$course$/top/{bank.code}/{names.get(category, category).replace('/', '-')}"
            _text(ET.SubElement(quiz, "question", {"type": "category"}), "category", path, None)
        if not _write_question(quiz, question):
            skipped.append(question.label)
    ET.indent(quiz)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(quiz, encoding="unicode")}\n'.encode(), skipped
