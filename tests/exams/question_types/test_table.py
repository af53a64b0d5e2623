"""Rule tables: typed values compared after normalisation, rule order, per-cell and per-row credit."""

import pytest

from exams.models import Question
from exams.question_types import InvalidAnswer, question_errors
from tests.exams.question_types.helpers import grade, parse
from tests.factories import QuestionFactory, firewall_table

pytestmark = pytest.mark.django_db

RIGHT = {"cell-0-action": "Allow", "cell-0-source": "10.1.0.0/16", "cell-0-port": "443",
         "cell-1-action": "Deny", "cell-1-port": "23", "cell-2-action": "Deny"}


def table(**changes):
    data = firewall_table()
    data.update(changes)
    return QuestionFactory(type=Question.Type.TABLE, simulation_data=data)


def test_it_gives_full_credit_for_every_cell_right():
    assert grade(table(), [], RIGHT) == 1.0


def test_it_compares_typed_values_after_normalising_them():
    answer = dict(RIGHT, **{"cell-0-source": "  10.1.0.0/16 ", "cell-0-port": "0443"})
    assert grade(table(), [], answer) == 1.0


def test_it_gives_partial_credit_per_cell():
    answer = dict(RIGHT, **{"cell-0-port": "80", "cell-1-action": "Allow"})
    assert grade(table(), [], answer) == pytest.approx(4 / 6)


def test_it_gives_credit_per_row_when_the_question_says_so():
    answer = dict(RIGHT, **{"cell-0-port": "80"})  # row 1 wrong, rows 2 and 3 right
    assert grade(table(grading="row"), [], answer) == pytest.approx(2 / 3)


def test_it_counts_rule_order_in_a_first_match_table():
    """The same two rules, swapped: Telnet denied first, then HTTPS allowed, is not what was asked."""
    swapped = dict(RIGHT, **{"cell-0-action": "Deny", "cell-0-source": "10.1.0.0/16", "cell-0-port": "23",
                             "cell-1-action": "Allow", "cell-1-port": "443"})
    assert grade(table(), [], swapped) == pytest.approx(2 / 6)
    # As a set, the swapped rows pair with the rules they match; only the source row 1 asked for is missing.
    assert grade(table(order="set"), [], swapped) == pytest.approx(5 / 6)


def test_it_accepts_rows_in_any_order_when_graded_as_a_set():
    data = {
        "columns": [{"key": "subnet", "label": "Subnet", "kind": "network"}, {"key": "hosts", "label": "Usable hosts", "kind": "number"}],
        "rows": [{"label": "A", "cells": {"subnet": {"answer": "192.0.2.0/26"}, "hosts": {"answer": "62"}}, "explanation": "A /26 has 62 hosts."},
                 {"label": "B", "cells": {"subnet": {"answer": "192.0.2.64/27"}, "hosts": {"answer": "30"}}, "explanation": "A /27 has 30 hosts."}],
        "order": "set", "grading": "cell",
    }
    question = QuestionFactory(type=Question.Type.TABLE, simulation_data=data)
    reversed_rows = {"cell-0-subnet": "192.0.2.64/27", "cell-0-hosts": "30", "cell-1-subnet": "192.0.2.0/26", "cell-1-hosts": "62"}
    assert grade(question, [], reversed_rows) == 1.0


def test_it_normalises_ipv6_and_prefixes():
    data = {
        "columns": [{"key": "address", "label": "Address", "kind": "ipv6"}, {"key": "prefix", "label": "Prefix", "kind": "prefix"}],
        "rows": [{"label": "1", "cells": {"address": {"answer": "2001:db8::1"}, "prefix": {"answer": "/64"}}, "explanation": "Why."}],
        "order": "ordered", "grading": "cell",
    }
    question = QuestionFactory(type=Question.Type.TABLE, simulation_data=data)
    assert grade(question, [], {"cell-0-address": "2001:DB8:0:0::1", "cell-0-prefix": "64"}) == 1.0
    assert grade(question, [], {"cell-0-address": "2001:db8::1", "cell-0-prefix": "255.255.255.0"}) == 0.5


@pytest.mark.parametrize("value, message", [
    ("10.1.0", "is not an address with a prefix"),
    ("x" * 65, "at most 64 characters"),
])
def test_it_refuses_a_value_that_is_not_of_its_kind_naming_the_cell(value, message):
    with pytest.raises(InvalidAnswer, match=message) as error:
        parse(table(), [], dict(RIGHT, **{"cell-0-source": value}))
    assert "Row 1, Source" in str(error.value)


def test_it_strips_control_characters_from_typed_values():
    assert grade(table(), [], dict(RIGHT, **{"cell-0-port": "4\x0043\x1b"})) == 1.0


def test_it_asks_for_every_cell():
    with pytest.raises(InvalidAnswer, match="Fill in every cell"):
        parse(table(), [], {"cell-0-action": "Allow"})


def test_it_refuses_an_option_the_column_does_not_offer():
    with pytest.raises(InvalidAnswer, match="pick one of the options"):
        parse(table(), [], dict(RIGHT, **{"cell-0-action": "Maybe"}))


def test_its_content_rules_name_what_is_wrong():
    data = firewall_table()
    data["rows"][0]["cells"]["port"] = {"answer": "https"}
    data["rows"][1]["explanation"] = ""
    data["columns"][0]["kind"] = "colour"
    errors = question_errors(question_type="table", choose_count=1, choices=[], data=data)
    assert any("unknown kind 'colour'" in e for e in errors)
    data["columns"][0]["kind"] = "choice"
    errors = question_errors(question_type="table", choose_count=1, choices=[], data=data)
    assert "Row 1, Port: the answer 'https' is not a port number from 0 to 65535." in errors
    assert "Row 2 needs an explanation of why it is so." in errors
    assert question_errors(question_type="table", choose_count=1, choices=[], data=firewall_table()) == []
