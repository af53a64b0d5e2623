"""Where the question card is drawn and answered: showing a question, saving an answer (and
moving on with it in exam simulation and timed practice). The card's markup is
templates/study/card.jinja (inside the page templates/study/question.html), with each question
type's inputs and review from templates/questions/ (exams/question_types)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from billing.paywall import allowance_note, pricing_url
from exams.question_types import InvalidAnswer
from pingtopass.faults import saves, saving
from pingtopass.fragments import fragment
from pingtopass.params import int_param
from pingtopass.ratelimit import rate_limited
from pingtopass.redirects import redirect_to
from study.models import CONFIDENCE_CHOICES, SessionItem, StudySession
from study.rendered import blank_feedback_fields
from study.services import (
    SessionError,
    SessionExpired,
    UpgradeRequired,
    answer_record,
    item_flag,
    item_mark_shown,
    session_pause,
    session_unpause,
)
from study.views.access import csrf_token_of, item_of, plan_of, session_for_user, session_item_for_user

TIME_UP = "Time is up. Your session was submitted with the answers you had given."


def _neighbours(session: StudySession, item: SessionItem) -> tuple[int | None, int | None]:
    """The positions before and after this question in its session, None at either end."""
    return (item.position - 1 if item.position > 1 else None,
            item.position + 1 if item.position < session.question_total else None)


def card_urls(session: StudySession, item: SessionItem) -> dict[str, str]:
    """The question card's addresses from two reverses, not one per link: a question's actions
    live beneath its own address, and the session's other questions beside it (study/urls.py).
    An exam's grid has 90 links."""
    here = item.get_absolute_url()
    siblings = here.removesuffix(f"{item.position}/")
    prev_position, next_position = _neighbours(session, item)
    if session.forward_only:
        prev_position = None
    return {
        "here": here, "answer": here + "answer/", "flag": here + "flag/", "bookmark": here + "bookmark/",
        "report": here + "report/", "strike": here + "strike/", "cli": here + "cli/",
        "finish": reverse("study:submit_review", args=[session.pk]),
        "prev": f"{siblings}{prev_position}/" if prev_position else "",
        "next": f"{siblings}{next_position}/" if next_position else "",
        "question": siblings + "{}/",
    }


def card_context(request, session: StudySession, item: SessionItem, error: str = "", posted=None) -> dict:
    """What the question card shows; `posted` (a refused answer's form) is drawn as the learner
    left it, not as last saved."""
    question = item.question
    kind = question.kind
    choices = {c.pk: c for c in question.choices.all()}
    shown = [choices[pk] for pk in item.choice_order if pk in choices]
    reveal = item.is_answered and session.reveals_correctness
    entitlements = plan_of(request)
    urls = card_urls(session, item)
    prev_position, next_position = _neighbours(session, item)
    if session.forward_only:
        prev_position = None
    grid = list(session.items.values("position", "flagged", "response")) if not (
        session.gives_instant_feedback or session.forward_only) else []
    locked = session.is_finished or (item.is_answered and session.gives_instant_feedback)
    limit_message = "" if session.is_finished else entitlements.can_answer(item).message
    allowance_applies = entitlements.counts_against_allowance(session)
    return {
        "session": session,
        "item": item,
        "question": question,
        "kind": kind,
        "title": f"Question {item.position} of {session.question_total} · {session.exam.code} "
                 f"{session.get_mode_display().lower()}",
        "badge": kind.badge_for(question),
        "done_share": round(100 * item.position / session.question_total) if session.question_total else 0,
        "rows": kind.card_rows(shown, response=item.response, match_order=item.match_order, posted=posted,
                               struck=item.struck),
        "positions": range(1, len(shown) + 1),
        "match_options": [(i, choices[pk].match_text) for i, pk in enumerate(item.match_order) if pk in choices],
        "reveal": reveal,
        "choices": kind.review_order(shown),
        "picked_ids": item.picked_choice_ids,
        "marks": kind.review_marks(shown, item.response) if reveal else {},
        "board": kind.board(question, response=item.response, posted=posted, reveal=reveal, draft=item.draft),
        "item_summary": item.answer_summary(choices) if reveal else [],
        "bookmark": {"note": item.bookmark_note or ""} if item.bookmarked else None,
        "grid": [{"position": g["position"], "flagged": g["flagged"], "answered": g["response"] is not None,
                  "url": urls["question"].format(g["position"])} for g in grid],
        "urls": urls,
        "strike_url": urls["strike"],
        "prev_position": prev_position,
        "next_position": next_position,
        "seconds_left": session.seconds_left(),
        "error": error,
        "feedback_fields": blank_feedback_fields(),
        "locked": locked,
        "touched": posted is not None and posted.get("touched") == "1",
        "entitlements": entitlements,
        "csrf_token": csrf_token_of(request),
        "allowance_applies": allowance_applies,
        "allowance_note": allowance_note(entitlements) if allowance_applies and not session.is_finished else "",
        "pricing_url": pricing_url(),
        "confidence_choices": CONFIDENCE_CHOICES,
        "limit_message": limit_message,
        "messages": get_messages(request) if request.htmx else (),  # a full page's layout says them
        "prefetched": False,
        "upcoming": "",
        # Where answers can change until the end, moving between questions saves the card on the way.
        "saves_on_nav": not (locked or session.gives_instant_feedback or limit_message),
    }


def render_card(request, session, item, error="", status=200, posted=None, upcoming=""):
    """The card alone for htmx (it swaps #session-main), or the whole question page."""
    context = card_context(request, session, item, error, posted=posted)
    context["upcoming"] = upcoming
    card = fragment("study/card.jinja", **context)
    if request.htmx:
        response = HttpResponse(card, status=status)
        response["HX-Push-Url"] = context["urls"]["here"]
        return response
    return render(request, "study/question.html", {
        "session": session, "item": item, "urls": context["urls"], "seconds_left": context["seconds_left"], "card": card,
        "title": context["title"],
    }, status=status)


@login_required
def question_view(request, pk, position):
    session, item = session_item_for_user(request, pk, position)
    if session.is_finished:
        if session.expired:
            messages.error(request, TIME_UP)
            return redirect_to(request, reverse("study:results", args=[session.pk]))
        return redirect_to(request, reverse("study:review", args=[session.pk]) + f"#q{position}")
    if session.is_paused:
        return render(request, "study/paused.html", {"session": session, "position": position})
    if session.forward_only and session.current_position and position < session.current_position:
        messages.info(request, "This exam moves forward only, as the real one does: earlier questions cannot be reopened.")
        return redirect_to(request, reverse("study:question", args=[session.pk, session.current_position]))
    return _show_question(request, session, position, item)


@saves("the pause", "changed")
@require_POST
@login_required
def pause_view(request, pk):
    """Stop timed practice's clock; the questions stay hidden until it resumes."""
    session = session_for_user(request, pk)
    try:
        with saving(request):
            session_pause(session=session)
    except SessionError as exc:
        messages.error(request, str(exc))
    return redirect_to(request, reverse("study:session_resume", args=[session.pk]))


@saves("the resumed clock", "changed")
@require_POST
@login_required
def unpause_view(request, pk):
    session = session_for_user(request, pk)
    with saving(request):
        session_unpause(session=session)
    return redirect_to(request, reverse("study:session_resume", args=[session.pk]))


def _show_question(request, session: StudySession, position: int, item: SessionItem | None = None):
    """Draw a question of the session for the learner, noting when it was first shown."""
    if item is None:
        item = item_of(session, position)
    item_mark_shown(item=item)
    return render_card(request, session, item)


def _upcoming_card(request, session: StudySession, item: SessionItem) -> str:
    """With instant feedback, the answered card carries the next question, drawn as its own
    page would draw it: Next then shows it at once, without another request (static/js/study.js).
    Answering already moved the session on to it (answer_record); its time is the one the page
    measures and sends with its answer. Without JavaScript, Next is a link as before."""
    if not (request.htmx and session.gives_instant_feedback and item.position < session.question_total):
        return ""
    upcoming = item_of(session, item.position + 1)
    return fragment("study/card.jinja", **{**card_context(request, session, upcoming), "prefetched": True})


def _answer_save(request, session: StudySession, item: SessionItem):
    """Record the posted answer: (the outcome, None), or (None, the response that says why not)."""
    try:
        with saving(request):
            outcome = answer_record(
                item=item, data=request.POST, client_seconds=request.POST.get("elapsed"),
                confidence=request.POST.get("confidence"), entitlements=plan_of(request),
            )
    except SessionExpired as exc:
        messages.error(request, str(exc))
        return None, redirect_to(request, reverse("study:results", args=[session.pk]))
    except InvalidAnswer as exc:
        return None, render_card(request, session, item, error=str(exc), status=422, posted=request.POST)
    except UpgradeRequired as exc:
        # htmx leaves 4xx responses unswapped, so it reloads the question, which shows the limit.
        if request.htmx:
            return None, HttpResponseClientRedirect(item.get_absolute_url())
        return None, render_card(request, session, item, error=str(exc), status=402)
    return outcome, None


def _answer_and_go(request, session: StudySession, item: SessionItem, go: str, flagged: bool | None = None):
    """Previous, next, the grid, "review" and Flag in exam simulation and timed practice: what is
    picked on the card is saved on the way, so moving on (or flagging) never drops an answer."""
    if item.question.kind.answer_given(request.POST):
        _, refused = _answer_save(request, session, item)
        if refused is not None:
            return refused
    if flagged is not None:
        item_flag(item=item, flagged=flagged)
    if go == "review":
        return redirect_to(request, reverse("study:submit_review", args=[session.pk]))
    target = int_param(go)
    target = target if target and 1 <= target <= session.question_total else item.position
    if request.htmx:
        return _show_question(request, session, target)
    return redirect(reverse("study:question", args=[session.pk, target]))


@saves("your answer")
@require_POST
@login_required
@rate_limited("answer")
def answer_view(request, pk, position):
    session, item = session_item_for_user(request, pk, position)
    if session.is_finished:
        messages.error(request, TIME_UP if session.expired
                       else "This session is already finished; its answers can no longer change.")
        return redirect_to(request, reverse("study:results", args=[session.pk]))
    if item is None:
        raise Http404("No such question in this session.")
    if session.is_paused:
        messages.info(request, "This session is paused: resume it to answer.")
        return redirect_to(request, item.get_absolute_url())
    go, flag = request.POST.get("go"), request.POST.get("flag")
    if flag in ("0", "1") and not session.gives_instant_feedback:
        go = str(item.position)  # Flag, a button of the answer form: save the pick, flag, stay
    if go is not None and not session.gives_instant_feedback:
        return _answer_and_go(request, session, item, go, flagged=None if flag is None else flag == "1")
    outcome, refused = _answer_save(request, session, item)
    if refused is not None:
        return refused
    item = outcome.item
    item.session = session
    advance = (
        not session.gives_instant_feedback and request.user.auto_advance and item.position < session.question_total
    )
    if advance:
        if request.htmx:
            return trigger_client_event(_show_question(request, session, item.position + 1), "answer-saved")
        return redirect(reverse("study:question", args=[session.pk, item.position + 1]))
    if request.htmx:
        card = render_card(request, session, item, upcoming=_upcoming_card(request, session, item))
        return trigger_client_event(card, "answer-saved")
    return redirect(item.get_absolute_url())
