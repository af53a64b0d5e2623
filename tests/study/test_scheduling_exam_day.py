"""Reviews aimed at the learner's exam day (study.scheduling.review_due, reviews_aimed_at_exam),
on hand-made FSRS cards and dates: what comes round before the exam, and on which day, with an
exam day set and without one.

FSRS's curve with its default parameters: recall after t days at stability S is
(1 + 0.9803·t/S)^-0.1542, 90 % at t = S (FSRS's due) and 95 % at t = 0.4025·S.
"""

import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fsrs import Card, Rating, State

from study.models import ReviewCard
from study.scheduling import FINAL_DAYS, card_reviewed, review_due, reviews_aimed_at_exam

UTC_ZONE = zoneinfo.ZoneInfo("UTC")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon
TODAY = NOW.date()


def card(*, stability: float, reviewed_days_ago: float = 0, card_id: int = 1, at: datetime = NOW) -> Card:
    """A question in review, last seen `reviewed_days_ago`, due when FSRS says (S days on)."""
    last = at - timedelta(days=reviewed_days_ago)
    return Card(card_id=card_id, state=State.Review, stability=stability, difficulty=5.0,
                due=last + timedelta(days=round(stability)), last_review=last)


def days_after(due: datetime, start: datetime = NOW) -> float:
    return (due - start) / timedelta(days=1)


def test_without_an_exam_day_fsrs_decides():
    c = card(stability=30)
    assert review_due(c, exam_day=None, zone=UTC_ZONE) == c.due == NOW + timedelta(days=30)
    assert review_due(c, exam_day=None, zone=UTC_ZONE, weak=True) == c.due


def test_a_question_due_after_the_exam_that_would_be_recalled_too_rarely_comes_back_before_it():
    c = card(stability=30)  # just answered; FSRS: again in 30 days; recall 94.4 % after 14 days
    due = review_due(c, exam_day=TODAY + timedelta(days=14), zone=UTC_ZONE)
    assert days_after(due) == 12  # when recall falls to 95 %: 0.4025 × 30 = 12.1 days, two days before the exam


def test_one_recalled_well_enough_on_the_day_stays_where_fsrs_put_it():
    c = card(stability=30)  # recall after 7 days: 96.9 %
    assert review_due(c, exam_day=TODAY + timedelta(days=7), zone=UTC_ZONE) == c.due


def test_one_fsrs_brings_back_before_the_exam_anyway_is_left_alone():
    c = card(stability=10)
    assert review_due(c, exam_day=TODAY + timedelta(days=30), zone=UTC_ZONE) == c.due


def test_questions_pulled_forward_spread_over_the_days_left_and_not_on_the_eve():
    exam_day = TODAY + timedelta(days=30)
    dues = {s: days_after(review_due(card(stability=s), exam_day=exam_day, zone=UTC_ZONE)) for s in (20, 30, 40, 60, 70)}
    # S=20: FSRS's own day 20; the others would be due on or after the exam day.
    assert dues == {20: 20, 30: 12, 40: 16, 60: 24, 70: 28}


def test_in_the_last_days_the_weakest_objectives_questions_come_back_the_next_day():
    c = card(stability=30)
    for days_left in (2, 5, FINAL_DAYS):
        exam_day = TODAY + timedelta(days=days_left)
        assert days_after(review_due(c, exam_day=exam_day, zone=UTC_ZONE, weak=True)) == 1
        assert review_due(c, exam_day=exam_day, zone=UTC_ZONE, weak=False) == c.due  # 30 days: after the exam
    # Before the last days a weak objective's question follows the same rule as any other
    exam_day = TODAY + timedelta(days=FINAL_DAYS + 1)
    assert review_due(c, exam_day=exam_day, zone=UTC_ZONE, weak=True) == c.due


def test_answered_on_the_eve_or_the_day_or_after_nothing_is_aimed():
    c = card(stability=30)
    for exam_day in (TODAY + timedelta(days=1), TODAY, TODAY - timedelta(days=3)):
        assert review_due(c, exam_day=exam_day, zone=UTC_ZONE, weak=True) == c.due


def test_days_are_the_learners_own():
    # 08:00 on 2 March in Auckland is 19:00 on 1 March in UTC. The exam is on 16 March there.
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    at = datetime(2026, 3, 2, 8, 0, tzinfo=auckland).astimezone(UTC)
    due = review_due(card(stability=30, at=at), exam_day=date(2026, 3, 16), zone=auckland)
    assert due.astimezone(auckland) == datetime(2026, 3, 14, 8, 0, tzinfo=auckland)  # 12 days on, local time
    weak = review_due(card(stability=30, at=at), exam_day=date(2026, 3, 8), zone=auckland, weak=True)
    assert weak.astimezone(auckland).date() == date(2026, 3, 3)


def test_a_reviewed_card_keeps_fsrs_due_in_its_own_record():
    # The stored FSRS card keeps FSRS's due, so the aim can be undone or moved later.
    reviewed = card_reviewed(None, Rating.Good, NOW)
    assert review_due(reviewed, exam_day=None, zone=UTC_ZONE) == reviewed.due


def review_card(question_id: int, c: Card, due: datetime | None = None) -> ReviewCard:
    return ReviewCard(pk=question_id, question_id=question_id, card=c.to_dict(), due=due or c.due)


def due_today(rows, now=NOW) -> list[int]:
    end_of_today = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=UTC)
    return sorted(r.question_id for r in rows if r.due < end_of_today)


def test_setting_the_day_a_week_ahead_spreads_what_it_pulls_forward_from_today_to_the_eve():
    # Ten questions seen 20 days ago, each with FSRS stability 40: FSRS brings them back in 20
    # days, after the exam. On the day their recall would be 92.5 %, so they were due 4 days ago.
    rows = [review_card(q, card(stability=40, reviewed_days_ago=20, card_id=q)) for q in range(1, 11)]
    fresh = review_card(11, card(stability=100, reviewed_days_ago=2, card_id=11))  # 99 % on the day
    overdue = review_card(12, card(stability=5, reviewed_days_ago=6, card_id=12))  # FSRS: due yesterday
    rows += [fresh, overdue]
    assert due_today(rows) == [12]  # without an exam day

    exam_day = TODAY + timedelta(days=7)
    changed = reviews_aimed_at_exam(rows, exam_day=exam_day, zone=UTC_ZONE, now=NOW)
    assert sorted(r.question_id for r in changed) == list(range(1, 11))
    days = Counter((r.due.date() - TODAY).days for r in rows[:10])
    assert days == {0: 2, 1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1}  # ten over seven days, the last the eve
    assert due_today(rows) == [1, 2, 12]
    assert all(r.due < datetime.combine(exam_day, time.min, tzinfo=UTC) for r in rows[:10])

    # Cleared, every card is back where FSRS put it
    changed = reviews_aimed_at_exam(rows, exam_day=None, zone=UTC_ZONE, now=NOW)
    assert len(changed) == 10 and all(r.due == Card.from_dict(r.card).due for r in rows)
    assert due_today(rows) == [12]


def test_those_to_be_recalled_worst_on_the_day_come_first():
    weaker = review_card(1, card(stability=30, reviewed_days_ago=20, card_id=1))  # 90.3 % on the day
    stronger = review_card(2, card(stability=45, reviewed_days_ago=20, card_id=2))  # 93.1 %
    reviews_aimed_at_exam([stronger, weaker], exam_day=TODAY + timedelta(days=8), zone=UTC_ZONE, now=NOW)
    assert weaker.due.date() == TODAY and stronger.due.date() == TODAY + timedelta(days=4)


def test_set_in_the_last_days_the_weakest_objectives_questions_answered_in_them_are_due():
    # Answered two days ago, in the last week before an exam now five days ahead
    rows = [review_card(q, card(stability=30, reviewed_days_ago=2, card_id=q)) for q in (1, 2, 3)]
    rows.append(review_card(4, card(stability=60, reviewed_days_ago=8, card_id=4)))  # before the last days
    reviews_aimed_at_exam(rows, exam_day=TODAY + timedelta(days=5), zone=UTC_ZONE, now=NOW,
                          weak_question_ids={1, 2, 4})
    assert due_today(rows) == [1, 2]  # not spread: they were due the day after they were answered
    assert rows[2].due == NOW + timedelta(days=28) and rows[3].due == NOW + timedelta(days=52)  # FSRS's


@pytest.mark.parametrize("exam_day", [TODAY, TODAY - timedelta(days=1)])
def test_an_exam_day_today_or_past_aims_nothing(exam_day):
    rows = [review_card(1, card(stability=40, reviewed_days_ago=20), due=NOW - timedelta(days=4))]
    changed = reviews_aimed_at_exam(rows, exam_day=exam_day, zone=UTC_ZONE, now=NOW)
    assert changed == rows and rows[0].due == NOW + timedelta(days=20)
