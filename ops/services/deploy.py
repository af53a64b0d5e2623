"""`manage.py deploy`: back up, migrate, collect static files, and say how to go back.

A failed migration leaves the database as it was: each migration runs in its own transaction, so
the one that failed is rolled back by the database, and those this deploy applied before it are
unapplied (migrated back to where each app stood). The backup taken before is named either way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from ops.services.backups import backup_create


class DeployFailed(Exception):
    """The deploy stopped; the message says in what state it left the database and what to do."""


@dataclass
class DeployResult:
    applied: list[str] = field(default_factory=list)  # "app.migration", in the order applied
    rollback: list[tuple[str, str]] = field(default_factory=list)  # (app, migration or "zero")
    backup: str = ""


def migration_plan(*, using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """The migrations `migrate` would apply, in order, as (app, name)."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


def migration_rollback_targets(plan: list[tuple[str, str]], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """Where each app the plan touches stands now (its last applied migration, or "zero"): the
    `migrate <app> <target>` commands that undo the plan, the apps applied last first."""
    executor = MigrationExecutor(connections[using])
    graph, applied = executor.loader.graph, executor.loader.applied_migrations
    apps = list(dict.fromkeys(app for app, _ in reversed(plan)))
    targets = []
    for app in apps:
        leaves = [
            key for key in applied
            if key[0] == app and key in graph.nodes
            and not any(child.key in applied for child in graph.node_map[key].children if child.key[0] == app)
        ]
        targets.append((app, leaves[0][1] if leaves else "zero"))
    return targets


def rollback_commands(result: DeployResult) -> list[str]:
    return [f"python manage.py migrate {app} {target}" for app, target in result.rollback]


def _migrate_back(targets: list[tuple[str, str]]) -> None:
    for app, target in targets:
        call_command("migrate", app, target, interactive=False, verbosity=0, stdout=StringIO())


def deploy_run(*, backup: bool = True, collectstatic: bool = True, say: Callable[[str], None] = print) -> DeployResult:
    """Back up (when there is something to migrate), migrate, collect static files."""
    result = DeployResult()
    plan = migration_plan()
    if not plan:
        say("No migrations to apply.")
    else:
        result.rollback = migration_rollback_targets(plan)
        say(f"{len(plan)} migrations to apply: " + ", ".join(f"{app}.{name}" for app, name in plan))
        fresh = not MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
        if backup and not fresh:
            try:
                result.backup = backup_create(predeploy=True)
            except Exception as exc:  # whatever stopped the backup, nothing is migrated without one
                raise DeployFailed(
                    f"The backup before migrating failed ({type(exc).__name__}: {exc}); nothing was migrated. "
                    "Fix the backup (for PostgreSQL, pg_dump must be installed and of the server's version), "
                    "or deploy with --no-backup to migrate without one."
                ) from exc
            say(f"Backed up the database to {result.backup}.")
        elif fresh:
            say("A new database: nothing to back up.")
        _migrate(plan, result)
        result.applied = [f"{app}.{name}" for app, name in plan]
        say(f"Applied {len(plan)} migrations.")
    if collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
        say("Collected static files.")
    return result


def _migrate(plan: list[tuple[str, str]], result: DeployResult) -> None:
    restore = (f" If anything looks wrong, restore the backup taken before: python manage.py dbrestore --noinput "
               f"-i {result.backup}" if result.backup else "")
    try:
        call_command("migrate", interactive=False, verbosity=0, stdout=StringIO())
    except Exception as exc:  # a migration's own error, whatever it is
        failed = f"A migration failed ({type(exc).__name__}: {exc})."
        try:
            _migrate_back(result.rollback)
        except Exception as back:  # noqa: BLE001 -- reported with the backup to restore
            raise DeployFailed(
                f"{failed} Migrating back also failed ({type(back).__name__}: {back}): the database is part-way. "
                + (f"Restore the backup taken before: python manage.py dbrestore --noinput -i {result.backup}"
                   if result.backup else "No backup was taken (--no-backup).")
            ) from exc
        where = ", ".join(f"{app} {target}" for app, target in result.rollback)
        raise DeployFailed(f"{failed} The database was migrated back to where it was ({where}).{restore}") from exc
