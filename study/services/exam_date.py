"""The learner's exam day for one exam: kept on their progress row for it, with their reviews of
that exam aimed at it (study.scheduling)."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from exams.models import Exam
from study.models import ExamProgress, ObjectiveMastery, ReviewCard
from study.planning import weak_objective_ids
from study.scheduling import FINAL_DAYS, reviews_aimed_at_exam


@transaction.atomic
def exam_date_set(*, user, exam: Exam, day: date | None) -> ExamProgress:
    """Set (or, with None, clear) the day the learner sits this exam, and re-aim its reviews."""
    progress, _ = ExamProgress.objects.get_or_create(user=user, exam=exam)
    if progress.exam_date != day:
        ExamProgress.objects.filter(pk=progress.pk).update(exam_date=day)
        progress.exam_date = day
        progress.user, progress.exam = user, exam
        _review_cards_aim(progress=progress, now=timezone.now())
    return progress


def _review_cards_aim(*, progress: ExamProgress, now: datetime) -> int:
    """Aim the learner's review cards of the exam at its exam day as it now stands (FSRS's own
    dues when there is none); returns how many moved."""
    cards = ReviewCard.objects.select_for_update().filter(user=progress.user_id, exam=progress.exam_id)
    weak_questions = set()
    today = now.astimezone(progress.user.zone).date()
    if progress.exam_date is not None and progress.exam_date - today <= timedelta(days=FINAL_DAYS):
        masteries = {m.objective_id: m for m in ObjectiveMastery.objects.filter(user=progress.user_id, exam=progress.exam_id)}
        weak_questions = set(cards.filter(question__objective_id__in=weak_objective_ids(progress, masteries))
                             .values_list("question_id", flat=True))
    changed = reviews_aimed_at_exam(cards.only("pk", "question", "card", "due"), exam_day=progress.exam_date,
                                    zone=progress.user.zone, now=now, weak_question_ids=weak_questions)
    ReviewCard.objects.bulk_update(changed, ["due"], batch_size=500)
    return len(changed)
