from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from exams.models import Question


@transaction.atomic
def question_review(*, questions: Iterable[Question], reviewer, status: str, note: str = "") -> int:
    """Approve or reject questions; returns how many changed."""
    if status not in (Question.ReviewStatus.APPROVED, Question.ReviewStatus.REJECTED):
        raise ValueError(f"Unknown review status {status!r}.")
    if status == Question.ReviewStatus.REJECTED and not note.strip():
        raise ValueError("A rejection needs a reason.")
    ids = [q.pk for q in questions]
    return Question.objects.filter(pk__in=ids).update(
        review_status=status, reviewed_by=reviewer, reviewed_at=timezone.now(), review_note=note.strip(),
        updated_at=timezone.now(),
    )
