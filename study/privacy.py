"""What the study app contributes to a learner's data export and account deletion."""

from accounts.privacy import iso
from study.models import (
    Bookmark,
    ExamProgress,
    ObjectiveMastery,
    QuestionFeedback,
    ReviewCard,
    SessionItem,
    StudyDay,
    StudySession,
    WeeklyStat,
)
from study.progress import progress_catch_up
from study.services import sessions_expire_due


def export_study_data(user) -> dict:
    sessions_expire_due(user=user)
    progress_catch_up(user=user)
    sessions = StudySession.objects.filter(user=user).select_related("exam").order_by("started_at")
    items = (SessionItem.objects.filter(session__user=user).select_related("question")
             .prefetch_related("question__choices").order_by("session_id", "position"))
    answers_by_session: dict[int, list] = {}
    for item in items:
        answers_by_session.setdefault(item.session_id, []).append(item)
    return {
        "sessions": [_session(s, answers_by_session.get(s.pk, [])) for s in sessions],
        "bookmarks": [
            {"question_id": b.question_id, "exam": b.question.exam.code, "note": b.note, "created_at": b.created_at.isoformat()}
            for b in Bookmark.objects.filter(user=user).select_related("question__exam")
        ],
        "feedback": [
            {"question_id": f.question_id, "kind": f.kind, "message": f.message, "status": f.status,
             "created_at": f.created_at.isoformat()}
            for f in QuestionFeedback.objects.filter(user=user)
        ],
        "progress": _progress(user),
    }


def _session(session: StudySession, items: list[SessionItem]) -> dict:
    """A session and the learner's answers. Where the session keeps right and wrong from the
    learner until it is submitted (StudySession.reveals_correctness), so does the export:
    otherwise saving a choice and exporting would tell whether it is right. Those sessions fold
    their answers into progress only when submitted, so the progress rows tell nothing early.
    Answers are given in words, as the learner saw the choices: stored responses name choices
    by id, and ids (their order, a matching's pairs) can tell which choice is right."""
    shown = session.reveals_correctness
    return {
        "id": session.pk, "exam": session.exam.code, "mode": session.mode, "status": session.status,
        "config": session.config, "started_at": session.started_at.isoformat(), "submitted_at": iso(session.submitted_at),
        "correctness_withheld": not shown,
        "correct": session.correct_count if shown else None, "total": session.question_total,
        "scaled_score": session.scaled_score if shown else None, "passed": session.passed if shown else None,
        "report": session.report if shown else {},
        "answers": [
            {
                "position": item.position,
                "question_id": item.question_id,
                "question": item.question.stem[:200],
                "answer": item.answer_summary({c.pk: c for c in item.question.choices.all()}) if item.is_answered else None,
                "is_correct": item.is_correct if shown else None,
                "answered_at": iso(item.answered_at),
                "time_spent_seconds": item.time_spent_seconds,
                "confidence": item.confidence,
                "flagged": item.flagged,
            }
            for item in items
        ],
    }


def _progress(user) -> dict:
    """Everything the dashboard is computed from: per exam, per objective, per day and week, and
    the review schedule."""
    return {
        "exams": [
            {"exam": p.exam.code, "answered": p.answered, "correct": p.correct, "study_seconds": p.study_seconds,
             "ability": p.theta, "ability_variance": p.variance, "readiness": p.readiness,
             "readiness_low": p.readiness_low, "readiness_high": p.readiness_high, "last_answer_at": iso(p.last_answer_at)}
            for p in ExamProgress.objects.filter(user=user).select_related("exam").order_by("exam__code")
        ],
        "objectives": [
            {"exam": m.exam.code, "objective": m.objective.number, "answered": m.answered, "correct": m.correct,
             "ability": m.theta, "ability_variance": m.variance, "last_answer_at": iso(m.last_answer_at)}
            for m in ObjectiveMastery.objects.filter(user=user).select_related("exam", "objective").order_by("exam__code", "objective__number")
        ],
        "study_days": [
            {"date": d.date.isoformat(), "answered": d.answered, "study_seconds": d.study_seconds}
            for d in StudyDay.objects.filter(user=user).order_by("date")
        ],
        "weeks": [
            {"exam": w.exam.code, "week_start": w.week_start.isoformat(), "answered": w.answered, "correct": w.correct,
             "readiness": w.readiness}
            for w in WeeklyStat.objects.filter(user=user).select_related("exam").order_by("week_start", "exam__code")
        ],
        "reviews": [
            {"question_id": r.question_id, "exam": r.exam.code, "due": iso(r.due), "last_rating": r.last_rating,
             "reviews": r.reviews, "lapses": r.lapses}
            for r in ReviewCard.objects.filter(user=user).select_related("exam").order_by("due")
        ],
    }


def erase_study_data(user) -> None:
    """Bookmarks (personal notes) go; sessions and answers stay, detached from the person, as
    anonymous statistics; reports stay for moderators without their author."""
    Bookmark.objects.filter(user=user).delete()
    StudySession.objects.filter(user=user).update(user=None, config={})
    QuestionFeedback.objects.filter(user=user).update(user=None)
