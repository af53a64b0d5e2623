from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_log
from exams.models import Question
from exams.pools import question_pool_sync


@transaction.atomic
def question_review(*, questions: Iterable[Question], reviewer, status: str, note: str = "", request=None) -> int:
    """Approve or reject questions; returns how many changed."""
    if status not in (Question.ReviewStatus.APPROVED, Question.ReviewStatus.REJECTED):
        raise ValueError(f"Unknown review status {status!r}.")
    if status == Question.ReviewStatus.REJECTED and not note.strip():
        raise ValueError("A rejection needs a reason.")
    questions = list(questions)
    changed = Question.objects.filter(pk__in=[q.pk for q in questions]).update(
        review_status=status, reviewed_by=reviewer, reviewed_at=timezone.now(), review_note=note.strip(),
        updated_at=timezone.now(),
    )
    question_pool_sync([q.pk for q in questions])
    action = "question_approved" if status == Question.ReviewStatus.APPROVED else "question_rejected"
    for question in questions:
        audit_log(action, request=request, actor=reviewer, target=question, note=note.strip())
    return changed
