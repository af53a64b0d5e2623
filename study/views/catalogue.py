"""The dashboard, the exam catalogue, an exam's page and the start of a session from it."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from billing.paywall import upgrade_required
from exams.selectors import exam_blueprint
from pingtopass.params import int_param
from study import selectors
from study.dashboard import dashboard_for, exam_standing, mock_score_chart
from study.estimator import MIN_ANSWERS_FOR_MASTERY
from study.forms import ExamDateForm, PracticeStartForm
from study.models import StudySession
from study.rendered import blank_start_fields, blueprint_parts
from study.services import NothingToStudy, SessionRequest, UpgradeRequired, session_start, simulation_shape
from study.services.start import start_capacity
from study.views.access import plan_of, session_for_user
from study.views.exam_date import exam_day_for


@login_required
def dashboard(request):
    context = dashboard_for(request.user)
    context["entitlements"] = plan_of(request)
    if not context["exams"]:
        context["catalogue"] = selectors.exam_catalogue()
    return render(request, "study/dashboard.html", context)


def exam_list(request):
    exams = selectors.exam_catalogue()
    progress = selectors.learner_progress_by_exam(user=request.user) if request.user.is_authenticated else {}
    cards = [{"exam": exam, "progress": progress.get(exam.pk)} for exam in exams]
    return render(request, "study/exam_list.html", {"cards": cards})


@vary_on_headers("HX-Request")
def exam_detail(request, code):
    exam = selectors.exam_for_learner(code)
    if request.htmx and request.GET.get("part") == "count":
        # The start form's sizes again, for the objectives, difficulty and source now chosen.
        form = _fit_to_filters(request, exam, _start_form(request, exam, request.GET))
        return render(request, "study/partials/start_fields.html#count", {"form": form, "refresh": True})
    return _render_exam_detail(request, exam, _start_form(request, exam))


def _start_form(request, exam, data=None) -> PracticeStartForm:
    """The start form, offering only sizes a session can hold: the exam's bank and a free
    learner's questions left today."""
    left = plan_of(request).questions_left_today if request.user.is_authenticated else None
    return PracticeStartForm(data, exam=exam, capacity=exam.servable_count, left_today=left)


def _fit_to_filters(request, exam, form: PracticeStartForm) -> PracticeStartForm:
    """The form's sizes fitted to the objectives, difficulty and source it holds (a few counting
    queries; none for the whole bank)."""
    filters = form.filters() if request.user.is_authenticated else None
    if filters is not None and filters != SessionRequest(mode=filters.mode):
        form.capacity = start_capacity(user=request.user, exam=exam, request=filters)
    return form


def _render_exam_detail(request, exam, form, status=200):
    sim_count, sim_minutes = simulation_shape(exam, exam.servable_count)
    entitlements = plan_of(request)
    signed_in = request.user.is_authenticated
    standing = exam_standing(request.user, exam) if signed_in else None
    context = {
        "exam": exam,
        "entitlements": entitlements,
        "simulations_left": entitlements.simulations_left(exam) if signed_in else None,
        **blueprint_parts(exam_blueprint(exam), frozenset(str(pk) for pk in form["objectives"].value() or ())),
        "form": form,
        "blank_fields": blank_start_fields() if not form.is_bound else None,
        "sim_count": sim_count,
        "sim_minutes": sim_minutes,
        "history": selectors.with_scores(StudySession.objects.for_user(request.user).filter(exam=exam)[:10])
        if signed_in else [],
        "seconds_per_question": round(exam.duration_minutes * 60 / exam.question_count),
        "standing": standing,
        "mocks": mock_score_chart(selectors.mock_scores(user=request.user, exam=exam), exam) if signed_in else None,
        "min_mastery_answers": MIN_ANSWERS_FOR_MASTERY,
    }
    if signed_in:
        context.update(_exam_day(request, exam, entitlements))
    return render(request, "study/exam_detail.html", context, status=status)


def _exam_day(request, exam, entitlements) -> dict:
    """The learner's exam day for this exam: the form, the day, and (Pro) the plan to be ready by then."""
    day, plan = exam_day_for(request.user, exam, with_plan=entitlements.can_see_readiness)
    return {"exam_day": day, "plan": plan, "date_form": ExamDateForm(initial={"exam_date": day})}


# One-click starts (exam page and dashboard buttons) that need no form.
QUICK_STARTS = {
    StudySession.Mode.EXAM: SessionRequest(mode=StudySession.Mode.EXAM),
    StudySession.Mode.ADAPTIVE: SessionRequest(mode=StudySession.Mode.ADAPTIVE, count=20),
    "missed": SessionRequest(mode=StudySession.Mode.PRACTICE, count=25, source="missed"),
    "due": SessionRequest(mode=StudySession.Mode.PRACTICE, count=50, source="due"),
    # Quick 10: adaptive practice's choice of due reviews and weakest objectives, as practice.
    "quick10": SessionRequest(mode=StudySession.Mode.PRACTICE, count=10, source="weak"),
    "marked": SessionRequest(mode=StudySession.Mode.PRACTICE, count=50, source="marked"),
}
NOTHING_QUICK = {
    "missed": "Nothing missed right now: every question you got wrong you have since answered right.",
    "due": "No reviews are due today. Come back tomorrow, or practise something new.",
    "marked": "Nothing missed, flagged or bookmarked yet: flag or bookmark questions as you go, and what you "
              "get wrong lands here too.",
    "retake": "Nothing to retake: the questions you got wrong are no longer in the bank.",
}


def _retake_request(request, exam) -> tuple[SessionRequest, str]:
    """Practice of a finished session's wrong or unanswered questions, and the way back (its
    results); a 404 for anything but one of the learner's finished sessions of this exam."""
    pk = int_param(request.POST.get("retake"))
    if pk is None:
        raise Http404("No such session.")
    finished = session_for_user(request, pk)
    if not finished.is_finished or finished.exam_id != exam.pk:
        raise Http404("No such session.")
    wrong = finished.question_total - (finished.correct_count or 0)
    session_request = SessionRequest(mode=StudySession.Mode.PRACTICE, count=max(wrong, 1), source="retake",
                                     from_session=finished.pk)
    return session_request, reverse("study:results", args=[finished.pk])


@require_POST
@login_required
def session_create(request, code):
    exam = selectors.exam_for_learner(code)
    quick = QUICK_STARTS.get(request.POST.get("quick") or request.POST.get("mode", ""))
    form = None
    back = reverse("study:dashboard") if request.POST.get("back") == "dashboard" else exam.get_absolute_url()
    if "retake" in request.POST:
        quick, back = _retake_request(request, exam)
    if quick is not None:
        session_request = quick
    else:
        form = _start_form(request, exam, request.POST)
        if not form.is_valid():
            return _render_exam_detail(request, exam, _fit_to_filters(request, exam, form), status=400)
        session_request = form.to_request()
    asked = session_request.count
    plan = plan_of(request)
    left = plan.questions_left_today if plan.counts_against_allowance(session_request) else None
    if left is not None and asked > left:
        # No more than the day's free questions left: a larger session would hide its choices
        # halfway through, while a timed session's clock runs on.
        session_request = replace(session_request, count=left)
    try:
        session = session_start(user=request.user, exam=exam, request=session_request, reuse_recent=True)
    except UpgradeRequired as exc:
        return upgrade_required(request, str(exc), feature=exc.feature, back_url=back)
    except NothingToStudy as exc:
        if form is None:
            messages.info(request, NOTHING_QUICK.get(session_request.source, str(exc)))
            return redirect(back)
        form.add_error(None, str(exc))
        return _render_exam_detail(request, exam, _fit_to_filters(request, exam, form), status=400)
    _say_if_smaller(request, session, asked=asked, left=left,
                    bank_short_is_news=form is not None and not form.asks_for_all)
    return redirect(session.get_absolute_url())


def _say_if_smaller(request, session: StudySession, *, asked: int, left: int | None, bank_short_is_news: bool) -> None:
    """A session with fewer questions than asked says why on its first card: the day's free
    questions, or the bank for these choices (news only when a number was asked for)."""
    got = session.question_total
    if session.mode == StudySession.Mode.EXAM or got >= asked:
        return
    if left is not None and got == left:
        messages.info(request, f"You have {left} free question{'s' if left != 1 else ''} left today, so this session "
                               f"has {got} question{'s' if got != 1 else ''}, not {asked}. Pro has no daily limit.")
    elif bank_short_is_news:
        messages.info(request, f"Only {got} question{'s' if got != 1 else ''} match your choices, so this session "
                               f"has {got}, not {asked}.")
