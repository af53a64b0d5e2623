"""Rule table / task grid: a table whose cells the learner fills in (a firewall's rules, a subnet
plan, ports and protocols). A cell is either given (shown, read-only) or asked: a dropdown of
options or a short typed value, compared after normalisation for its kind, so "10.0.0.0/24" and
" 10.0.0.0/24 " or "2001:DB8::1" and "2001:db8:0::1" are the same answer.

simulation_data:
    {"columns": [{"key": "action", "label": "Action", "kind": "choice", "options": ["Allow", "Deny"]},
                 {"key": "source", "label": "Source", "kind": "network"}, ...],
     "rows": [{"label": "Rule 1", "cells": {"action": {"answer": "Allow"}, "source": {"given": "any"}},
               "explanation": "Why this row is so."}, ...],
     "order": "ordered" | "set",     # row by row ("ordered"), or rows that may come in any order ("set")
     "first_match": true,            # optional, with "ordered": the rows are rules read top down, first match wins
     "grading": "cell" | "row"}      # partial credit per cell, or per row (a row counts when every cell is right)
An asked cell's "answer" is a value or a list of values that are all accepted.
"""

import ipaddress
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from exams.question_types.base import InvalidAnswer
from exams.question_types.simulated import SimulatedType

MAX_VALUE = 64  # characters in a typed cell
MAX_ROWS = 12
BEST_ORDER_ROWS = 7  # "set" grading tries every pairing up to this many rows, then pairs greedily


def _ipv4(text: str) -> str:
    return str(ipaddress.IPv4Address(text))


def _ipv6(text: str) -> str:
    return str(ipaddress.IPv6Address(text))


def _network(text: str) -> str:
    """An address with its prefix ("10.1.0.0/16", an IPv6 prefix too), or "any"."""
    if text.casefold() == "any":
        return "any"
    if "/" not in text:
        raise ValueError(text)
    return str(ipaddress.ip_interface(text))


def _prefix(text: str) -> str:
    """A prefix length as "/24", from "/24", "24" or the mask "255.255.255.0"."""
    text = text.removeprefix("/")
    if "." in text:
        return f"/{ipaddress.IPv4Network(f'0.0.0.0/{text}').prefixlen}"
    length = int(text)
    if not 0 <= length <= 128:
        raise ValueError(text)
    return f"/{length}"


def _port(text: str) -> str:
    port = int(text)
    if not 0 <= port <= 65535:
        raise ValueError(text)
    return str(port)


def _number(text: str) -> str:
    return str(int(text))


def _word(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class CellKind:
    label: str  # said in an error: "… is not an IPv4 address"
    normalise: Callable[[str], str]
    inputmode: str = "text"


KINDS: dict[str, CellKind] = {
    "ipv4": CellKind("an IPv4 address", _ipv4, "decimal"),
    "ipv6": CellKind("an IPv6 address", _ipv6),
    "network": CellKind('an address with a prefix (such as 192.0.2.0/24) or "any"', _network),
    "prefix": CellKind("a prefix length (/24) or a mask (255.255.255.0)", _prefix),
    "port": CellKind("a port number from 0 to 65535", _port, "numeric"),
    "number": CellKind("a whole number", _number, "numeric"),
    "word": CellKind("a word", _word),
}
CHOICE = "choice"


def _clean(raw) -> str:
    """A typed value without control characters and surrounding space."""
    return re.sub(r"[\x00-\x1f\x7f]", "", str(raw or "")).strip()


@dataclass(frozen=True)
class Cell:
    row: int
    key: str
    label: str
    kind: str
    options: tuple[str, ...]
    given: str | None  # shown, not asked
    answers: tuple[str, ...]  # normalised accepted values of an asked cell

    @property
    def asked(self) -> bool:
        return self.given is None

    @property
    def name(self) -> str:
        return f"cell-{self.row}-{self.key}"


def _normalised(kind: str, value: str) -> str:
    return value if kind == CHOICE else KINDS[kind].normalise(value)


# What an AI job writes for a table (aigen builds its schema from this): cells as a list in the
# columns' order, since a strict schema cannot have keys chosen by the model.
_STRICT = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_serialization_defaults_required=True,
                     json_schema_extra={"additionalProperties": False})


class GeneratedColumn(BaseModel):
    model_config = _STRICT

    key: str = Field(description="A short id, e.g. action, source, port.")
    label: str
    kind: Literal["choice", "ipv4", "ipv6", "network", "prefix", "port", "number", "word"]
    options: list[str] = Field([], description="choice columns: the dropdown's options; [] otherwise.")


class GeneratedCell(BaseModel):
    model_config = _STRICT

    given: str = Field("", description='Shown as is; "" when the learner fills the cell in.')
    answer: list[str] = Field([], description="The accepted values when the learner fills it in; [] when given.")


class GeneratedRow(BaseModel):
    model_config = _STRICT

    label: str
    cells: list[GeneratedCell] = Field(description="One per column, in the columns' order.")
    explanation: str = Field(description="Why this row is so.")


class GeneratedTable(BaseModel):
    model_config = _STRICT

    columns: list[GeneratedColumn]
    rows: list[GeneratedRow]
    order: Literal["ordered", "set"]
    first_match: bool = Field(False, description="true for firewall or ACL rules read top down (first match wins).")
    grading: Literal["cell", "row"] = "cell"


class Table(SimulatedType):
    key = "table"
    label = "Rule table"
    wrong_hint = "The cells marked ✗ below are wrong."
    input_template = "questions/table_input.jinja"
    ai_default_share = 0  # on request only: a moderator asks for tables in the job's mix
    ai_rule = ('table: no choices ([]); "table" holds columns (key, label, kind: choice with options, ipv4, ipv6, '
               'network, prefix, port, number or word), rows (label, one cell per column: "given" text shown, or '
               '"answer" values the learner types or picks, and the row\'s explanation), "order" ("ordered", with '
               '"first_match" true for firewall rules; "set" when rows may come in any order) and "grading" '
               '("cell" or "row"); at least three cells to fill in. Other types: "table" is null.')
    ai_data_model = GeneratedTable

    def ai_data(self, generated: Mapping | None) -> dict:
        """The simulation_data of what an AI job wrote (GeneratedTable as a dict)."""
        if not generated:
            return {}
        columns = [{"key": c["key"], "label": c["label"], "kind": c["kind"], **({"options": c["options"]} if c["kind"] == CHOICE else {})}
                   for c in generated.get("columns", [])]
        rows = []
        for row in generated.get("rows", []):
            cells = {}
            for column, cell in zip(columns, row.get("cells", []), strict=False):
                cells[column["key"]] = {"answer": cell["answer"] if len(cell["answer"]) > 1 else cell["answer"][0]} \
                    if cell.get("answer") else {"given": cell.get("given", "")}
            rows.append({"label": row.get("label", ""), "cells": cells, "explanation": row.get("explanation", "")})
        data = {"columns": columns, "rows": rows, "order": generated.get("order", "ordered"),
                "grading": generated.get("grading", "cell")}
        if generated.get("first_match"):
            data["first_match"] = True
        return data

    def badge_for(self, question) -> str:
        data = question.simulation_data or {}
        per = "per row" if data.get("grading") == "row" else "per cell"
        return f"Fill in the table · partial credit {per}" + (" · rule order counts" if self._first_match(data) else "")

    @staticmethod
    def _first_match(data: Mapping) -> bool:
        """Rules read top down, the first that matches deciding (a firewall, an ACL)."""
        return bool(data.get("first_match")) and data.get("order", "ordered") == "ordered"

    # --- content ---------------------------------------------------------------------------
    def data_errors(self, data: Mapping) -> list[str]:
        if not isinstance(data, Mapping):
            return ["A rule table needs its table (columns and rows)."]
        errors = []
        columns = data.get("columns")
        rows = data.get("rows")
        if not isinstance(columns, list) or not 1 <= len(columns) <= 8:
            return ["A rule table needs 1 to 8 columns."]
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
            return [f"A rule table needs 1 to {MAX_ROWS} rows."]
        keys = []
        for n, column in enumerate(columns, 1):
            if not isinstance(column, Mapping) or not str(column.get("key", "")).strip() or not str(column.get("label", "")).strip():
                errors.append(f"Column {n} needs a key and a label.")
                continue
            keys.append(column["key"])
            kind = column.get("kind")
            if kind == CHOICE:
                options = column.get("options")
                if not isinstance(options, list) or len(options) < 2 or len({str(o).casefold() for o in options}) != len(options):
                    errors.append(f"Column {column['label']!r} needs two or more distinct options.")
            elif kind not in KINDS:
                errors.append(f"Column {column['label']!r} has an unknown kind {kind!r} "
                              f"(choice, {', '.join(KINDS)}).")
        if len(set(keys)) != len(keys):
            errors.append("Column keys must be distinct.")
        if data.get("order", "ordered") not in ("ordered", "set"):
            errors.append('"order" is "ordered" (rule order counts) or "set" (rows in any order).')
        if data.get("grading", "cell") not in ("cell", "row"):
            errors.append('"grading" is "cell" or "row".')
        if not isinstance(data.get("first_match", False), bool) or (data.get("first_match") and data.get("order") == "set"):
            errors.append('"first_match" is true or false, and true only with "order": "ordered".')
        if errors:
            return errors
        asked = 0
        for r, row in enumerate(rows, 1):
            if not isinstance(row, Mapping) or not isinstance(row.get("cells"), Mapping):
                errors.append(f"Row {r} needs its cells.")
                continue
            if not str(row.get("explanation", "")).strip():
                errors.append(f"Row {r} needs an explanation of why it is so.")
            for column in columns:
                cell = row["cells"].get(column["key"])
                where = f"Row {r}, {column['label']}"
                if not isinstance(cell, Mapping) or ("given" in cell) == ("answer" in cell):
                    errors.append(f"{where}: a cell is either given or has an answer.")
                    continue
                if "given" in cell:
                    continue
                asked += 1
                answers = cell["answer"] if isinstance(cell["answer"], list) else [cell["answer"]]
                for answer in answers:
                    if column["kind"] == CHOICE:
                        if answer not in column["options"]:
                            errors.append(f"{where}: the answer {answer!r} is not one of the column's options.")
                    else:
                        try:
                            KINDS[column["kind"]].normalise(_clean(answer))
                        except ValueError:
                            errors.append(f"{where}: the answer {answer!r} is not {KINDS[column['kind']].label}.")
        if not errors and not asked:
            errors.append("A rule table needs at least one cell to fill in.")
        return errors

    # --- the table -------------------------------------------------------------------------
    def _cells(self, data: Mapping) -> list[list[Cell]]:
        table = []
        for r, row in enumerate(data["rows"]):
            cells = []
            for column in data["columns"]:
                cell = row["cells"][column["key"]]
                kind = column["kind"]
                answers = () if "given" in cell else tuple(
                    _normalised(kind, _clean(a)) for a in (cell["answer"] if isinstance(cell["answer"], list) else [cell["answer"]]))
                cells.append(Cell(r, column["key"], column["label"], kind, tuple(column.get("options", ())),
                                  str(cell["given"]) if "given" in cell else None, answers))
            table.append(cells)
        return table

    def board(self, question, *, response, posted: Mapping | None, reveal: bool, draft=None) -> dict:
        data = question.simulation_data
        table = self._cells(data)
        given = response if isinstance(response, dict) else {}
        rows = []
        for r, cells in enumerate(table):
            shown = []
            for cell in cells:
                value = _clean(posted.get(cell.name)) if posted is not None else given.get(cell.name, "")
                # An answer sent back to the learner marks the values that cannot be taken.
                invalid = posted is not None and cell.asked and bool(value) and _refused(cell, value)
                shown.append({"cell": cell, "value": value, "kind": KINDS.get(cell.kind), "invalid": invalid})
            rows.append({"label": data["rows"][r].get("label", str(r + 1)), "cells": shown})
        board = {"columns": data["columns"], "rows": rows, "first_match": self._first_match(data)}
        if reveal:
            board.update(parts=self.parts(question, given), answered=True)
        return board

    def public_data(self, question, *, response=None, draft=None) -> dict:
        data = question.simulation_data
        given = response if isinstance(response, Mapping) else {}
        rows = []
        for r, cells in enumerate(self._cells(data)):
            rows.append({"label": data["rows"][r].get("label", str(r + 1)), "cells": {
                c.key: {"given": c.given} if not c.asked else {"field": c.name, "value": given.get(c.name)} for c in cells}})
        columns = [{"key": c["key"], "label": c["label"], "kind": c["kind"], "options": list(c.get("options", []))}
                   for c in data["columns"]]
        return {"columns": columns, "rows": rows, "order": data.get("order", "ordered"), "grading": data.get("grading", "cell")}

    # --- an answer -------------------------------------------------------------------------
    def answer_given(self, data: Mapping) -> bool:
        return any(_clean(data.get(key)) for key in data if key.startswith("cell-"))

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        response, empty = {}, []
        for cells in self._cells(question.simulation_data):
            for cell in cells:
                if not cell.asked:
                    continue
                raw = data.get(cell.name)
                value = _clean(raw[-1] if isinstance(raw, list) and raw else raw)
                if not value:
                    empty.append(f"Row {cell.row + 1}, {cell.label}")
                    continue
                response[cell.name] = _accepted(cell, value)
        if empty:
            raise InvalidAnswer(f"Fill in every cell ({len(empty)} left, the first: {empty[0]}).")
        return response

    def _pairing(self, question, response: Mapping) -> list[tuple[int, int]]:
        """(learner's row, key row) pairs: row by row where rule order counts; otherwise the
        pairing of rows that gets the most cells right."""
        table = self._cells(question.simulation_data)
        n = len(table)
        if question.simulation_data.get("order", "ordered") == "ordered":
            return [(r, r) for r in range(n)]

        def right(mine: int, key: int) -> int:
            return sum(response.get(f"cell-{mine}-{c.key}") in c.answers for c in table[key] if c.asked)

        if n <= BEST_ORDER_ROWS:
            best = max(itertools.permutations(range(n)), key=lambda keys: sum(right(m, k) for m, k in enumerate(keys)))
            return list(enumerate(best))
        free, pairs = set(range(n)), []
        for mine in range(n):
            key = max(sorted(free), key=lambda k: right(mine, k))
            free.discard(key)
            pairs.append((mine, key))
        return pairs

    def parts(self, question, response: Mapping) -> list[dict]:
        """Each asked cell as the review shows it: what the learner gave, the answer, and why."""
        data = question.simulation_data
        table = self._cells(data)
        parts = []
        for mine, key in self._pairing(question, response):
            asked = [cell for cell in table[key] if cell.asked]
            for n, cell in enumerate(asked, 1):
                given = response.get(f"cell-{mine}-{cell.key}", "")
                parts.append({
                    "label": f"{data['rows'][key].get('label', key + 1)} · {cell.label}",
                    "given": given or "(left empty)", "answer": " or ".join(cell.answers),
                    "right": given in cell.answers, "row": key,
                    # The row's reason once, under its last cell, not repeated under each.
                    "explanation": data["rows"][key].get("explanation", "") if n == len(asked) else "",
                })
        return parts

    def score(self, choices: Sequence, response, *, question=None) -> float:
        if question.simulation_data.get("grading") != "row":
            return super().score(choices, response, question=question)
        rows: dict[int, bool] = {}
        for part in self.parts(question, response if isinstance(response, Mapping) else {}):
            rows[part["row"]] = rows.get(part["row"], True) and part["right"]
        return sum(rows.values()) / len(rows) if rows else 0.0


def _accepted(cell: Cell, value: str) -> str:
    """The value a learner typed or picked for an asked cell, normalised for its kind; an
    InvalidAnswer saying which cell and why when it cannot be taken."""
    where = f"Row {cell.row + 1}, {cell.label}"
    if len(value) > MAX_VALUE:
        raise InvalidAnswer(f"{where}: at most {MAX_VALUE} characters.")
    if cell.kind == CHOICE:
        if value not in cell.options:
            raise InvalidAnswer(f"{where}: pick one of the options.")
        return value
    try:
        return KINDS[cell.kind].normalise(value)
    except ValueError:
        raise InvalidAnswer(f"{where}: {value!r} is not {KINDS[cell.kind].label}.") from None


def _refused(cell: Cell, value: str) -> bool:
    try:
        _accepted(cell, value)
    except InvalidAnswer:
        return True
    return False
