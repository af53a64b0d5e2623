from django.db.backends.sqlite3.features import DatabaseFeatures as SQLiteFeatures


class DatabaseFeatures(SQLiteFeatures):
    # libSQL 0.0.55 embeds SQLite 3.45; Django's SQLite features read Python's sqlite3 version.
    can_alter_table_drop_column = True
    can_return_columns_from_insert = True
    can_return_rows_from_bulk_insert = True
    # libSQL has JSON1 built in; Django's probe would run a transaction (on a replica: at the primary).
    supports_json_field = True
    # libSQL's REGEXP is SQLite's ext/misc/regexp.c: no backreferences, no inline flags.
    supports_regex_backreferencing = False
