"""Bookmarking a question with a personal note (POST .../q/<position>/bookmark/), with and without HTMX."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import Bookmark, SessionItem, StudySession
from tests.factories import UserFactory, session_with_questions

pytestmark = pytest.mark.django_db


def bookmark_url(session, position=2):
    return reverse("study:bookmark", args=[session.pk, position])


def question_of(session, position=2):
    return SessionItem.objects.get(session=session, position=position).question


def test_it_bookmarks_a_question_with_a_note_the_card_shows(learner_client, learner):
    session = session_with_questions(user=learner)
    response = learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "  Subnetting: recheck /27.  "})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/q/2/"
    bookmark = Bookmark.objects.get(user=learner)
    assert bookmark.question == question_of(session) and bookmark.note == "Subnetting: recheck /27."
    page = learner_client.get(response["Location"]).content.decode()
    assert "Bookmarked." in page and "★ Bookmarked" in page and "Subnetting: recheck /27.</textarea>" in page


def test_it_changes_the_note_on_a_bookmark_and_removes_it(learner_client, learner):
    session = session_with_questions(user=learner)
    learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "first"})
    learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "second thoughts"})
    assert list(Bookmark.objects.filter(user=learner).values_list("note", flat=True)) == ["second thoughts"]

    removed = learner_client.post(bookmark_url(session), {"bookmarked": "", "note": "second thoughts"}, follow=True)
    page = removed.content.decode()
    assert removed.redirect_chain == [(f"/sessions/{session.pk}/q/2/", 302)]
    assert "Bookmark removed." in page and "☆ Bookmark" in page and "★ Bookmarked" not in page
    assert not Bookmark.objects.filter(user=learner).exists()


def test_it_swaps_the_card_over_htmx_with_the_bookmark_and_a_message(learner_client, learner):
    session = session_with_questions(user=learner)
    response = learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "why B?"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="session-main"') and "<html" not in body
    assert "★ Bookmarked" in body and "Bookmarked." in body and "why B?</textarea>" in body
    assert Bookmark.objects.get(user=learner).question == question_of(session)


def test_it_keeps_a_note_of_2000_characters_and_refuses_a_longer_one_with_a_message(learner_client, learner):
    session = session_with_questions(user=learner)
    longest = learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "n" * 2000})
    assert longest.status_code == 302 and len(Bookmark.objects.get(user=learner).note) == 2000

    too_long = learner_client.post(bookmark_url(session, position=1), {"bookmarked": "on", "note": "x" * 2001}, follow=True)
    assert too_long.status_code == 200
    assert "Notes can be at most 2,000 characters." in too_long.content.decode()
    htmx = learner_client.post(bookmark_url(session, position=1), {"bookmarked": "on", "note": "x" * 2001},
                               HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "Notes can be at most 2,000 characters." in htmx.content.decode()
    assert not Bookmark.objects.filter(user=learner, question=question_of(session, position=1)).exists()


def test_it_404s_for_someone_elses_session_and_a_question_outside_it(client, learner):
    session = session_with_questions(user=learner)
    client.force_login(UserFactory())
    assert client.post(bookmark_url(session), {"bookmarked": "on", "note": "mine now"}).status_code == 404
    assert client.post(bookmark_url(session), {"bookmarked": "on"}, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(learner)
    assert client.post(bookmark_url(session, position=4), {"bookmarked": "on"}).status_code == 404
    assert not Bookmark.objects.exists()


def test_it_bookmarks_from_a_finished_sessions_review(learner_client, learner):
    session = session_with_questions(user=learner, status=StudySession.Status.SUBMITTED, submitted_at=timezone.now())
    response = learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "revisit"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/review/#q2"
    assert Bookmark.objects.get(user=learner).question == question_of(session)
    review = learner_client.get(response["Location"]).content.decode()
    assert "Bookmarked." in review and "★ Bookmarked" in review


# Guards a bug fix: the bookmark view skipped the deadline check the other session views make,
# so it wrote to an expired session as if it were still running and sent the learner back to it.
def test_it_submits_an_expired_session_first(learner_client, learner):
    session = session_with_questions(user=learner, mode=StudySession.Mode.EXAM,
                                     started_at=timezone.now() - timedelta(hours=2),
                                     deadline=timezone.now() - timedelta(seconds=1))
    response = learner_client.post(bookmark_url(session), {"bookmarked": "on", "note": "after time"})
    session.refresh_from_db()
    assert session.is_finished and session.expired
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/review/#q2"


def test_it_takes_only_a_signed_in_post(client, learner):
    session = session_with_questions(user=learner)
    anonymous = client.post(bookmark_url(session), {"bookmarked": "on"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(learner)
    assert client.get(bookmark_url(session)).status_code == 405
    assert not Bookmark.objects.exists()
