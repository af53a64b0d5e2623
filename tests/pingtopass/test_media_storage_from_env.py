"""Where exhibits are kept comes from MEDIA_STORAGE: the local disk, served by the app, or an
S3-compatible object store whose own URLs the pages draw. A fresh interpreter per case, as in
test_settings_from_env.py; building the storage and its URLs needs no network."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # scripts/test: the SQLite pass only
ROOT = Path(__file__).resolve().parents[2]

PRINT_STORAGE = """
import django, json
django.setup()
from django.core.files.storage import storages
from django.urls import Resolver404, resolve
storage = storages["default"]
try:
    media_view = resolve("/media/exhibits/2026/01/x.png").func.__name__
except Resolver404:
    media_view = None
print(json.dumps({
    "class": f"{type(storage).__module__}.{type(storage).__name__}",
    "url": storage.url("exhibits/2026/01/x.png"),
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "overwrite": getattr(storage, "file_overwrite", None),
    "media_view": media_view,
}))
"""


def run(script: str, **env) -> subprocess.CompletedProcess:
    """`script` in a fresh interpreter whose media settings are `env` alone."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "MEDIA_", "AWS_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "pingtopass.settings", "SECRET_KEY": "x" * 60, "DEBUG": "0", **env})
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True)


def storage_with(**env) -> dict:
    out = run(PRINT_STORAGE, **env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_by_default_exhibits_stay_on_the_local_disk_and_the_app_serves_them_in_production():
    s = storage_with()
    assert s["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert s["url"] == "/media/exhibits/2026/01/x.png"
    assert s["media_view"] == "media_file"


def test_behind_a_custom_domain_exhibit_urls_are_plain_links_to_it():
    s = storage_with(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="ptp-media", AWS_S3_CUSTOM_DOMAIN="media.example.com")
    assert s["class"] == "storages.backends.s3.S3Storage"
    assert s["bucket"] == "ptp-media"
    assert s["url"] == "https://media.example.com/exhibits/2026/01/x.png"
    assert s["overwrite"] is False  # a new upload never changes the bytes behind a URL browsers keep
    assert s["media_view"] is None  # the store serves them; /media/ is not the app's any more


def test_a_private_bucket_gets_signed_urls_at_its_endpoint():
    s = storage_with(
        MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="ptp-media", AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_REGION_NAME="eu-central-1", AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="not-a-real-secret",
    )
    assert s["endpoint"] == "https://s3.example.net"
    assert s["url"].startswith("https://s3.example.net/ptp-media/exhibits/2026/01/x.png?")
    assert "X-Amz-Credential=AKIAEXAMPLE%2F" in s["url"] and "eu-central-1" in s["url"]
    assert "X-Amz-Signature=" in s["url"]
    assert s["media_view"] is None


def test_an_object_store_needs_a_bucket_and_an_unknown_storage_is_refused():
    no_bucket = run(PRINT_STORAGE, MEDIA_STORAGE="s3")
    unknown = run(PRINT_STORAGE, MEDIA_STORAGE="gcs")
    assert no_bucket.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in no_bucket.stderr
    assert unknown.returncode != 0 and "MEDIA_STORAGE must be 'local' or 's3'" in unknown.stderr
