"""A notice about the question card ("Bookmarked.", a report sent) is shown once: by the page's
layout on a full load, by the card itself when htmx swaps the card in without the layout."""

import pytest
from django.urls import reverse

from tests.factories import session_with_questions

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def session(learner):
    return session_with_questions(user=learner)


def bookmark(client, session, **headers):
    return client.post(reverse("study:bookmark", args=[session.pk, 2]), {"bookmarked": "on", "note": ""}, **headers)


def test_a_full_load_shows_the_notice_once(learner_client, session):
    response = bookmark(learner_client, session, follow=True)
    assert response.redirect_chain == [(f"/sessions/{session.pk}/q/2/", 302)]
    page = response.content.decode()
    assert page.count("Bookmarked.") == 1
    assert page.count('<li class="alert alert-success">') == 1


def test_a_card_swapped_in_by_htmx_shows_the_notice_once(learner_client, session):
    response = bookmark(learner_client, session, **HTMX)
    card = response.content.decode()
    assert response.status_code == 200 and "<html" not in card
    assert card.count("Bookmarked.") == 1
    assert 'class="messages inline-messages"' in card


def test_a_notice_is_shown_once_and_then_gone(learner_client, session):
    bookmark(learner_client, session, **HTMX)
    again = learner_client.get(reverse("study:question", args=[session.pk, 2])).content.decode()
    assert "Bookmarked." not in again


def test_a_notice_queued_before_a_full_load_is_shown_once(learner_client, learner, session):
    """A report sent from the card without htmx: the redirect's page says thanks once."""
    url = reverse("study:report", args=[session.pk, 1])
    response = learner_client.post(url, {"kind": "typo", "message": "Choice B has a typo."}, follow=True)
    assert response.content.decode().count("Thanks — a moderator will look at your report.") == 1
