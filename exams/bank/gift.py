"""GIFT (https://docs.moodle.org/en/GIFT_format): multiple choice (one answer, or several with
positive weights), true/false and matching, read into question records.

What is read: `::title::`, a `[html]`/`[moodle]`/`[markdown]`/`[plain]` format marker, `//`
comment lines, `$CATEGORY:` lines, `#feedback` per answer (true/false: `#if wrong#if right`),
`####general feedback` (the question's explanation), weights (`~%50%`), the escapes `\\~ \\= \\#
\\{ \\} \\: \\\\ \\n`, and text after the answers (the "missing word" form: the stem gets a blank).
GIFT has no feedback per matching pair, so the importer takes one written after the pair
(`=item -> target # why`), which Moodle would read as part of the target.

Questions are separated by blank lines, as in Moodle. HTML in the text (the default "moodle"
format allows it) is made into sanitised Markdown (exams/bank/sanitise.py).
"""

import re

from exams.bank.records import ImportRefused, QuestionRecord, import_text
from exams.bank.sanitise import escape_markdown, html_to_markdown
from exams.question_types import ChoiceData

_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004", "\\}": "\ue005",
            "\\:": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{", "\ue005": "}", "\ue006": ":",
            "\ue007": "\n"}
_FORMAT = re.compile(r"\s*\[(html|moodle|markdown|plain)\]")
_WEIGHT = re.compile(r"%(-?\d{1,3}(?:\.\d*)?)%")
_TRUE_FALSE = re.compile(r"(T|TRUE|F|FALSE)\s*(?:#(.*?))?\s*(?:#(.*))?", re.DOTALL)


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, character in _RESTORE.items():
        text = text.replace(placeholder, character)
    return text


def _markdown(text: str, text_format: str, record: QuestionRecord) -> str:
    """A piece of GIFT text (escapes still protected) as Markdown."""
    text = _restore(text).strip()
    if text_format == "markdown":
        return text
    if text_format == "plain":
        return escape_markdown(text)
    html, images = html_to_markdown(text.replace("\n", "<br>") if text_format == "moodle" else text)
    if images:
        record.notes.append(f"{images} image(s) dropped: attach the exhibit in admin before approving.")
    return html


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question or category block: blank lines separate them and
    comment lines are dropped."""
    blocks, lines, start = [], [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if lines:
                blocks.append((start, "\n".join(lines)))
            lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        blocks.append((start, "\n".join(lines)))
    return blocks


def _split_answers(body: str) -> list[tuple[str, str]]:
    """The answers of a choice block as (marker, text), the marker "=" or "~"."""
    answers = []
    for match in re.finditer(r"([=~])([^=~]*)", body):
        answers.append((match.group(1), match.group(2)))
    return answers


def _with_feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return answer, feedback


def _read_choices(body: str, text_format: str, record: QuestionRecord) -> None:
    weighted = []
    for marker, text in _split_answers(body):
        weight = 100.0 if marker == "=" else 0.0
        if match := _WEIGHT.match(text.strip()):
            weight = float(match.group(1))
            text = text.strip()[match.end():]
        answer, feedback = _with_feedback(text)
        weighted.append((weight, ChoiceData(text=_markdown(answer, text_format, record), is_correct=weight > 0,
                                            explanation=_markdown(feedback, text_format, record))))
    record.choices = [choice for _, choice in weighted]
    correct = [weight for weight, _ in weighted if weight > 0]
    if len(correct) > 1:
        record.type, record.choose_count = "multiple", len(correct)
    else:
        record.type = "single"
        if correct and correct[0] < 100:
            record.problems.append("Its one correct answer is weighted below 100%; a one-answer question here has one "
                                   "fully correct answer.")


def _read_matching(body: str, text_format: str, record: QuestionRecord) -> None:
    record.type = "matching"
    for _, text in _split_answers(body):
        item, arrow, rest = text.partition("->")
        if not arrow:
            record.problems.append(f"The matching pair “{_restore(text).strip()}” has no “->”.")
            continue
        target, feedback = _with_feedback(rest)
        record.choices.append(ChoiceData(text=_markdown(item, text_format, record), is_correct=True,
                                         match_text=_restore(target).strip(),
                                         explanation=_markdown(feedback, text_format, record)))
    if record.choices and not any(c.explanation for c in record.choices):
        record.problems.append("GIFT has no feedback per matching pair: write why after each pair "
                               "(=item -> target # why it matches).")


def _read_true_false(match: re.Match, text_format: str, record: QuestionRecord) -> None:
    truth = match.group(1).upper().startswith("T")
    if_wrong = _markdown(match.group(2) or "", text_format, record)
    if_right = _markdown(match.group(3) or "", text_format, record)
    record.type = "truefalse"
    record.choices = [
        ChoiceData(text="True", is_correct=truth, explanation=if_right if truth else if_wrong),
        ChoiceData(text="False", is_correct=not truth, explanation=if_wrong if truth else if_right),
    ]


def _read_question(line: int, block: str, category: str) -> QuestionRecord:
    text = block.strip()
    record = QuestionRecord(type="", stem="", choices=[], line=line, category=category)
    if text.startswith("::"):
        title, found, rest = text[2:].partition("::")
        if found:
            record.key, text = _restore(title).strip(), rest.strip()
    text_format = "moodle"
    if match := _FORMAT.match(text):
        text_format, text = match.group(1), text[match.end():]
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing < 0:
        record.problems.append("It has no answers: GIFT puts them in { } after the question.")
        record.stem = _markdown(text, text_format, record)
        return record
    if closing < 0:
        brace_line = line + block[: block.find("{")].count("\n")
        record.problems.append(f"The answer block opened with “{{” on line {brace_line} is never closed with “}}”.")
        return record
    if opening < 0 or closing < opening:
        brace_line = line + block[: block.find("}")].count("\n")
        record.problems.append(f"The “}}” on line {brace_line} closes an answer block that was never opened with “{{”.")
        return record
    before, body, after = text[:opening], text[opening + 1:closing], text[closing + 1:]
    record.stem = _markdown(f"{before.rstrip()} _____ {after.lstrip()}" if after.strip() else before, text_format, record)
    body, _, general = body.partition("####")
    record.explanation = _markdown(general, text_format, record)
    body = body.strip()
    if tf := _TRUE_FALSE.fullmatch(body):
        _read_true_false(tf, text_format, record)
    elif "~" in body:
        _read_choices(body, text_format, record)
    elif "=" in body and "->" in body:
        _read_matching(body, text_format, record)
    elif "=" in body and any(_WEIGHT.match(text.strip()) for _, text in _split_answers(body)):
        _read_choices(body, text_format, record)
    else:
        what = "an essay" if not body else ("a numerical question" if body.startswith("#") else "a short-answer question")
        record.problems.append(f"It is {what}, which cannot be imported (multiple choice, true/false and matching can).")
    return record


def parse(data: bytes) -> list[QuestionRecord]:
    text = import_text(data)
    records, category = [], ""
    for line, block in _blocks(_protect(text)):
        if block.lstrip().startswith("$CATEGORY:"):
            first, _, rest = block.partition("\n")
            category = _restore(first.split(":", 1)[1]).strip()
            if not rest.strip():
                continue
            line, block = line + 1, rest
        records.append(_read_question(line, block, category))
    if not records:
        raise ImportRefused(["The file holds no questions."])
    return records
