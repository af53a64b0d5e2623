"""The learner's exam day for an exam: set or cleared from the exam page or the settings page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from exams.models import Exam
from pingtopass.faults import saves, saving
from pingtopass.redirects import safe_next_url
from study import selectors
from study.forms import ExamDateForm
from study.models import ExamProgress
from study.planning import ExamDayPlan, exam_day_plan
from study.services import exam_date_set

PLAN_CACHE_SECONDS = 6 * 3600


@saves("your exam day", "changed")
@require_POST
@login_required
def exam_date_view(request, code):
    exam = selectors.exam_for_learner(code)
    form = ExamDateForm(request.POST, today=timezone.localdate(timezone=request.user.zone))
    if not form.is_valid():
        messages.error(request, f"{exam.code}: " + " ".join(e for errors in form.errors.values() for e in errors))
    else:
        with saving(request):
            day = exam_date_set(user=request.user, exam=exam, day=form.cleaned_data["exam_date"])
        when = day.exam_date
        messages.success(request, f"Exam day set: {when:%A} {when.day} {when:%B %Y} for {exam.code}." if when
                         else f"Exam day for {exam.code} cleared.")
    # From the settings page, back to it; from the exam page (and anywhere else), to the exam's.
    return redirect(safe_next_url(request, request.POST.get("next"), default=exam.get_absolute_url() + "#exam-day"))


def exam_days_settings(request) -> dict:
    """The settings page's "Exam days" section: a day for each exam the learner has progress on
    (answered, or set a day on its page), each form posting to exam_date_view."""
    today = timezone.localdate(timezone=request.user.zone)
    rows = (ExamProgress.objects.filter(user=request.user, exam__in=Exam.objects.active())
            .select_related("exam").order_by("exam__code"))
    exams = []
    for progress in rows:
        form = ExamDateForm(initial={"exam_date": progress.exam_date}, auto_id=f"id_%s_{progress.exam_id}")
        form.fields["exam_date"].help_text = ""  # said once for the section
        form.fields["exam_date"].widget.attrs["min"] = today.isoformat()
        exams.append((progress.exam, progress.exam_date, form))
    return {"exams": exams, "back": reverse("accounts:settings") + "#exam-days"}


def exam_day_for(user, exam, *, with_plan: bool) -> tuple[date | None, ExamDayPlan | None]:
    """The learner's exam day for this exam and, if asked, the plan to be ready by then, kept
    until their next answer or the next day (it is worked out by folding simulated answers:
    tens of milliseconds)."""
    progress = ExamProgress.objects.filter(user=user, exam=exam).first()
    if progress is None or progress.exam_date is None:
        return None, None
    if not with_plan:
        return progress.exam_date, None
    progress.user, progress.exam = user, exam
    today = timezone.localdate(timezone=user.zone)
    key = f"exam-day-plan:{progress.pk}:{progress.answered}:{progress.exam_date}:{today}"
    plan = cache.get(key)
    if plan is None:
        plan = exam_day_plan(progress=progress, today=today)
        cache.set(key, plan, PLAN_CACHE_SECONDS)
    return progress.exam_date, plan
