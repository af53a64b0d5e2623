"""django-dbbackup's `dbrestore`, with the checks a restore needs here (it takes the library's place:
ops comes before dbbackup in INSTALLED_APPS).

- A backup taken by another version of the app is refused, with what to do, unless --force.
- Compressed backups (`.gz`) are recognised by name; without -i/-I the latest backup is taken,
  compressed or not.
- After restoring, every table's row count is checked against the backup's manifest, and the
  cache is cleared (it holds sessions and pages of the data that was replaced).
"""

from dbbackup.management.commands import dbrestore
from dbbackup.management.commands._base import make_option
from dbbackup.storage import StorageError, get_storage
from django.core.cache import cache
from django.core.management.base import CommandError

from ops.manifest import manifest_differences, manifest_refusal


class Command(dbrestore.Command):
    help = (
        "Restore a database backup. Refuses one taken by another version of the app unless --force; "
        "checks the restored tables' row counts against the backup's manifest."
    )
    option_list = (
        *dbrestore.Command.option_list,
        make_option(
            "--force", action="store_true", default=False,
            help="Restore a backup taken by another version of the app (or without a manifest).",
        ),
    )

    def handle(self, *args, **options):
        self.force = options["force"]
        self.manifest = None
        if not options.get("input_filename") and not options.get("input_path"):
            options["input_filename"] = self._latest_backup(options.get("database"), options.get("servername"))
        if (options.get("input_filename") or options.get("input_path") or "").endswith(".gz"):
            options["uncompress"] = True
        super().handle(*args, **options)
        self._check_restored(options["input_filename"] or options["input_path"])

    def _latest_backup(self, database: str | None, servername: str | None) -> str:
        try:
            return get_storage().get_latest_backup(content_type="db", database=database, servername=servername)
        except (StorageError, FileNotFoundError) as err:
            raise CommandError(
                "There's no backup file available to restore. Backups are kept in STORAGES['dbbackup'] "
                "(the folder BACKUP_DIR by default); name one with -i, or a file elsewhere with -I."
            ) from err

    def _check_metadata(self, filename):
        metadata = super()._check_metadata(filename)
        refusal = manifest_refusal(metadata, filename)
        if refusal and not self.force:
            raise CommandError(f"Not restored: {refusal}")
        if refusal:
            self.stderr.write(f"Restoring anyway (--force): {refusal}")
        self.manifest = metadata
        return metadata

    def _check_restored(self, filename: str) -> None:
        cache.clear()
        if not self.manifest or self.manifest.get("tables") is None:
            self.stdout.write(f"Restored {filename} (no row counts to check it against). The cache was cleared.")
            return
        if differences := manifest_differences(self.manifest, using=self.database_name):
            raise CommandError(
                f"Restored {filename}, but the row counts differ from its manifest:\n  " + "\n  ".join(differences)
            )
        self.stdout.write(
            f"Restored {filename}: taken {self.manifest['taken_at']} by version {self.manifest['app_version']}; "
            f"all {len(self.manifest['tables'])} tables hold the rows its manifest lists. The cache was cleared."
        )
