from django.core.management.base import BaseCommand

from ops.services import backup_prune


class Command(BaseCommand):
    help = (
        "Delete the backups retention does not keep: the newest of each of the last BACKUP_KEEP_DAILY days "
        "and BACKUP_KEEP_WEEKLY weeks and the last BACKUP_KEEP_PREDEPLOY taken by deploy stay."
    )

    def handle(self, *args, **options):
        deleted = backup_prune()
        for name in deleted:
            self.stdout.write(f"Deleted {name}")
        self.stdout.write(f"{len(deleted)} backups deleted.")
