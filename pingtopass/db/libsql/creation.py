import contextlib
import os

from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

# Options that make a connection an embedded replica of a remote primary.
REMOTE_OPTIONS = ("sync_url", "auth_token", "sync_interval")
# Files libSQL and SQLite keep next to a database file.
SIDECARS = ("", "-wal", "-shm", "-journal", "-info", "-client_wal_index")


def remove_database_files(name: str) -> None:
    for suffix in SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{name}{suffix}")


class DatabaseCreation(SQLiteCreation):
    """Test databases are always local files: libSQL cannot be in memory for Django (each
    connection would see its own database), and tests must never touch a remote primary."""

    @staticmethod
    def is_in_memory_db(database_name):
        return False

    def _get_test_db_name(self):
        name = self.connection.settings_dict["TEST"]["NAME"]
        if name:
            return str(name)
        directory, filename = os.path.split(str(self.connection.settings_dict["NAME"]))
        return os.path.join(directory, f"{self.TEST_DATABASE_PREFIX}{filename}")

    def create_test_db(self, *args, **kwargs):
        self._remote_options = {
            key: self.connection.settings_dict["OPTIONS"].pop(key)
            for key in REMOTE_OPTIONS
            if key in self.connection.settings_dict["OPTIONS"]
        }
        self.connection.close()
        return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        super().destroy_test_db(*args, **kwargs)
        self.connection.settings_dict["OPTIONS"].update(getattr(self, "_remote_options", {}))

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        name = self._get_test_db_name()
        if not keepdb and os.access(name, os.F_OK):
            if verbosity >= 1:
                self.log(f"Destroying old test database for alias {self._get_database_display_str(verbosity, name)}...")
            remove_database_files(name)
        return name

    def _destroy_test_db(self, test_database_name, verbosity):
        remove_database_files(test_database_name)
