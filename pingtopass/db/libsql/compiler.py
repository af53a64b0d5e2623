"""Django's SQL compilers, with native SQL for the functions Django's SQLite backend registers in
Python (MD5, LPAD, STDDEV_POP, RAND, ...), and a clear NotSupportedError where there is none."""

from django.db import NotSupportedError
from django.db.models import DecimalField, StdDev, Variance
from django.db.models.functions import MD5, SHA1, SHA224, SHA256, SHA384, SHA512, Log, LPad, Mod, Random, Repeat, RPad
from django.db.models.sql import compiler

from .functions import with_values


def _compiled(node, compiler):
    return [compiler.compile(expression) for expression in node.get_source_expressions()]


def _numeric(node, sql):
    # What Django's SQLiteNumericMixin does for a function returning a decimal.
    return f"(CAST({sql} AS NUMERIC))" if isinstance(node.output_field, DecimalField) else sql


def _random(node, compiler, connection):
    # A float in [0, 1) from the low 53 bits of SQLite's 64-bit random().
    return "((random() & 9007199254740991) / 9007199254740992.0)", ()


def _log(node, compiler, connection):
    (base, base_params), (value, value_params) = _compiled(node, compiler)
    return _numeric(node, f"(ln({value}) / ln({base}))"), (*value_params, *base_params)


def _mod(node, compiler, connection):
    # fmod(): the remainder takes the dividend's sign, as a float.
    (x, x_params), (y, y_params) = _compiled(node, compiler)
    sql = with_values("libsql_x - libsql_y * CAST(libsql_x / libsql_y AS INTEGER)", libsql_x=f"CAST({x} AS REAL)", libsql_y=y)
    return _numeric(node, sql), (*x_params, *y_params)


def _filled(length, fill):
    return f"replace(hex(zeroblob({length})), '00', {fill})"


def _lpad(node, compiler, connection):
    (text, text_params), (length, length_params), (fill, fill_params) = _compiled(node, compiler)
    body = (
        "CASE WHEN libsql_t IS NULL OR libsql_n IS NULL OR libsql_f IS NULL THEN NULL "
        "WHEN length(libsql_t) >= libsql_n THEN substr(libsql_t, 1, libsql_n) "
        f"ELSE substr({_filled('libsql_n', 'libsql_f')}, 1, libsql_n - length(libsql_t)) || libsql_t END"
    )
    return with_values(body, libsql_t=text, libsql_n=length, libsql_f=fill), (*text_params, *length_params, *fill_params)


def _rpad(node, compiler, connection):
    (text, text_params), (length, length_params), (fill, fill_params) = _compiled(node, compiler)
    body = f"substr(libsql_t || {_filled('libsql_n', 'libsql_f')}, 1, libsql_n)"
    return with_values(body, libsql_t=text, libsql_n=length, libsql_f=fill), (*text_params, *length_params, *fill_params)


def _repeat(node, compiler, connection):
    (text, text_params), (number, number_params) = _compiled(node, compiler)
    body = f"CASE WHEN libsql_n IS NULL THEN NULL ELSE {_filled('libsql_n', 'libsql_t')} END"
    return with_values(body, libsql_t=text, libsql_n=number), (*text_params, *number_params)


def _stddev_variance(node, compiler, connection):
    # libSQL has variance() (sample) natively; the population form and NULL for too few rows
    # (what PostgreSQL returns) are derived from it and COUNT() over the same rows and filter.
    variance, variance_params = node.as_sql(compiler, connection, function="variance")
    count, count_params = node.as_sql(compiler, connection, function="COUNT")
    if node.function.endswith("_SAMP"):
        sql, params = f"CASE WHEN {count} > 1 THEN {variance} END", (*count_params, *variance_params)
    else:
        sql = f"CASE WHEN {count} > 0 THEN {variance} * ({count} - 1) / {count} END"
        params = (*count_params, *variance_params, *count_params, *count_params)
    if node.function.startswith("STDDEV"):
        sql = f"sqrt({sql})"
    return sql, params


def _not_supported(node, compiler, connection):
    raise NotSupportedError(
        f"{type(node).__name__}() is not supported on libSQL: Django's SQLite backend computes it with a Python "
        "function, libsql_experimental cannot register one, and libSQL has no native equivalent."
    )


NATIVE_SQL = {
    Random: _random,
    Log: _log,
    Mod: _mod,
    LPad: _lpad,
    RPad: _rpad,
    Repeat: _repeat,
    StdDev: _stddev_variance,
    Variance: _stddev_variance,
    **dict.fromkeys((MD5, SHA1, SHA224, SHA256, SHA384, SHA512), _not_supported),
}


class NativeFunctionsMixin:
    def compile(self, node):
        for cls in type(node).__mro__:
            if cls in NATIVE_SQL:
                return NATIVE_SQL[cls](node, self, self.connection)
        return super().compile(node)


class SQLCompiler(NativeFunctionsMixin, compiler.SQLCompiler):
    pass


class SQLInsertCompiler(NativeFunctionsMixin, compiler.SQLInsertCompiler):
    pass


class SQLDeleteCompiler(NativeFunctionsMixin, compiler.SQLDeleteCompiler):
    pass


class SQLUpdateCompiler(NativeFunctionsMixin, compiler.SQLUpdateCompiler):
    pass


class SQLAggregateCompiler(NativeFunctionsMixin, compiler.SQLAggregateCompiler):
    pass
