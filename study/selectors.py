from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from exams.models import Exam, Question
from exams.selectors import servable_counts
from study.models import ExamProgress, ReviewCard, SessionItem, StudySession
from study.progress import progress_catch_up


def exam_catalogue() -> list[Exam]:
    """Active exams, each with `servable_count`: one small query plus the cached pool counts."""
    counts = servable_counts()
    exams = list(Exam.objects.active())
    for exam in exams:
        exam.servable_count = counts.get(exam.pk, 0)
    return exams


def exam_for_learner(code: str) -> Exam:
    """An active exam by code, with `servable_count`, or 404."""
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses a NUL in a query (a 500)
        raise Http404("No such exam.")
    exam = get_object_or_404(Exam.objects.active(), code=code)
    exam.servable_count = servable_counts().get(exam.pk, 0)
    return exam


def learner_progress_by_exam(*, user) -> dict[int, dict]:
    """Per exam: distinct questions answered (one review card each), share of answers correct,
    sessions started. Read from the progress rows, never from the answer history."""
    progress_catch_up(user=user)
    progress = {
        p.exam_id: {"seen": 0, "accuracy": round(100 * p.correct / p.answered) if p.answered else None}
        for p in ExamProgress.objects.filter(user=user).only("exam_id", "answered", "correct")
    }
    for row in ReviewCard.objects.filter(user=user).order_by().values("exam_id").annotate(n=Count("id")):
        progress.setdefault(row["exam_id"], {"seen": 0, "accuracy": None})["seen"] = row["n"]
    for row in StudySession.objects.filter(user=user).order_by().values("exam_id").annotate(n=Count("id")):
        progress.setdefault(row["exam_id"], {"seen": 0, "accuracy": None})["sessions"] = row["n"]
    return progress


def answered_counts(*, session_ids: list[int]) -> dict[int, int]:
    rows = (
        SessionItem.objects.filter(session_id__in=session_ids, response__isnull=False)
        .values("session_id")
        .annotate(n=Count("id"))
    )
    return {r["session_id"]: r["n"] for r in rows}


def review_items(*, session: StudySession, show: str) -> list[dict]:
    items = session.items.select_related("question__objective__domain").prefetch_related("question__choices")
    if show == "wrong":
        items = items.exclude(is_correct=True)
    elif show == "flagged":
        items = items.filter(flagged=True)
    elif show == "correct":
        items = items.filter(is_correct=True)
    result = []
    for item in items:
        choices = list(item.question.choices.all())
        by_id = {c.pk: c for c in choices}
        if item.question.type == Question.Type.ORDERING:
            shown = sorted(choices, key=lambda c: (c.position, c.pk))
        else:
            shown = [by_id[pk] for pk in item.choice_order if pk in by_id]
        result.append({
            "item": item, "question": item.question, "choices": shown, "picked_ids": item.picked_choice_ids,
            "summary": item.answer_summary(by_id),
        })
    return result
