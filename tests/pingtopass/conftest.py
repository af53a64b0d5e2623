import shutil

import pytest
from django.core.management import call_command

from tests.pingtopass.libsql_support import libsql_database

# What settings give a libSQL file.
PRAGMAS = "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"


@pytest.fixture(scope="session")
def migrated_libsql_file(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("libsql") / "migrated.db"
    with django_db_blocker.unblock(), libsql_database(path) as alias:
        call_command("migrate", database=alias, verbosity=0)
    return path


@pytest.fixture
def libsql(db, migrated_libsql_file, tmp_path):
    """The alias of a freshly migrated libSQL file, the project's triggers included."""
    path = tmp_path / "db.db"
    shutil.copy(migrated_libsql_file, path)
    with libsql_database(path, init_command=PRAGMAS) as alias:
        yield alias
