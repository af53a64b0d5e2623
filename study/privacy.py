"""What the study app contributes to a learner's data export and account deletion."""

from study.models import Bookmark, QuestionFeedback, SessionItem, StudySession


def export_study_data(user) -> dict:
    sessions = StudySession.objects.filter(user=user).select_related("exam").order_by("started_at")
    items = SessionItem.objects.filter(session__user=user).select_related("question").order_by("session_id", "position")
    answers_by_session: dict[int, list] = {}
    for item in items:
        answers_by_session.setdefault(item.session_id, []).append({
            "position": item.position,
            "question_id": item.question_id,
            "question": item.question.stem[:200],
            "response": item.response,
            "is_correct": item.is_correct,
            "answered_at": item.answered_at.isoformat() if item.answered_at else None,
            "time_spent_seconds": item.time_spent_seconds,
            "confidence": item.confidence,
            "flagged": item.flagged,
        })
    return {
        "sessions": [
            {
                "id": s.pk, "exam": s.exam.code, "mode": s.mode, "status": s.status, "config": s.config,
                "started_at": s.started_at.isoformat(), "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
                "correct": s.correct_count, "total": s.question_total, "scaled_score": s.scaled_score, "passed": s.passed,
                "report": s.report, "answers": answers_by_session.get(s.pk, []),
            }
            for s in sessions
        ],
        "bookmarks": [
            {"question_id": b.question_id, "exam": b.question.exam.code, "note": b.note, "created_at": b.created_at.isoformat()}
            for b in Bookmark.objects.filter(user=user).select_related("question__exam")
        ],
        "feedback": [
            {"question_id": f.question_id, "kind": f.kind, "message": f.message, "status": f.status,
             "created_at": f.created_at.isoformat()}
            for f in QuestionFeedback.objects.filter(user=user)
        ],
    }


def erase_study_data(user) -> None:
    """Bookmarks (personal notes) go; sessions and answers stay, detached from the person, as
    anonymous statistics; reports stay for moderators without their author."""
    Bookmark.objects.filter(user=user).delete()
    StudySession.objects.filter(user=user).update(user=None, config={})
    QuestionFeedback.objects.filter(user=user).update(user=None)
