"""Retention: the newest backup of each of the last 7 days and 4 weeks, and the last 3 taken by a
deploy, are kept; the rest go, metadata with them."""

from datetime import datetime, timedelta

import pytest

from ops.services import backup_prune, backups_to_keep


def names(first: datetime, days: int, *, per_day: int = 1, server: str = "pingtopass") -> list[str]:
    return [
        f"default-{server}-{(first + timedelta(days=d, hours=h)):%Y-%m-%d-%H%M%S}.sqlite3.gz"
        for d in range(days) for h in range(per_day)
    ]


def test_it_keeps_the_newest_of_each_of_the_last_seven_days_and_four_weeks():
    backups = names(datetime(2025, 1, 1, 3, 17), 60, per_day=2)  # 1 Jan to 1 Mar, at 03:17 and 04:17

    keep = backups_to_keep(backups, daily=7, weekly=4, predeploy=3)

    daily = {name for name in keep if name >= "default-pingtopass-2025-02-23"}
    assert daily == {f"default-pingtopass-{day}-041700.sqlite3.gz" for day in
                     ["2025-02-23", "2025-02-24", "2025-02-25", "2025-02-26", "2025-02-27", "2025-02-28", "2025-03-01"]}
    # ISO weeks end on Sunday: this week's newest (Saturday 1 March) and the previous week's (Sunday 23
    # February) are daily ones already; the two weeks before add their Sundays.
    assert keep - daily == {f"default-pingtopass-{day}-041700.sqlite3.gz" for day in ["2025-02-09", "2025-02-16"]}


def test_it_keeps_the_last_backups_taken_by_a_deploy():
    daily = names(datetime(2025, 1, 1, 3, 17), 20)
    deploys = names(datetime(2025, 1, 5, 12, 0), 5, server="pingtopass-predeploy")

    keep = backups_to_keep(daily + deploys, daily=1, weekly=0, predeploy=3)

    assert {name for name in keep if "predeploy" in name} == set(deploys[-3:])


def test_it_always_keeps_the_newest_backup():
    backups = names(datetime(2025, 1, 1), 3)
    assert backups_to_keep(backups, daily=0, weekly=0, predeploy=0) == {backups[-1]}


@pytest.mark.django_db
def test_it_deletes_what_retention_does_not_keep_with_its_metadata(backup_dir, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 0
    backup_dir.mkdir()
    database = names(datetime(2025, 1, 1, 3, 17), 4)
    media = [f"pingtopass-2025-01-0{d}-031800.tar.gz" for d in (1, 2, 3, 4)]
    for name in database + media:
        (backup_dir / name).write_bytes(b"x")
        (backup_dir / f"{name}.metadata").write_text("{}")
    (backup_dir / "backup-status.json").write_text("{}")

    deleted = backup_prune()

    assert sorted(deleted) == sorted(database[:2] + media[:2])
    assert sorted(p.name for p in backup_dir.iterdir()) == sorted(
        [*database[2:], *media[2:], *(f"{n}.metadata" for n in database[2:] + media[2:]), "backup-status.json"]
    )


@pytest.mark.django_db
def test_the_command_says_what_it_deleted(backup_dir, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 1, 0
    backup_dir.mkdir()
    old, new = names(datetime(2025, 1, 1, 3, 17), 2)
    for name in (old, new):
        (backup_dir / name).write_bytes(b"x")
    out = StringIO()

    call_command("backup_prune", stdout=out)

    assert out.getvalue() == f"Deleted {old}\n1 backups deleted.\n"
    assert [p.name for p in backup_dir.iterdir()] == [new]
