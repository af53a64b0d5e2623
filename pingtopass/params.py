"""Reading numbers that arrive in query strings and form fields, which anyone can type."""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only ("²".isdigit() is True), and fits a 64-bit column

# A signed 64-bit integer column (BigAutoField on SQLite, libSQL and PostgreSQL). SQLite's driver
# raises OverflowError for a number outside it instead of finding nothing.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def int_param(value: str | None, default: int | None = None) -> int | None:
    """A non-negative whole number from `value`, or `default` for anything else: never an error."""
    return int(value) if value and _DIGITS.fullmatch(value) else default


def whole_numbers_fit(value: str) -> bool:
    """False if `value`, or a part of it between commas (admin's `?id__in=1,2`), is a whole number
    that no 64-bit column holds. Text that is no number fits: whoever reads it says it is none."""
    for part in str(value).split(","):
        try:
            number = int(part)
        except ValueError:  # not a number (or more than 4,300 digits, which int() refuses too)
            continue
        if not INT64_MIN <= number <= INT64_MAX:
            return False
    return True
