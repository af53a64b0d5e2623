from django.core.management.base import BaseCommand, CommandError

from ops.services.deploy import (
    DeployFailed,
    deploy_run,
    migration_plan,
    migration_rollback_targets,
    rollback_commands,
)


class Command(BaseCommand):
    help = (
        "Deploy: back up the database (when there are migrations to apply), apply them, collect static "
        "files, and print how to roll back. A failed migration leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", action="store_true", help="Only show the migrations to apply and the rollback.")
        parser.add_argument("--no-backup", action="store_true", help="Migrate without taking a backup first.")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Leave static files alone (an image that collected them when it was built).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Accepted for symmetry with migrate; deploy never asks.")

    def handle(self, *args, **options):
        if options["plan"]:
            plan = migration_plan()
            if not plan:
                self.stdout.write("No migrations to apply.")
                return
            self.stdout.write("Migrations to apply:\n" + "\n".join(f"  {app}.{name}" for app, name in plan))
            self.stdout.write("To undo them after deploying:\n" + "\n".join(
                f"  python manage.py migrate {app} {target}" for app, target in migration_rollback_targets(plan)))
            return
        try:
            result = deploy_run(backup=not options["no_backup"], collectstatic=not options["no_collectstatic"],
                                say=self.stdout.write)
        except DeployFailed as failed:
            raise CommandError(str(failed)) from failed
        if not result.applied:
            return
        self.stdout.write("To roll back this deploy, run with this code:\n" + "\n".join(
            f"  {command}" for command in rollback_commands(result)) + "\nthen deploy the previous code.")
        if result.backup:
            self.stdout.write(
                f"Or restore the backup taken before migrating: python manage.py dbrestore --noinput -i {result.backup}"
                " (add --force when running the previous code: the backup names this version)."
            )
