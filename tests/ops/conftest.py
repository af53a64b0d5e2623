import pytest


@pytest.fixture
def backup_dir(tmp_path, settings, monkeypatch):
    """Backups go to a folder of the test's own. django-dbbackup reads its storage settings once,
    at import, so they are set there as well as in STORAGES (which /health/ reads)."""
    from dbbackup import settings as dbbackup_settings

    options = {"location": str(tmp_path / "backups")}
    settings.STORAGES = {
        **settings.STORAGES, "dbbackup": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options},
    }
    monkeypatch.setattr(dbbackup_settings, "STORAGE", "django.core.files.storage.FileSystemStorage")
    monkeypatch.setattr(dbbackup_settings, "STORAGE_OPTIONS", options)
    return tmp_path / "backups"
