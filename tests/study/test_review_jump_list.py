"""The review of a finished session opens with a jump list: a link to each question on the page,
saying whether it was right, partly right, wrong or not answered, and flagged."""

import re

import pytest
from django.utils import timezone

from study.models import SessionItem, StudySession
from tests.factories import session_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(learner):
    """Five questions: 1 right, 2 partly right, 3 wrong and flagged, 4 not answered, 5 right and flagged."""
    session = session_with_questions(user=learner, questions=5, status=StudySession.Status.SUBMITTED,
                                     submitted_at=timezone.now())
    items = SessionItem.objects.filter(session=session)
    now = timezone.now()
    items.filter(position__in=[1, 5]).update(response=[1], is_correct=True, score=1.0, answered_at=now)
    items.filter(position=2).update(response=[1], is_correct=False, score=0.5, answered_at=now)
    items.filter(position=3).update(response=[1], is_correct=False, score=0.0, answered_at=now)
    items.filter(position__in=[3, 5]).update(flagged=True)
    return session


def jump_list(html: str) -> str:
    [nav] = re.findall(r'<nav[^>]*aria-label="Questions"[^>]*>.*?</nav>', html, re.S)
    return nav


def links(nav: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="(#q\d+)"[^>]*aria-label="([^"]+)"', nav)


def test_it_lists_every_question_with_its_state(learner_client, reviewed):
    page = learner_client.get(f"/sessions/{reviewed.pk}/review/").content.decode()
    assert links(jump_list(page)) == [
        ("#q1", "Question 1: right"),
        ("#q2", "Question 2: partly right"),
        ("#q3", "Question 3: wrong, flagged"),
        ("#q4", "Question 4: not answered"),
        ("#q5", "Question 5: right, flagged"),
    ]
    for position in range(1, 6):  # each link lands on its question
        assert f'id="q{position}"' in page


def test_its_marks_and_colours_follow_the_state(learner_client, reviewed):
    nav = jump_list(learner_client.get(f"/sessions/{reviewed.pk}/review/").content.decode())
    shown = dict(re.findall(r'href="#q(\d+)"[^>]*>(.*?)</a>', nav))
    assert shown == {
        "1": '1 <span aria-hidden="true">✓</span>',
        "2": '2 <span aria-hidden="true">◐</span>',
        "3": '3 <span aria-hidden="true">✗ ⚑</span>',
        "4": '4 <span aria-hidden="true">○</span>',
        "5": '5 <span aria-hidden="true">✓ ⚑</span>',
    }
    tones = dict(re.findall(r'href="#q(\d+)" class="badge ?([a-z-]*)"', nav))
    assert tones == {"1": "badge-ok", "2": "badge-warn", "3": "badge-bad", "4": "", "5": "badge-ok"}
    assert "✓&nbsp;right · ◐&nbsp;partly&nbsp;right · ✗&nbsp;wrong · ○&nbsp;not&nbsp;answered · ⚑&nbsp;flagged" in nav


def test_the_question_itself_says_partly_right(learner_client, reviewed):
    page = learner_client.get(f"/sessions/{reviewed.pk}/review/").content.decode()
    second = page[page.index('id="q2"'):page.index('id="q3"')]
    assert "Partly right" in second and ">Wrong<" not in second


def test_a_filter_lists_only_the_questions_it_shows(learner_client, reviewed):
    page = learner_client.get(f"/sessions/{reviewed.pk}/review/?show=flagged").content.decode()
    assert [href for href, _ in links(jump_list(page))] == ["#q3", "#q5"]
    correct = learner_client.get(f"/sessions/{reviewed.pk}/review/?show=correct").content.decode()
    assert [href for href, _ in links(jump_list(correct))] == ["#q1", "#q5"]


def test_an_empty_filter_has_no_jump_list(learner_client, learner):
    session = session_with_questions(user=learner, status=StudySession.Status.SUBMITTED, submitted_at=timezone.now())
    page = learner_client.get(f"/sessions/{session.pk}/review/?show=flagged").content.decode()
    assert "No questions match this filter." in page and 'aria-label="Questions"' not in page
