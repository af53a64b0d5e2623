"""Admin's bulk actions run on the rows whose ids the list posts (`_selected_action`). An id no
column holds is a row that does not exist; a value that is no id of the model's kind at all
changes nothing and goes back to the list with a warning. Either was a 500, on every admin list:
ours, Django's, allauth's and dj-stripe's (pingtopass/admin.py, pingtopass/db/lookups.py)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from djstripe.models import IdempotencyKey

from pingtopass.admin import SelectedRowsMixin
from study.models import Bookmark, QuestionFeedback
from tests.factories import BookmarkFactory, QuestionFeedbackFactory

pytestmark = pytest.mark.django_db

TOO_LARGE = [str(2**63), str(-(2**63) - 1), "9" * 40]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_it_acts_on_the_rows_that_exist_among_ids_no_column_holds(admin_client):
    report, other = QuestionFeedbackFactory(), QuestionFeedbackFactory()
    response = admin_client.post("/admin/study/questionfeedback/",
                                 {"action": "mark_resolved", "_selected_action": [*TOO_LARGE, report.pk]}, follow=True)
    assert response.status_code == 200 and "Marked 1 report(s) resolved." in response.content.decode()
    assert list(QuestionFeedback.objects.filter(status=QuestionFeedback.Status.RESOLVED)) == [report]
    other.refresh_from_db()
    assert other.status == QuestionFeedback.Status.OPEN


def test_it_asks_to_delete_only_the_rows_that_exist(admin_client):
    bookmark, other = BookmarkFactory(), BookmarkFactory()
    selected = [*TOO_LARGE, bookmark.pk]
    confirm = admin_client.post("/admin/study/bookmark/", {"action": "delete_selected", "_selected_action": selected})
    assert confirm.status_code == 200 and f"/admin/study/bookmark/{bookmark.pk}/change/" in confirm.content.decode()
    assert f"/admin/study/bookmark/{other.pk}/change/" not in confirm.content.decode()
    admin_client.post("/admin/study/bookmark/", {"action": "delete_selected", "_selected_action": selected, "post": "yes"})
    assert list(Bookmark.objects.all()) == [other]


@pytest.mark.parametrize(("url", "selected"), [
    ("/admin/study/questionfeedback/", ["abc"]),
    ("/admin/study/questionfeedback/", ["1.5", "1"]),
    ("/admin/study/questionfeedback/", ["\x00"]),
    ("/admin/djstripe/idempotencykey/", [str(2**63)]),  # a UUID primary key
    ("/admin/djstripe/idempotencykey/", ["abc"]),
])
def test_it_changes_nothing_for_a_selection_no_row_can_match(admin_client, url, selected):
    QuestionFeedbackFactory()
    IdempotencyKey.objects.create(action="customer:create:1", livemode=False)
    action = "mark_resolved" if "questionfeedback" in url else "delete_selected"
    response = admin_client.post(url, {"action": action, "_selected_action": selected, "post": "yes"})
    assert response.status_code == 302 and response["Location"] == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The selection names rows that cannot exist. No items have been changed."]
    assert QuestionFeedback.objects.get().status == QuestionFeedback.Status.OPEN
    assert IdempotencyKey.objects.count() == 1


def test_every_model_admin_checks_the_selection_and_keeps_its_own_name():
    assert all(isinstance(model_admin, SelectedRowsMixin) for model_admin in admin.site._registry.values())
    group_admin = admin.site.get_model_admin(Group)
    assert str(group_admin) == "auth.GroupAdmin" and type(group_admin).__module__ == "django.contrib.auth.admin"
