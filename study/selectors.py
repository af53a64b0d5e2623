"""The learner's reads that are more than one queryset: the catalogue, progress per exam, the
review of a finished session, what session sources draw on (seen, missed, bookmarked, flagged,
due, a session to retake), and how a finished session's score is shown on every page."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from fsrs import Rating

from exams.models import Exam
from exams.selectors import servable_counts
from study.models import Bookmark, ExamProgress, ReviewCard, SessionItem, StudySession
from study.progress import progress_catch_up
from study.scheduling import reviews_due_by


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
        by_id = {c.pk: c for c in item.question.choices.all()}
        shown = item.question.kind.review_order([by_id[pk] for pk in item.choice_order if pk in by_id])
        result.append({
            "item": item, "question": item.question, "choices": shown, "picked_ids": item.picked_choice_ids,
            "summary": item.answer_summary(by_id),
        })
    return result


@dataclass(frozen=True)
class Score:
    """A finished session's score as every page shows it: an exam simulation's scaled score with
    pass or fail, practice's share correct. `scored` leaves out the questions the learner's plan
    did not let them answer (study.services.submit)."""

    mode: str
    correct: int
    scored: int
    unscored: int
    scaled: int | None
    passed: bool | None

    @property
    def is_scaled(self) -> bool:
        return self.mode == StudySession.Mode.EXAM

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.scored) if self.scored else None


def session_score(session: StudySession) -> Score | None:
    if not session.is_finished or session.correct_count is None:
        return None
    unscored = (session.report or {}).get("unscored", 0)
    return Score(mode=session.mode, correct=session.correct_count, scored=session.question_total - unscored,
                 unscored=unscored, scaled=session.scaled_score, passed=session.passed)


def with_scores(sessions: Iterable[StudySession]) -> list[StudySession]:
    """The sessions, each with `score` (None until finished), for the score partial
    (templates/study/results.html#score)."""
    sessions = list(sessions)
    for session in sessions:
        session.score = session_score(session)
    return sessions


SLOWEST_SHOWN = 5


def results_details(*, session: StudySession) -> dict:
    """What a finished session's results add to its score, from one narrow query of its items:
    time per question (the average and the slowest), confidence against correctness (confident
    and wrong first), and how many questions a retake would ask again."""
    rows = list(session.items.order_by("position").values_list(
        "position", "response", "is_correct", "time_spent_seconds", "confidence", "question__objective__number"))
    answered = [r for r in rows if r[1] is not None]
    slowest = sorted(answered, key=lambda r: (-r[3], r[0]))[:SLOWEST_SHOWN]
    levels = [*SessionItem.Confidence.choices[::-1], (None, "Not rated")]  # Certain first
    confidence = [
        {"label": label, "right": sum(1 for r in answered if r[4] == level and r[2]),
         "wrong": sum(1 for r in answered if r[4] == level and not r[2])}
        for level, label in levels
    ]
    sure_but_wrong = sorted((r for r in answered if not r[2] and r[4] in (SessionItem.Confidence.HIGH,
                                                                          SessionItem.Confidence.MEDIUM)),
                            key=lambda r: (-r[4], r[0]))
    answering_seconds = sum(r[3] for r in rows)
    return {
        "answering_seconds": answering_seconds,
        "average_seconds": round(answering_seconds / len(answered)) if answered else None,
        "slowest": [{"position": r[0], "seconds": r[3], "correct": r[2], "objective": r[5]} for r in slowest],
        "confidence": confidence,
        "rated": any(r[4] is not None for r in answered),
        "sure_but_wrong": [{"position": r[0], "confidence": SessionItem.Confidence(r[4]).label, "objective": r[5]}
                           for r in sure_but_wrong],
        "to_retake": sum(1 for r in rows if not r[2]),
    }


MOCKS_SHOWN = 20


def mock_scores(*, user, exam: Exam) -> list[StudySession]:
    """The learner's finished exam simulations of this exam, oldest first (the last MOCKS_SHOWN)."""
    recent = (StudySession.objects.finished().filter(user=user, exam=exam, mode=StudySession.Mode.EXAM)
              .order_by("-submitted_at").only("pk", "exam_id", "submitted_at", "scaled_score", "passed")[:MOCKS_SHOWN])
    return list(reversed(recent))


def seen_probe(*, user, since=None):
    """A probe for selection: which of these candidate questions has the learner answered
    (since a time, or ever)? It asks about the candidates only, never the whole history."""

    def probe(candidate_ids: list[int]) -> set[int]:
        answered = SessionItem.objects.filter(session__user=user, question_id__in=candidate_ids, response__isnull=False)
        if since is not None:
            answered = answered.filter(answered_at__gte=since)
        return set(answered.order_by().values_list("question_id", flat=True))

    return probe


def answered_question_ids(*, user, exam: Exam, since=None):
    """The questions of this exam the learner has answered (since a time, or ever), as a subquery."""
    answered = SessionItem.objects.filter(session__user=user, session__exam=exam, response__isnull=False)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
    return answered.values("question_id")


def missed_question_ids(*, user, exam: Exam) -> set[int]:
    """Questions whose latest answer by this learner was wrong (their review card says Again)."""
    return set(
        ReviewCard.objects.filter(user=user, exam=exam, last_rating=int(Rating.Again)).values_list("question_id", flat=True)
    )


def bookmarked_question_ids(*, user, exam: Exam) -> set[int]:
    return set(Bookmark.objects.filter(user=user, question__exam=exam).values_list("question_id", flat=True))


def flagged_question_ids(*, user, exam: Exam) -> set[int]:
    """Questions the learner flagged in any session of this exam."""
    return set(SessionItem.objects.filter(session__user=user, session__exam=exam, flagged=True)
               .values_list("question_id", flat=True))


def retake_question_ids(*, user, exam: Exam, session_id: int | None) -> set[int]:
    """The wrong or unanswered questions of one of the learner's finished sessions of this exam."""
    return set(
        SessionItem.objects.filter(session_id=session_id, session__user=user, session__exam=exam,
                                   session__status=StudySession.Status.SUBMITTED)
        .exclude(is_correct=True).values_list("question_id", flat=True)
    )


def due_question_ids(*, user, exam: Exam, now=None) -> list[int]:
    """Questions whose FSRS review is due today (before the learner's midnight), most overdue first."""
    return list(
        ReviewCard.objects.filter(user=user, exam=exam, due__lt=reviews_due_by(user, now or timezone.now()))
        .order_by("due")
        .values_list("question_id", flat=True)
    )
