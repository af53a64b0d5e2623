"""The question card's links and forms lead where their names say, for the first, a middle and
the last question, in practice and in exam simulation (the card works its addresses out from
two reverses, study.views.card.card_urls, instead of one per link)."""

import re

import pytest
from django.urls import resolve, reverse

from study.models import StudySession
from study.views.card import card_urls

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r'(href|action|hx-get|hx-post|data-prev-url|data-next-url)="(/sessions/[^"]*)"')


def addresses(html: str) -> set[tuple[str, str]]:
    return set(ADDRESS.findall(html))


@pytest.mark.parametrize("mode", [StudySession.Mode.PRACTICE, StudySession.Mode.EXAM])
@pytest.mark.parametrize("position", [1, 4, 8])
def test_every_session_address_on_the_card_is_the_one_django_reverses(learner_client, learner, start, mode, position):
    session = start(learner, mode=mode)
    html = learner_client.get(f"/sessions/{session.pk}/q/{position}/").content.decode()
    found = addresses(html)
    pk = session.pk

    def at(name, n=position):
        return reverse(f"study:{name}", args=[pk, n])

    expected = {("action", at("answer")), ("hx-post", at("answer")),
                ("action", at("bookmark")), ("hx-post", at("bookmark")), ("action", at("report")),
                ("hx-post", at("report")), ("href", reverse("study:submit_review", args=[pk]))}
    assert expected <= found
    # Practice flags with a form of its own; in a simulation Flag is a button of the answer form,
    # so the pick on the card is saved with it (tests/study/test_navigation_saves.py).
    flag_form = {("action", at("flag")), ("hx-post", at("flag"))}
    assert flag_form <= found if mode == StudySession.Mode.PRACTICE else not flag_form & found
    if mode == StudySession.Mode.PRACTICE:  # moving is a link; in a simulation it saves the card first
        if position > 1:
            assert {("href", at("question", position - 1)), ("hx-get", at("question", position - 1))} <= found
        if position < 8:
            assert {("href", at("question", position + 1)), ("hx-get", at("question", position + 1))} <= found
    assert ("data-prev-url", at("question", position - 1)) in found if position > 1 else "data-prev-url=\"\"" in html
    assert ("data-next-url", at("question", position + 1)) in found if position < 8 else "data-next-url=\"\"" in html
    for _, url in found:
        if url.startswith(f"/sessions/{pk}/"):
            assert resolve(url).kwargs["pk"] == pk


def test_the_grid_addresses_every_question_of_the_session(learner, start):
    session = start(learner, mode=StudySession.Mode.EXAM)
    item = session.items.get(position=3)
    urls = card_urls(session, item)
    assert [urls["question"].format(n) for n in range(1, 9)] == [
        reverse("study:question", args=[session.pk, n]) for n in range(1, 9)
    ]
    assert urls["here"] == reverse("study:question", args=[session.pk, 3])
