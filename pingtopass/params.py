"""Reading numbers that arrive in query strings and form fields, which anyone can type."""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only ("²".isdigit() is True), and fits a 64-bit column


def int_param(value: str | None, default: int | None = None) -> int | None:
    """A non-negative whole number from `value`, or `default` for anything else: never an error."""
    return int(value) if value and _DIGITS.fullmatch(value) else default
