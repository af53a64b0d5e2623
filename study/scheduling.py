"""Where FSRS schedules: when each answered question is due again, and how an answer rates; with
an exam day set, when it is due so that it serves that day.

FSRS spaces reviews so that each question is recalled nine times in ten when it comes round.
Before an exam what matters is recall on the day, so with the learner's exam day set:
- a question FSRS would bring back only after the exam, and that by then would be recalled less
  often than EXAM_RETENTION, is brought back when its recall falls to EXAM_RETENTION instead
  (FSRS's own interval at that desired retention), at the latest the day before the exam. Each
  question's day follows its own memory, so they spread over the days left; one recalled at least
  that well on the day stays where FSRS put it, as reviews after the exam matter less;
- in the last FINAL_DAYS, a question of one of the learner's weakest objectives (those the exam
  day plan names) comes back the next day, so those fill the days' reviews.
The stored FSRS card keeps FSRS's own due; ReviewCard.due is the aimed one, so setting, moving or
clearing the day re-aims every card (reviews_aimed_at_exam).
"""

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler

from study.models import ReviewCard, SessionItem

# No learning steps: FSRS's default re-asks a question 1 and 10 minutes after it is first seen,
# which suits flashcards, not a question bank studied in sessions. Reviews here are whole days
# ("due today"), and "Missed questions" is the way to retry a wrong answer at once.
_scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
# FSRS's forgetting curve R(t) = (1 + FACTOR·t/S)^DECAY, as the scheduler computes it.
_DECAY = -_scheduler.parameters[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1

EXAM_RETENTION = 0.95  # the chance of recalling each question on the exam day that reviews aim at
FINAL_DAYS = 7  # in the last this many days before the exam, the weakest objectives' questions come back daily


def reviews_due_by(user, now: datetime) -> datetime:
    """Reviews "due today" are those due before the learner's midnight: the dashboard counts them
    and the "Due reviews" session draws them, so the number and the session agree."""
    today = now.astimezone(user.zone).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=user.zone)


def review_rating(*, correct: bool, confidence: int | None, seconds: float, pace_seconds: float) -> Rating:
    """Wrong → Again; right but guessing → Hard; right quickly and certain → Easy; right → Good."""
    if not correct:
        return Rating.Again
    if confidence == SessionItem.Confidence.LOW:
        return Rating.Hard
    if confidence == SessionItem.Confidence.HIGH and 0 < seconds <= pace_seconds / 2:
        return Rating.Easy
    return Rating.Good


def card_reviewed(card: dict | None, rating: Rating, at: datetime) -> Card:
    """A question's FSRS card after an answer rated so at this moment (`card` is the stored
    dict, None for a question answered the first time)."""
    # A new card's id is its creation time in epoch milliseconds; given, fsrs does not sleep a
    # millisecond per card to keep ids apart.
    current = Card.from_dict(card) if card else Card(card_id=int(at.timestamp() * 1000))
    reviewed, _ = _scheduler.review_card(current, rating, at.astimezone(UTC))  # fsrs insists on datetime.UTC
    return reviewed


def _days_to_retention(stability: float, retention: float) -> int:
    """Whole days after a review until recall falls to `retention` (FSRS's interval for that
    desired retention), at least one."""
    return max(round(stability / _FACTOR * (retention ** (1 / _DECAY) - 1)), 1)


def _back_daily(card: Card, *, exam_day: date, zone, weak: bool) -> bool:
    """A weakest objective's question answered in the last days before the exam (not on the eve):
    it comes back the next day."""
    return weak and 2 <= (exam_day - card.last_review.astimezone(zone).date()).days <= FINAL_DAYS


def review_due(card: Card, *, exam_day: date | None, zone, weak: bool = False) -> datetime:
    """When a question reviewed as `card` says is due again, aimed at the learner's exam day
    (None: FSRS's own due). `weak`: the question is in one of the learner's weakest objectives."""
    if exam_day is None or card.last_review is None or card.stability is None:
        return card.due
    reviewed = card.last_review.astimezone(zone)
    days_before = (exam_day - reviewed.date()).days
    if days_before < 2:  # reviewed on the eve or later: no day left between this review and the exam
        return card.due
    if _back_daily(card, exam_day=exam_day, zone=zone, weak=weak):
        return min(card.due, (reviewed + timedelta(days=1)).astimezone(UTC))
    exam_start = datetime.combine(exam_day, time.min, tzinfo=zone)
    if card.due < exam_start or _scheduler.get_card_retrievability(card, exam_start) >= EXAM_RETENTION:
        return card.due
    days = min(_days_to_retention(card.stability, EXAM_RETENTION), days_before - 1)
    return (reviewed + timedelta(days=days)).astimezone(UTC)  # wall-clock days: the same hour, DST or not


def reviews_aimed_at_exam(cards: Iterable[ReviewCard], *, exam_day: date | None, zone, now: datetime,
                          weak_question_ids: Collection[int] = ()) -> list[ReviewCard]:
    """The learner's review cards of one exam aimed at a newly set, moved or cleared exam day
    (one today or past counts as none): each card's due as review_due gives it from FSRS's
    stored card. The questions the day pulls into the past (due before now only because of it)
    are not all left for today: they are spread evenly over the days from today to the eve, the
    weakest objectives' (`weak_question_ids`, given in the last days) first, then those to be
    recalled worst on the day; but those answered in the last days that come back daily stay due
    now. Returns the cards whose due changed, with it set."""
    today = now.astimezone(zone).date()
    if exam_day is not None and exam_day <= today:
        exam_day = None
    changed, overdue = [], []
    for row in cards:
        card = Card.from_dict(row.card)
        weak = row.question_id in weak_question_ids
        aimed = review_due(card, exam_day=exam_day, zone=zone, weak=weak)
        if aimed < card.due and aimed < now and not _back_daily(card, exam_day=exam_day, zone=zone, weak=weak):
            on_the_day = _scheduler.get_card_retrievability(card, datetime.combine(exam_day, time.min, tzinfo=zone))
            overdue.append((not weak, on_the_day, row.question_id, row))
        elif aimed != row.due:
            row.due = aimed
            changed.append(row)
    overdue.sort(key=lambda entry: entry[:3])
    days_left = (exam_day - today).days if exam_day else 0
    for n, (*_, row) in enumerate(overdue):
        day = today + timedelta(days=n * days_left // len(overdue))
        row.due = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
        changed.append(row)
    return changed
