"""A Django database backend for libSQL (local files and Turso embedded replicas).

Select it with ``ENGINE = "pingtopass.db.libsql"``; settings build the entry from a ``libsql://``
DATABASE_URL with :func:`pingtopass.db.libsql.config.database_from_url`.
"""
