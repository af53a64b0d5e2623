"""The restore drill, on the database the suite runs on (SQLite by default; PostgreSQL and libSQL
when scripts/test runs the suite with their DATABASE_URL): seed, study, back up, change and delete,
restore, and every table holds exactly the rows it held when the backup was taken."""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from exams.models import Question
from ops.services import backup_create
from study.models import Bookmark, QuestionFeedback, StudySession
from study.services import answer_record, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.factories import UserFactory, pro_subscription
from tests.ops.tables import every_row

CONNECTORS = {
    "pingtopass.db.sqlite": "ops.connectors.SQLiteConnector",
    "pingtopass.db.libsql": "ops.connectors.LibSQLConnector",
    "django.db.backends.postgresql": "ops.connectors.PostgreSQLConnector",
}


def study(start, learner) -> None:
    """A learner's real activity: a submitted session, one in progress, progress, a bookmark, a
    report, a Pro subscription; and a second learner on Free."""
    pro_subscription(learner)
    session = start(learner, count=8)
    for item in session.items.order_by("position"):
        answer_record(item=item, data=(correct_post_data if item.position % 2 else wrong_post_data)(item),
                      client_seconds=12)
    session_submit(session=session)
    running = start(learner, count=4)
    first = running.items.get(position=1)
    answer_record(item=first, data=correct_post_data(first), client_seconds=30)
    Bookmark.objects.create(user=learner, question=first.question, note="Revisit 'subnetting' — ünïcode too")
    QuestionFeedback.objects.create(user=learner, question=first.question, kind="wrong_answer", message="Choice B is right")
    other = UserFactory(email="free@example.com")
    start(other, count=2)


def test_it_maps_our_database_engines_to_our_connectors(settings):
    from dbbackup.db.base import get_connector

    assert settings.DBBACKUP_CONNECTOR_MAPPING == CONNECTORS
    connector = get_connector("default")
    assert f"{type(connector).__module__}.{type(connector).__name__}" == CONNECTORS[connection.settings_dict["ENGINE"]]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_restores_every_row_the_backup_held(backup_dir, start, learner):
    study(start, learner)
    before = every_row()
    assert before["study_sessionitem"] and before["billing_subscription"] and before["study_examprogress"]

    name = backup_create()

    with gzip.open(backup_dir / name) as dump:
        assert dump.read(16)  # compressed, and not empty
    manifest = json.loads((backup_dir / f"{name}.metadata").read_text())
    assert manifest["app_version"] and manifest["taken_at"] and manifest["database"] == "default"
    assert manifest["tables"]["study_sessionitem"] == len(before["study_sessionitem"])
    assert manifest["tables"] == {table: len(rows) for table, rows in before.items()}
    assert manifest["migrations"]["study"]

    StudySession.objects.filter(user=learner, status=StudySession.Status.SUBMITTED).delete()
    User.objects.filter(pk=learner.pk).update(display_name="Someone else")
    Question.objects.filter(pk=Question.objects.order_by("pk").values("pk")[:1]).update(stem="Overwritten")
    Bookmark.objects.all().delete()
    UserFactory(email="after-the-backup@example.com")
    assert every_row() != before

    out = StringIO()
    call_command("dbrestore", "--noinput", "--quiet", "--input-filename", name, stdout=out)

    after = every_row()
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the restore"
    assert "hold the rows its manifest lists" in out.getvalue()
    assert User.objects.get(pk=learner.pk).display_name == learner.display_name
