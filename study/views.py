import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from billing.entitlements import entitlements_for
from billing.views import upgrade_required
from exams.models import Question
from exams.selectors import attach_cached_choices, exam_blueprint
from pingtopass.db.prepared import PreparedQuery
from pingtopass.faults import saves, saving
from pingtopass.params import int_param
from pingtopass.ratelimit import rate_limited
from study import selectors
from study.dashboard import dashboard_for, objective_mastery_for
from study.estimator import MIN_ANSWERS_FOR_MASTERY
from study.forms import BookmarkForm, FeedbackForm, PracticeStartForm
from study.grading import InvalidAnswer
from study.models import Bookmark, SessionItem, StudySession
from study.services import (
    NothingToStudy,
    SessionError,
    SessionExpired,
    SessionRequest,
    UpgradeRequired,
    answer_record,
    bookmark_set,
    feedback_report,
    item_flag,
    item_mark_shown,
    session_expire_if_due,
    session_start,
    session_submit,
    simulation_shape,
)


# --- access helpers: only what the user may see, everything else is a 404 -------------------
def _get_session_for_user(request, pk: int) -> StudySession:
    session = get_object_or_404(StudySession.objects.select_related("exam"), pk=pk, user=request.user)
    session.user = request.user  # the same row: services that read session.user need no second query
    return session_expire_if_due(session=session)


def _entitlements(request):
    """The signed-in learner's plan, worked out once per request (answering and drawing the card
    both ask; answer_record keeps its count of today's answers current)."""
    if not hasattr(request, "_entitlements"):
        request._entitlements = entitlements_for(request.user)
    return request._entitlements


def _csrf_token(request) -> str:
    """One masked CSRF token for all a response draws: an answer draws two cards, and masking a
    token draws 32 characters from the operating system's randomness each time."""
    if not hasattr(request, "_csrf_token_masked"):
        request._csrf_token_masked = get_token(request)
    return request._csrf_token_masked


def _items(user_id: int):
    """Session items as the question card needs them: the question and its objective in the
    same query, the learner's bookmark on it as two columns, the choices from the cache."""
    bookmark = Bookmark.objects.filter(user_id=user_id, question=OuterRef("question_id"))
    return SessionItem.objects.select_related("question__objective").annotate(
        bookmarked=Exists(bookmark), bookmark_note=Subquery(bookmark.values("note")[:1])
    ).order_by()


# The card's two lookups, compiled once per process (pingtopass/db/prepared.py): every answer
# runs one of them twice, and building the query cost ten times what running it does.
_session_item = PreparedQuery(
    lambda user, session, position: _items(user).filter(session_id=session, position=position)[:1]
)
_session_item_with_session = PreparedQuery(
    lambda user, session, position: _items(user).select_related("session__exam").filter(
        session_id=session, session__user_id=user, position=position
    )[:1]
)


def _get_item(session: StudySession, position: int) -> SessionItem:
    found = _session_item(user=session.user_id, session=session.pk, position=position)
    if not found:
        raise Http404("No such question in this session.")
    item = found[0]
    item.session = session
    attach_cached_choices([item.question])
    return item


def _get_session_and_item(request, pk: int, position: int) -> tuple[StudySession, SessionItem | None]:
    """The learner's session and one of its items in one query (the two pages of every answer)."""
    found = _session_item_with_session(user=request.user.pk, session=pk, position=position)
    item = found[0] if found else None
    if item is None:
        return _get_session_for_user(request, pk), None
    session = item.session
    session.user = request.user
    session = session_expire_if_due(session=session)
    item.session = session
    attach_cached_choices([item.question])
    return session, item


def _redirect(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# --- dashboard ----------------------------------------------------------------------------
@login_required
def dashboard(request):
    context = dashboard_for(request.user)
    context["entitlements"] = _entitlements(request)
    if not context["exams"]:
        context["catalogue"] = selectors.exam_catalogue()
    return render(request, "study/dashboard.html", context)


# --- catalogue ----------------------------------------------------------------------------
def exam_list(request):
    exams = selectors.exam_catalogue()
    progress = selectors.learner_progress_by_exam(user=request.user) if request.user.is_authenticated else {}
    cards = [{"exam": exam, "progress": progress.get(exam.pk)} for exam in exams]
    return render(request, "study/exam_list.html", {"cards": cards})


def exam_detail(request, code):
    exam = selectors.exam_for_learner(code)
    return _render_exam_detail(request, exam, PracticeStartForm(exam=exam))


@functools.cache
def blank_start_fields() -> dict[str, str]:
    """The start form's fields other than objectives, blank, rendered once per process: Django
    renders each widget through a template of its own, about a third of the exam page's
    rendering. A form that comes back with errors is rendered as usual."""
    form = PracticeStartForm(exam=None)
    return {part: mark_safe(render_to_string(f"study/partials/start_fields.html#{part}", {"form": form}))  # noqa: S308 -- Django's own widget rendering, escaped
            for part in ("mode", "settings")}


def blueprint_parts(domains, picked: frozenset[str] = frozenset()) -> dict[str, str]:
    """The exam page's objective checkboxes and blueprint chart, drawn from the blueprint alone
    (and the objectives a returned form had picked). With none picked they are kept per process
    and per blueprint: the blueprint's value is the key, so an edited blueprint draws afresh.
    They were about a third of the exam page's template work."""
    domains = tuple(domains)
    return _blank_blueprint_parts(domains) if not picked else _blueprint_parts(domains, picked)


def _blueprint_parts(domains: tuple, picked: frozenset[str]) -> dict[str, str]:
    context = {"domains": domains, "picked_objectives": picked}
    return {part.replace("-", "_"): mark_safe(render_to_string(f"study/exam_detail.html#{part}", context))  # noqa: S308 -- rendered by the template, escaped
            for part in ("objective-choices", "blueprint-chart")}


@functools.lru_cache(maxsize=64)
def _blank_blueprint_parts(domains: tuple) -> dict[str, str]:
    return _blueprint_parts(domains, frozenset())


def _render_exam_detail(request, exam, form, status=200):
    sim_count, sim_minutes = simulation_shape(exam, exam.servable_count)
    entitlements = _entitlements(request)
    context = {
        "exam": exam,
        "entitlements": entitlements,
        "simulations_left": entitlements.simulations_left(exam) if request.user.is_authenticated else None,
        **blueprint_parts(exam_blueprint(exam), frozenset(str(pk) for pk in form["objectives"].value() or ())),
        "form": form,
        "blank_fields": blank_start_fields() if not form.is_bound else None,
        "sim_count": sim_count,
        "sim_minutes": sim_minutes,
        "history": (
            StudySession.objects.for_user(request.user).filter(exam=exam)[:10] if request.user.is_authenticated else []
        ),
        "seconds_per_question": round(exam.duration_minutes * 60 / exam.question_count),
        "mastery": objective_mastery_for(request.user, exam) if request.user.is_authenticated else [],
        "min_mastery_answers": MIN_ANSWERS_FOR_MASTERY,
    }
    return render(request, "study/exam_detail.html", context, status=status)


# One-click starts (exam page and dashboard buttons) that need no form.
QUICK_STARTS = {
    StudySession.Mode.EXAM: SessionRequest(mode=StudySession.Mode.EXAM),
    StudySession.Mode.ADAPTIVE: SessionRequest(mode=StudySession.Mode.ADAPTIVE, count=20),
    "missed": SessionRequest(mode=StudySession.Mode.PRACTICE, count=25, source="missed"),
    "due": SessionRequest(mode=StudySession.Mode.PRACTICE, count=50, source="due"),
}


@require_POST
@login_required
def session_create(request, code):
    exam = selectors.exam_for_learner(code)
    quick = QUICK_STARTS.get(request.POST.get("quick") or request.POST.get("mode", ""))
    if quick is not None:
        session_request = quick
        form = PracticeStartForm(exam=exam)
    else:
        form = PracticeStartForm(request.POST, exam=exam)
        if not form.is_valid():
            return _render_exam_detail(request, exam, form, status=400)
        session_request = form.to_request()
    back = reverse("study:dashboard") if request.POST.get("back") == "dashboard" else exam.get_absolute_url()
    try:
        session = session_start(user=request.user, exam=exam, request=session_request, reuse_recent=True)
    except UpgradeRequired as exc:
        return upgrade_required(request, str(exc), feature=exc.feature, back_url=back)
    except NothingToStudy as exc:
        if quick is not None:
            messages.info(request, str(exc) if quick.source == "all" else {
                "missed": "Nothing missed right now: every question you got wrong you have since answered right.",
                "due": "No reviews are due today. Come back tomorrow, or practise something new.",
            }[quick.source])
            return redirect(back)
        form.add_error(None, str(exc))
        return _render_exam_detail(request, exam, form, status=400)
    return redirect(session.get_absolute_url())


# --- sessions -----------------------------------------------------------------------------
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
    return render(request, "study/session_list.html", {"unfinished": unfinished, "finished": page})


@login_required
def session_resume(request, pk):
    session = _get_session_for_user(request, pk)
    if session.is_finished:
        return redirect("study:results", pk=session.pk)
    return redirect("study:question", pk=session.pk, position=session.current_position)


def _neighbours(session: StudySession, item: SessionItem) -> tuple[int | None, int | None]:
    """The positions before and after this question in its session, None at either end."""
    return (item.position - 1 if item.position > 1 else None,
            item.position + 1 if item.position < session.question_total else None)


def card_urls(session: StudySession, item: SessionItem) -> dict[str, str]:
    """The question card's addresses from two reverses, not one per link: a question's actions
    live beneath its own address, and the session's other questions beside it (study/urls.py).
    Reversing cost as much as the rest of a line of the card, and an exam's grid has 90 links."""
    here = item.get_absolute_url()
    siblings = here.removesuffix(f"{item.position}/")
    prev_position, next_position = _neighbours(session, item)
    return {
        "here": here, "answer": here + "answer/", "flag": here + "flag/", "bookmark": here + "bookmark/",
        "report": here + "report/", "finish": reverse("study:submit_review", args=[session.pk]),
        "prev": f"{siblings}{prev_position}/" if prev_position else "",
        "next": f"{siblings}{next_position}/" if next_position else "",
        "question": siblings + "{}/",
    }


def _question_context(request, session: StudySession, item: SessionItem, error: str = "", posted=None) -> dict:
    """What the question card shows; `posted` (a refused answer's form) is drawn as the learner
    left it, not as last saved."""
    question = item.question
    choices = {c.pk: c for c in question.choices.all()}
    shown = [choices[pk] for pk in item.choice_order if pk in choices]
    reveal = item.is_answered and session.reveals_correctness
    picked_ids = item.picked_choice_ids
    bookmark = {"note": item.bookmark_note or ""} if item.bookmarked else None
    entitlements = _entitlements(request)
    grid = list(session.items.values("position", "flagged", "response")) if not session.gives_instant_feedback else []
    urls = card_urls(session, item)
    prev_position, next_position = _neighbours(session, item)
    display = [
        {"index": i, "letter": chr(65 + i), "choice": c, "picked": c.pk in picked_ids,
         "position": item.ordering_position(c.pk), "match": item.matching_index(c.pk)}
        for i, c in enumerate(shown)
    ]
    if posted is not None:
        picks = set(posted.getlist("choice"))
        for d in display:
            d["picked"] = str(d["index"]) in picks
            d["match"] = int_param(posted.get(f"match-{d['index']}"))
            d["position"] = int_param(posted.get(f"pos-{d['index']}"))
    if question.type == Question.Type.ORDERING and (item.is_answered or posted is not None):
        # Steps are drawn in the learner's order so moving one step keeps the others.
        display.sort(key=lambda d: d["position"] or 0)
    context = {
        "session": session,
        "item": item,
        "question": question,
        "display": display,
        "match_options": [(i, choices[pk].match_text) for i, pk in enumerate(item.match_order) if pk in choices],
        "positions": range(1, len(shown) + 1),
        "reveal": reveal,
        "choices": sorted(shown, key=lambda c: (c.position, c.pk)) if question.type == Question.Type.ORDERING else shown,
        "picked_ids": picked_ids,
        "item_summary": item.answer_summary(choices) if reveal else [],
        "bookmark": bookmark,
        "grid": [{"position": g["position"], "flagged": g["flagged"], "answered": g["response"] is not None,
                  "url": urls["question"].format(g["position"])} for g in grid],
        "urls": urls,
        "prev_position": prev_position,
        "next_position": next_position,
        "seconds_left": session.seconds_left(),
        "error": error,
        "feedback_fields": FeedbackForm.blank_html(),
        "locked": session.is_finished or (item.is_answered and session.gives_instant_feedback),
        "touched": posted is not None and posted.get("touched") == "1",
        "entitlements": entitlements,
        "csrf_token": _csrf_token(request),
        "allowance_applies": entitlements.counts_against_allowance(session),
        "limit_message": "" if session.is_finished else entitlements.can_answer(item).message,
    }
    # Where answers can change until the end, moving between questions saves the card on the way.
    context["saves_on_nav"] = not (context["locked"] or session.gives_instant_feedback or context["limit_message"])
    return context


def _render_question(request, session, item, error="", status=200, posted=None, upcoming=""):
    context = _question_context(request, session, item, error, posted=posted)
    context["upcoming"] = upcoming
    template = "study/question.html#session-main" if request.htmx else "study/question.html"
    response = render(request, template, context, status=status)
    if request.htmx:
        response["HX-Push-Url"] = context["urls"]["here"]
    return response


@login_required
def question_view(request, pk, position):
    session, item = _get_session_and_item(request, pk, position)
    if session.is_finished:
        if session.expired:
            messages.error(request, "Time is up. Your session was submitted with the answers you had given.")
            return _redirect(request, reverse("study:results", args=[session.pk]))
        return _redirect(request, reverse("study:review", args=[session.pk]) + f"#q{position}")
    return _show_question(request, session, position, item)


def _show_question(request, session: StudySession, position: int, item: SessionItem | None = None):
    """Draw a question of the session for the learner, noting when it was first shown."""
    if item is None:
        item = _get_item(session, position)
    item_mark_shown(item=item)
    return _render_question(request, session, item)


def _upcoming_card(request, session: StudySession, item: SessionItem) -> str:
    """With instant feedback, the answered card carries the next question, drawn as its own
    page would draw it: Next then shows it at once, without another request (static/js/study.js).
    Answering already moved the session on to it (answer_record); its time is the one the page
    measures and sends with its answer. Without JavaScript, Next is a link as before."""
    if not (request.htmx and session.gives_instant_feedback and item.position < session.question_total):
        return ""
    upcoming = _get_item(session, item.position + 1)
    context = {**_question_context(request, session, upcoming), "prefetched": True}
    return render_to_string("study/question.html#session-main", context, request=request)


def _answer_given(question: Question, data) -> bool:
    """Did the learner pick anything on this card? Ordering steps always hold positions, so for
    them the page says whether a step was moved."""
    if question.type == Question.Type.ORDERING:
        return data.get("touched") == "1"
    if question.type == Question.Type.MATCHING:
        return any(data.get(key) for key in data if key.startswith("match-"))
    return bool(data.getlist("choice"))


def _answer_save(request, session: StudySession, item: SessionItem):
    """Record the posted answer: (the outcome, None), or (None, the response that says why not)."""
    try:
        with saving(request):
            outcome = answer_record(
                item=item, data=request.POST, client_seconds=request.POST.get("elapsed"),
                confidence=request.POST.get("confidence"), entitlements=_entitlements(request),
            )
    except SessionExpired as exc:
        messages.error(request, str(exc))
        return None, _redirect(request, reverse("study:results", args=[session.pk]))
    except InvalidAnswer as exc:
        return None, _render_question(request, session, item, error=str(exc), status=422, posted=request.POST)
    except UpgradeRequired as exc:
        # htmx leaves 4xx responses unswapped, so it reloads the question, which shows the limit.
        if request.htmx:
            return None, HttpResponseClientRedirect(item.get_absolute_url())
        return None, _render_question(request, session, item, error=str(exc), status=402)
    return outcome, None


def _answer_and_go(request, session: StudySession, item: SessionItem, go: str, flagged: bool | None = None):
    """Previous, next, the grid, "review" and Flag in exam simulation and timed practice: what is
    picked on the card is saved on the way, so moving on (or flagging) never drops an answer."""
    if _answer_given(item.question, request.POST):
        _, refused = _answer_save(request, session, item)
        if refused is not None:
            return refused
    if flagged is not None:
        item_flag(item=item, flagged=flagged)
    if go == "review":
        return _redirect(request, reverse("study:submit_review", args=[session.pk]))
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
    session, item = _get_session_and_item(request, pk, position)
    if session.is_finished:
        messages.error(request, "Time is up. Your session was submitted with the answers you had given." if session.expired
                       else "This session is already finished; its answers can no longer change.")
        return _redirect(request, reverse("study:results", args=[session.pk]))
    if item is None:
        raise Http404("No such question in this session.")
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
        card = _render_question(request, session, item, upcoming=_upcoming_card(request, session, item))
        return trigger_client_event(card, "answer-saved")
    return redirect(item.get_absolute_url())


@saves("the flag on this question", "changed")
@require_POST
@login_required
def flag_view(request, pk, position):
    session = _get_session_for_user(request, pk)
    item = _get_item(session, position)
    try:
        with saving(request):
            item_flag(item=item, flagged=request.POST.get("flagged") == "1")
    except SessionError as exc:
        messages.error(request, str(exc))
        return _redirect(request, reverse("study:results", args=[session.pk]))
    if request.htmx:
        return _render_question(request, session, item)
    return redirect(item.get_absolute_url())


@saves("your bookmark", "changed")
@require_POST
@login_required
def bookmark_view(request, pk, position):
    session = get_object_or_404(StudySession, pk=pk, user=request.user)
    session.user = request.user
    item = _get_item(session, position)
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Notes can be at most 2,000 characters.")
    else:
        with saving(request):
            bookmark = bookmark_set(user=request.user, question=item.question,
                                    bookmarked=form.cleaned_data["bookmarked"], note=form.cleaned_data["note"])
        item.bookmarked, item.bookmark_note = bookmark is not None, bookmark.note if bookmark else None
        messages.success(request, "Bookmarked." if form.cleaned_data["bookmarked"] else "Bookmark removed.")
    return _after_side_action(request, session, item)


@require_POST
@login_required
@rate_limited("feedback")
def report_view(request, pk, position):
    session = get_object_or_404(StudySession, pk=pk, user=request.user)
    session.user = request.user
    item = _get_item(session, position)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        feedback_report(user=request.user, question=item.question, kind=form.cleaned_data["kind"],
                        message=form.cleaned_data["message"])
        messages.success(request, "Thanks — a moderator will look at your report.")
    else:
        messages.error(request, "Report not sent: " + " ".join(e for errs in form.errors.values() for e in errs))
    return _after_side_action(request, session, item)


def _after_side_action(request, session, item):
    if session.is_finished:
        return _redirect(request, reverse("study:review", args=[session.pk]) + f"#q{item.position}")
    if request.htmx:
        return _render_question(request, session, item)
    return redirect(item.get_absolute_url())


@login_required
def submit_review_view(request, pk):
    """The review screen before submitting: every question, answered or not, flagged or not."""
    session = _get_session_for_user(request, pk)
    if session.is_finished:
        return redirect("study:results", pk=session.pk)
    items = list(session.items.values("position", "flagged", "response"))
    unanswered = sum(1 for i in items if i["response"] is None)
    flagged = sum(1 for i in items if i["flagged"])
    grid = [{"position": i["position"], "flagged": i["flagged"], "answered": i["response"] is not None} for i in items]
    return render(request, "study/submit_review.html", {
        "session": session, "grid": grid, "unanswered": unanswered, "flagged": flagged,
        "seconds_left": session.seconds_left(),
    })


@saves("your session", "submitted")
@require_POST
@login_required
def submit_view(request, pk):
    session = _get_session_for_user(request, pk)
    with saving(request):
        session_submit(session=session)
    return _redirect(request, reverse("study:results", args=[session.pk]))


@login_required
def results_view(request, pk):
    session = _get_session_for_user(request, pk)
    if not session.is_finished:
        return redirect("study:submit_review", pk=session.pk)
    threshold = round(100 * session.exam.passing_fraction)
    return render(request, "study/results.html", {"session": session, "exam": session.exam, "threshold": threshold})


REVIEW_FILTERS = {"all": "All", "wrong": "Wrong or unanswered", "flagged": "Flagged", "correct": "Correct"}


@login_required
def review_view(request, pk):
    session = _get_session_for_user(request, pk)
    if not session.is_finished:
        messages.info(request, "Review opens when the session is finished.")
        return redirect("study:session_resume", pk=session.pk)
    show = request.GET.get("show", "all")
    if show not in REVIEW_FILTERS:
        show = "all"
    items = selectors.review_items(session=session, show=show)
    return render(request, "study/review.html", {
        "session": session, "items": items, "show": show, "filters": REVIEW_FILTERS,
        "bookmarked_ids": set(Bookmark.objects.filter(user=request.user, question_id__in=[i["item"].question_id for i in items]).values_list("question_id", flat=True)),
        "feedback_fields": FeedbackForm.blank_html(),
    })
