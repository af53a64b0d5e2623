"""A learner's sessions: the list, resuming one, the review before submitting, submitting,
results, and the review of a finished session."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingtopass.faults import saves, saving
from pingtopass.params import int_param
from pingtopass.redirects import redirect_to
from study import selectors
from study.models import Bookmark, StudySession
from study.rendered import blank_feedback_fields
from study.services import session_expire_if_due, session_submit
from study.views.access import session_for_user

UNFINISHED_SHOWN = 100
FINISHED_PER_PAGE = 50


@login_required
def session_list(request):
    mine = StudySession.objects.for_user(request.user).select_related("exam")
    open_sessions = [session_expire_if_due(session=s) for s in mine.unfinished()[:UNFINISHED_SHOWN]]
    answered = selectors.answered_counts(session_ids=[s.pk for s in open_sessions if not s.is_finished])
    unfinished = [{"session": s, "answered": answered.get(s.pk, 0)} for s in open_sessions if not s.is_finished]
    page = Paginator(mine.exclude(status=StudySession.Status.IN_PROGRESS).order_by("-submitted_at", "-pk"),
                     FINISHED_PER_PAGE).get_page(int_param(request.GET.get("page"), default=1))
    page.object_list = selectors.with_scores(page.object_list)
    return render(request, "study/session_list.html", {"unfinished": unfinished, "finished": page})


@login_required
def session_resume(request, pk):
    session = session_for_user(request, pk)
    if session.is_finished:
        return redirect("study:results", pk=session.pk)
    return redirect("study:question", pk=session.pk, position=session.current_position)


@login_required
def submit_review_view(request, pk):
    """The review screen before submitting: every question, answered or not, flagged or not."""
    session = session_for_user(request, pk)
    if session.is_finished:
        return redirect("study:results", pk=session.pk)
    items = list(session.items.values("position", "flagged", "response"))
    grid = [{"position": i["position"], "flagged": i["flagged"], "answered": i["response"] is not None} for i in items]
    return render(request, "study/submit_review.html", {
        "session": session, "grid": grid, "unanswered": sum(1 for g in grid if not g["answered"]),
        "flagged": sum(1 for g in grid if g["flagged"]), "seconds_left": session.seconds_left(),
    })


@saves("your session", "submitted")
@require_POST
@login_required
def submit_view(request, pk):
    session = session_for_user(request, pk)
    with saving(request):
        session_submit(session=session)
    return redirect_to(request, reverse("study:results", args=[session.pk]))


@login_required
def results_view(request, pk):
    session = session_for_user(request, pk)
    if not session.is_finished:
        return redirect("study:submit_review", pk=session.pk)
    exam = session.exam
    return render(request, "study/results.html", {
        "session": session, "exam": exam, "threshold": round(100 * exam.passing_fraction),
        "score": selectors.session_score(session), "details": selectors.results_details(session=session),
        "seconds_per_question": round(exam.duration_minutes * 60 / exam.question_count),
    })


REVIEW_FILTERS = {"all": "All", "wrong": "Wrong or unanswered", "flagged": "Flagged", "correct": "Correct"}


@login_required
def review_view(request, pk):
    session = session_for_user(request, pk)
    if not session.is_finished:
        messages.info(request, "Review opens when the session is finished.")
        return redirect("study:session_resume", pk=session.pk)
    show = request.GET.get("show", "all")
    if show not in REVIEW_FILTERS:
        show = "all"
    items = selectors.review_items(session=session, show=show)
    question_ids = [i["item"].question_id for i in items]
    return render(request, "study/review.html", {
        "session": session, "items": items, "show": show, "filters": REVIEW_FILTERS,
        "bookmarked_ids": set(Bookmark.objects.filter(user=request.user, question_id__in=question_ids)
                              .values_list("question_id", flat=True)),
        "feedback_fields": blank_feedback_fields(),
    })
