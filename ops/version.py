"""The version of the running code: every backup's manifest records it, and a restore compares."""

import functools
import hashlib
import subprocess

from django.conf import settings


def app_version() -> str:
    """APP_VERSION when the deployment sets it (an image built without .git), else `git describe`,
    else a digest of the migration graph's leaves: code that differs in schema differs in version."""
    return settings.APP_VERSION or _git_version() or _schema_version()


@functools.cache
def _git_version() -> str:
    try:
        described = subprocess.run(  # noqa: S603 -- a fixed command, no user input
            ["git", "describe", "--tags", "--always", "--dirty"],  # noqa: S607 -- git from PATH, wherever it is
            cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return described.stdout.strip() if described.returncode == 0 else ""


@functools.cache
def _schema_version() -> str:
    from django.db.migrations.loader import MigrationLoader

    leaves = sorted(f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    return "schema-" + hashlib.sha256("\n".join(leaves).encode()).hexdigest()[:12]
