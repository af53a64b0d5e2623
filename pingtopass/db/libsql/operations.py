from functools import cached_property, lru_cache

from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

from . import functions


class DatabaseOperations(SQLiteOperations):
    """Django's SQLite operations, with its Python functions replaced by native SQL."""

    compiler_module = "pingtopass.db.libsql.compiler"

    def _local(self, sql, tzname):
        return functions.local_datetime(sql, *self._convert_tznames_to_sql(tzname))

    def date_extract_sql(self, lookup_type, sql, params):
        return functions.extract(lookup_type, self._local(sql, None)), params

    def datetime_extract_sql(self, lookup_type, sql, params, tzname):
        return functions.extract(lookup_type, self._local(sql, tzname)), params

    def time_extract_sql(self, lookup_type, sql, params):
        return functions.extract(lookup_type, sql), params

    def date_trunc_sql(self, lookup_type, sql, params, tzname=None):
        return functions.date_trunc(lookup_type, self._local(sql, tzname)), params

    def datetime_trunc_sql(self, lookup_type, sql, params, tzname):
        return functions.datetime_trunc(lookup_type, self._local(sql, tzname)), params

    def time_trunc_sql(self, lookup_type, sql, params, tzname=None):
        return functions.time_trunc(lookup_type, self._local(sql, tzname)), params

    def datetime_cast_date_sql(self, sql, params, tzname):
        return f"date({self._local(sql, tzname)})", params

    def datetime_cast_time_sql(self, sql, params, tzname):
        return functions.datetime_cast_time(sql, *self._convert_tznames_to_sql(tzname)), params

    def format_for_duration_arithmetic(self, sql):
        return functions.format_for_duration_arithmetic(sql)

    def combine_duration_expression(self, connector, sub_expressions):
        if connector not in ("+", "-", "*", "/"):
            return super().combine_duration_expression(connector, sub_expressions)
        return functions.combine_duration(connector, *sub_expressions)

    def subtract_temporals(self, internal_type, lhs, rhs):
        (lhs_sql, lhs_params), (rhs_sql, rhs_params) = lhs, rhs
        return functions.temporal_difference(lhs_sql, rhs_sql), (*lhs_params, *rhs_params)

    def combine_expression(self, connector, sub_expressions):
        if connector == "#":
            return functions.with_values(
                "(libsql_a | libsql_b) - (libsql_a & libsql_b)", libsql_a=sub_expressions[0], libsql_b=sub_expressions[1]
            )
        return super().combine_expression(connector, sub_expressions)

    def regex_lookup(self, lookup_type):
        # Only "iregex" gets here (DatabaseWrapper.operators keeps "regex" as REGEXP). libSQL's
        # regexp has no (?i) flag; its regexpi(pattern, text) is the case-insensitive form.
        return functions.with_values("regexpi(libsql_p, libsql_s)", libsql_s="%s", libsql_p="%s")

    def force_group_by(self):
        return []

    def _tables_referencing(self, table_name):
        # Django's version matches with REGEXP '(?i)...', which libSQL's regexp cannot parse.
        query = """
        WITH tables AS (
            SELECT %s name
            UNION
            SELECT sqlite_master.name
            FROM sqlite_master
            JOIN tables ON regexpi(%s || tables.name || %s, sql)
        ) SELECT name FROM tables;
        """
        params = (table_name, r'\s+references\s+("|\')?', r'("|\')?\s*\(')
        with self.connection.cursor() as cursor:
            return [row[0] for row in cursor.execute(query, params).fetchall()]

    @cached_property
    def _references_graph(self):
        return lru_cache(maxsize=512)(self._tables_referencing)
