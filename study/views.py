from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from study.models import StudySession
from study.selectors import exam_catalogue


def exam_list(request):
    return render(request, "study/exam_list.html", {"exams": exam_catalogue()})


def exam_detail(request, code):
    exam = get_object_or_404(exam_catalogue(), code=code)
    domains = exam.domains.prefetch_related("objectives")
    return render(request, "study/exam_detail.html", {"exam": exam, "domains": domains})


@login_required
def session_list(request):
    sessions = StudySession.objects.for_user(request.user).select_related("exam")
    return render(
        request,
        "study/session_list.html",
        {"unfinished": sessions.unfinished(), "finished": sessions.finished()[:50]},
    )
