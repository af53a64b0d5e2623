"""Native SQL for what Django's sqlite3 backend computes with Python functions.

Django registers ``django_date_extract``, ``django_datetime_trunc``, ``django_format_dtdelta`` and
friends on every sqlite3 connection (django/db/backends/sqlite3/_functions.py). libsql_experimental
cannot register functions, so the same results are written here in SQLite's own date functions,
matching the Python versions' output text.

Values are Django's SQLite text: ``YYYY-MM-DD``, ``HH:MM:SS[.ffffff]`` and
``YYYY-MM-DD HH:MM:SS[.ffffff]``. Literal percent signs are doubled because the SQL goes through
Django's "format" placeholder conversion.

Where one value is needed several times, it is bound once in a scalar subquery
(``(SELECT ... FROM (SELECT <value> AS libsql_v))``) so its parameters stay in order.
"""

import datetime
import functools
import zoneinfo

from django.db import NotSupportedError
from django.db.backends.utils import split_tzname_delta

VALUE = "libsql_v"
# format_for_duration_arithmetic() marks the duration side of a DurationExpression with this, so
# combine_duration_expression() knows which side is the timedelta (Django gives it only SQL).
DURATION_MARK = "/* libsql:duration */ "


def with_values(body: str, **values: str) -> str:
    """``body`` with each name bound once to its SQL, in the order given."""
    columns = ", ".join(f"{sql} AS {name}" for name, sql in values.items())
    return f"(SELECT {body} FROM (SELECT {columns}))"  # noqa: S608 - SQL Django compiled, no input


# --- Time zones ------------------------------------------------------------------------------
_RANGE = (datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC))


@functools.lru_cache(maxsize=64)
def _utc_offsets(tzname: str) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The zone's UTC offset (seconds) before 1900, and each change (UTC start, new offset) to 2100."""
    zone = zoneinfo.ZoneInfo(tzname)

    def offset(moment: datetime.datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    start, end = _RANGE
    first = current = offset(start)
    changes = []
    moment = start
    while moment < end:
        following = moment + datetime.timedelta(days=1)
        if (new := offset(following)) != current:
            before, after = moment, following
            while after - before > datetime.timedelta(seconds=1):
                middle = before + (after - before) / 2
                before, after = (middle, after) if offset(middle) == current else (before, middle)
            changes.append((after.strftime("%Y-%m-%d %H:%M:%S"), new))
            current = new
        moment = following
    return first, tuple(changes)


def _local_offsets(tzname: str) -> tuple[int, tuple[tuple[str, int], ...]]:
    """Like _utc_offsets, with each change given in the zone's wall-clock time.

    Like Python's ``datetime.replace(tzinfo=...)`` (fold=0), wall times in a gap or an overlap
    take the offset in force before the change.
    """
    first, changes = _utc_offsets(tzname)
    local = []
    previous = first
    for start, new in changes:
        utc = datetime.datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
        local.append(((utc + datetime.timedelta(seconds=max(previous, new))).strftime("%Y-%m-%d %H:%M:%S"), new))
        previous = new
    return first, tuple(local)


def _offset_sql(value: str, first: int, changes: tuple[tuple[str, int], ...]) -> str:
    """A binary search over the changes: the offset in force at ``value``."""
    offsets = [first, *(offset for _, offset in changes)]
    starts = [start for start, _ in changes]

    def search(low: int, high: int) -> str:
        if low == high:
            return str(offsets[low])
        middle = (low + high + 1) // 2
        return f"CASE WHEN {value} < '{starts[middle - 1]}' THEN {search(low, middle - 1)} ELSE {search(middle, high)} END"

    return search(0, len(offsets) - 1)


def _shift(sql: str, seconds: int) -> str:
    return f"datetime({sql}, '{seconds:+d} seconds')" if seconds else sql


def _shift_by_zone(sql: str, offsets: tuple[int, tuple], sign: int) -> str:
    first, changes = offsets
    if not changes:
        return _shift(sql, sign * first)
    offset = _offset_sql(VALUE, first, changes)
    return with_values(f"datetime({VALUE}, printf('%%+d seconds', {sign} * ({offset})))", **{VALUE: sql})


def local_datetime(sql: str, tzname: str | None, conn_tzname: str | None) -> str:
    """The datetime text ``sql`` (stored in the connection's zone) as wall time in ``tzname``.

    Mirrors _sqlite_datetime_parse(): ``tzname`` may carry an offset (``"UTC+05:00"``), which
    is added before moving to the zone. Fractional seconds are dropped first: SQLite rounds them
    to milliseconds, which turns 23:59:59.9999 into the next day for weekdays and modifiers.
    """
    sql = f"substr({sql}, 1, 19)"
    if tzname is None or tzname == conn_tzname:
        return sql
    utc = _shift_by_zone(sql, _local_offsets(conn_tzname), -1) if conn_tzname else sql
    name, sign, offset = split_tzname_delta(tzname)
    if offset:
        hours, minutes = offset.split(":")
        utc = _shift(utc, (1 if sign == "+" else -1) * (int(hours) * 3600 + int(minutes) * 60))
    return _shift_by_zone(utc, _utc_offsets(name or conn_tzname), 1)


# --- Extraction and truncation ---------------------------------------------------------------
# The ISO week's Thursday decides the ISO week and year: the first Thursday on or after d - 3 days.
_THURSDAY = "date({}, '-3 days', 'weekday 4')"
_MONDAY = "date({}, '-6 days', 'weekday 1')"
_EXTRACT = {
    "year": "CAST(strftime('%%Y', {}) AS INTEGER)",
    "month": "CAST(strftime('%%m', {}) AS INTEGER)",
    "day": "CAST(strftime('%%d', {}) AS INTEGER)",
    "hour": "CAST(strftime('%%H', {}) AS INTEGER)",
    "minute": "CAST(strftime('%%M', {}) AS INTEGER)",
    "second": "CAST(strftime('%%S', {}) AS INTEGER)",
    "week_day": "(CAST(strftime('%%w', {}) AS INTEGER) + 1)",
    "iso_week_day": "((CAST(strftime('%%w', {}) AS INTEGER) + 6) %% 7 + 1)",
    "week": f"((CAST(strftime('%%j', {_THURSDAY}) AS INTEGER) - 1) / 7 + 1)",
    "iso_year": f"CAST(strftime('%%Y', {_THURSDAY}) AS INTEGER)",
    "quarter": "((CAST(strftime('%%m', {}) AS INTEGER) + 2) / 3)",
}
_QUARTER_START = (
    f"strftime('%%Y-', {VALUE}) || printf('%%02d', (CAST(strftime('%%m', {VALUE}) AS INTEGER) - 1) / 3 * 3 + 1) || '-01'"
)
_DATE_TRUNC = {
    "year": "strftime('%%Y-01-01', {})",
    "month": "strftime('%%Y-%%m-01', {})",
    "week": _MONDAY,
    "day": "date({})",
}
_DATETIME_TRUNC = {
    "year": "strftime('%%Y-01-01 00:00:00', {})",
    "month": "strftime('%%Y-%%m-01 00:00:00', {})",
    "week": "datetime({}, '-6 days', 'weekday 1', 'start of day')",
    "day": "datetime({}, 'start of day')",
    "hour": "strftime('%%Y-%%m-%%d %%H:00:00', {})",
    "minute": "strftime('%%Y-%%m-%%d %%H:%%M:00', {})",
    "second": "strftime('%%Y-%%m-%%d %%H:%%M:%%S', {})",
}
_TIME_TRUNC = {
    "hour": "strftime('%%H:00:00', {})",
    "minute": "strftime('%%H:%%M:00', {})",
    "second": "strftime('%%H:%%M:%%S', {})",
}


def _pick(table: dict, lookup_type: str) -> str:
    try:
        return table[lookup_type.lower()]
    except KeyError:
        raise ValueError(f"Unsupported lookup type: {lookup_type!r}") from None


def extract(lookup_type: str, sql: str) -> str:
    return _pick(_EXTRACT, lookup_type).format(sql)


def date_trunc(lookup_type: str, sql: str) -> str:
    if lookup_type.lower() == "quarter":
        return with_values(_QUARTER_START, **{VALUE: sql})
    return _pick(_DATE_TRUNC, lookup_type).format(sql)


def datetime_trunc(lookup_type: str, sql: str) -> str:
    if lookup_type.lower() == "quarter":
        return with_values(f"{_QUARTER_START} || ' 00:00:00'", **{VALUE: sql})
    return _pick(_DATETIME_TRUNC, lookup_type).format(sql)


def time_trunc(lookup_type: str, sql: str) -> str:
    return _pick(_TIME_TRUNC, lookup_type).format(sql)


def datetime_cast_time(sql: str, tzname: str | None, conn_tzname: str | None) -> str:
    """``HH:MM:SS`` plus ``.ffffff`` when there are microseconds, as ``time.isoformat()`` gives."""
    fraction = (
        f"CASE WHEN substr({VALUE}, 20, 1) = '.' AND ltrim(substr({VALUE}, 21), '0') <> '' "
        f"THEN substr(substr({VALUE}, 20) || '000000', 1, 7) ELSE '' END"
    )
    return with_values(f"time({local_datetime(VALUE, tzname, conn_tzname)}) || {fraction}", **{VALUE: sql})


# --- Durations (microseconds, as DurationField stores them) ----------------------------------
def _whole_seconds(value: str) -> str:
    """The text without its fraction: unixepoch() rounds fractions instead of dropping them."""
    return f"CASE WHEN instr({value}, '.') THEN substr({value}, 1, instr({value}, '.') - 1) ELSE {value} END"


def _microseconds(value: str) -> str:
    return (
        f"CASE WHEN instr({value}, '.') "
        f"THEN CAST(substr(substr({value}, instr({value}, '.') + 1) || '000000', 1, 6) AS INTEGER) ELSE 0 END"
    )


def _epoch_microseconds(value: str) -> str:
    return f"(unixepoch({_whole_seconds(value)}) * 1000000 + {_microseconds(value)})"


def temporal_difference(lhs: str, rhs: str) -> str:
    """Microseconds from ``rhs`` to ``lhs`` (datetimes, dates or times)."""
    return with_values(f"{_epoch_microseconds('libsql_a')} - {_epoch_microseconds('libsql_b')}", libsql_a=lhs, libsql_b=rhs)


def _floor_div(value: str, divisor: int) -> str:
    return f"(({value}) - ((({value}) %% {divisor}) + {divisor}) %% {divisor}) / {divisor}"


def _from_epoch_microseconds(value: str) -> str:
    microseconds = f"((({value}) %% 1000000) + 1000000) %% 1000000"
    return (
        f"datetime({_floor_div(value, 1_000_000)}, 'unixepoch') || "
        f"CASE WHEN {microseconds} THEN printf('.%%06d', {microseconds}) ELSE '' END"
    )


def format_for_duration_arithmetic(sql: str) -> str:
    return DURATION_MARK + sql


def combine_duration(connector: str, lhs: str, rhs: str) -> str:
    """What _sqlite_format_dtdelta() computes, for one temporal side and one duration side."""
    lhs_is_duration, rhs_is_duration = lhs.startswith(DURATION_MARK), rhs.startswith(DURATION_MARK)
    lhs, rhs = lhs.removeprefix(DURATION_MARK), rhs.removeprefix(DURATION_MARK)
    if connector == "*":
        return f"({lhs}) * ({rhs})"
    if connector == "/":
        return f"CAST(({lhs}) AS REAL) / ({rhs})"
    if lhs_is_duration == rhs_is_duration or (lhs_is_duration and connector == "-"):
        raise NotSupportedError(f"libSQL backend: cannot compute {lhs} {connector} {rhs} between these types.")
    sign = "" if connector == "+" else "-"
    moved = f"{sign}libsql_d"
    # date + timedelta keeps a date (whole days); datetime + timedelta keeps microseconds; a
    # time plus a duration is NULL, as in Django's function.
    moved_datetime = with_values(_from_epoch_microseconds("libsql_u"), libsql_u=f"{_epoch_microseconds('libsql_t')} + {moved}")
    body = (
        f"CASE WHEN instr(libsql_t, '-') = 0 THEN NULL "
        f"WHEN length(libsql_t) = 10 THEN date(libsql_t, printf('%%+d days', {_floor_div(moved, 86_400_000_000)})) "
        f"ELSE {moved_datetime} END"
    )
    if lhs_is_duration:
        return with_values(body, libsql_d=lhs, libsql_t=rhs)
    return with_values(body, libsql_t=lhs, libsql_d=rhs)
