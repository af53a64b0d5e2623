"""Every row of every table, to compare a database before a backup and after its restore."""

from django.db import connection


def every_row() -> dict[str, list]:
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- names the database listed
            rows[table] = sorted(
                repr(tuple(bytes(value) if isinstance(value, memoryview) else value for value in row))
                for row in cursor.fetchall()
            )
    return rows
