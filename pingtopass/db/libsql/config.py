"""``libsql://`` DATABASE_URLs, which django-environ does not know, as a DATABASES entry.

- ``libsql:///absolute/path/file.db``: a local libSQL file.
- ``libsql://HOST?authToken=TOKEN``: an embedded replica of the Turso database at HOST, kept in a
  local file (``replica_path``) and synced every ``sync_interval`` seconds; ``&tls=0`` talks
  plain HTTP (a self-hosted sqld).

Imported by settings, so it imports nothing from django.db.
"""

import os
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

ENGINE = "pingtopass.db.libsql"


def _test_name(path: str) -> str:
    directory, filename = os.path.split(path)
    return os.path.join(directory, f"test_{filename}")


def database_from_url(url: str, *, replica_path: str, sync_interval: str | float) -> dict:
    parts = urlsplit(url)
    if parts.scheme != "libsql":
        raise ImproperlyConfigured(f"DATABASE_URL: expected a libsql:// URL, got {parts.scheme}://")
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    if not parts.netloc:
        return _local(parts.path, query)
    return _replica(parts, query, replica_path=replica_path, sync_interval=sync_interval)


def _local(path: str, query: dict) -> dict:
    if not path or path == "/":
        raise ImproperlyConfigured("DATABASE_URL=libsql:/// needs a file: libsql:///absolute/path/to/file.db")
    if query:
        raise ImproperlyConfigured(f"DATABASE_URL: a local libSQL file takes no parameters (got {sorted(query)}).")
    return {"ENGINE": ENGINE, "NAME": path, "OPTIONS": {}, "TEST": {"NAME": _test_name(path)}}


def _replica(parts, query: dict, *, replica_path: str, sync_interval: str | float) -> dict:
    host = parts.netloc.rpartition("@")[2]
    if parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"DATABASE_URL=libsql://{host}{parts.path}: a Turso URL has no path. For a local file use three "
            "slashes and an absolute path: libsql:///absolute/path/to/file.db"
        )
    if unknown := sorted(set(query) - {"authToken", "tls"}):
        raise ImproperlyConfigured(f"DATABASE_URL: unknown parameters {unknown} (a Turso URL takes authToken and tls).")
    token = query.get("authToken", "").strip()
    if not token:
        raise ImproperlyConfigured(
            f"DATABASE_URL=libsql://{host} has no auth token: add ?authToken=<token> (create one with "
            "`turso db tokens create <database>`). For a local file use libsql:///absolute/path/to/file.db"
        )
    try:
        interval = float(sync_interval)
    except (TypeError, ValueError):
        interval = 0
    if not interval > 0:
        raise ImproperlyConfigured(f"LIBSQL_SYNC_INTERVAL must be a number of seconds above 0, not {sync_interval!r}.")
    scheme = "http" if query.get("tls") == "0" else "libsql"
    path = os.path.abspath(replica_path)
    return {
        "ENGINE": ENGINE,
        "NAME": path,
        "OPTIONS": {"sync_url": f"{scheme}://{host}", "auth_token": token, "sync_interval": interval},
        "TEST": {"NAME": _test_name(path)},
    }
