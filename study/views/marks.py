"""Marks a learner puts on a question from its card or the review: a flag, a bookmark with a
note, a report to moderators. Each goes through the same access check as the card."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingtopass.faults import saves, saving
from pingtopass.params import int_param
from pingtopass.ratelimit import rate_limited
from pingtopass.redirects import redirect_to
from study.forms import BookmarkForm, FeedbackForm
from study.services import SessionError, bookmark_set, feedback_report, item_flag, item_strike
from study.views.access import item_of, session_for_user
from study.views.card import render_card


@saves("the flag on this question", "changed")
@require_POST
@login_required
def flag_view(request, pk, position):
    """Flag a question for review, or unflag it. The page's script sends the flag alone and expects
    204, so nothing picked on the card is lost, or saved: with instant feedback an answer is final.
    Without script the card comes back flagged. (Where answers can change until the end, Flag is a
    button of the answer form instead, and saves the pick with the flag: answer_view.)"""
    session = session_for_user(request, pk)
    item = item_of(session, position)
    alone = bool(request.headers.get("X-Flag-Only"))
    try:
        with saving(request):
            item_flag(item=item, flagged=request.POST.get("flagged") == "1")
    except SessionError as exc:
        if alone:
            return HttpResponse(str(exc), status=409, content_type="text/plain")
        messages.error(request, str(exc))
        return redirect_to(request, reverse("study:results", args=[session.pk]))
    if alone:
        return HttpResponse(status=204)
    if request.htmx:
        return render_card(request, session, item)
    return redirect(item.get_absolute_url())


@saves("your bookmark", "changed")
@require_POST
@login_required
def bookmark_view(request, pk, position):
    session = session_for_user(request, pk)
    item = item_of(session, position)
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Notes can be at most 2,000 characters.")
    else:
        with saving(request):
            bookmark = bookmark_set(user=request.user, question=item.question,
                                    bookmarked=form.cleaned_data["bookmarked"], note=form.cleaned_data["note"])
        item.bookmarked, item.bookmark_note = bookmark is not None, bookmark.note if bookmark else None
        messages.success(request, "Bookmarked." if form.cleaned_data["bookmarked"] else "Bookmark removed.")
    return _back_to_question(request, session, item)


@require_POST
@login_required
@rate_limited("feedback")
def report_view(request, pk, position):
    session = session_for_user(request, pk)
    item = item_of(session, position)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        feedback_report(user=request.user, question=item.question, kind=form.cleaned_data["kind"],
                        message=form.cleaned_data["message"])
        messages.success(request, "Thanks — a moderator will look at your report.")
    else:
        messages.error(request, "Report not sent: " + " ".join(e for errs in form.errors.values() for e in errs))
    return _back_to_question(request, session, item)


@saves("the struck-out choice", "changed")
@require_POST
@login_required
def strike_view(request, pk, position):
    """Strike out a choice, or bring it back. The page's script sends it alone and expects 204;
    without script it is a button of the answer form, and the card comes back with what was
    picked on it, unsaved but not lost."""
    session = session_for_user(request, pk)
    item = item_of(session, position)
    try:
        with saving(request):
            item_strike(item=item, index=int_param(request.POST.get("strike"), default=-1))
    except SessionError as exc:
        if request.headers.get("X-Strike-Only"):
            return HttpResponse(str(exc), status=409, content_type="text/plain")
        messages.error(request, str(exc))
    if request.headers.get("X-Strike-Only"):
        return HttpResponse(status=204)
    return render_card(request, session, item, posted=request.POST)


def _back_to_question(request, session, item):
    if session.is_finished:
        return redirect_to(request, reverse("study:review", args=[session.pk]) + f"#q{item.position}")
    if request.htmx:
        return render_card(request, session, item)
    return redirect(item.get_absolute_url())
