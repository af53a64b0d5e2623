import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from exams.models import Exam
from exams.selectors import servable_counts
from pingtopass.faults import fault_response, forget_unloaded_user, is_database_fault


def home(request):
    if request.user.is_authenticated:
        return redirect("study:dashboard")
    context = {
        "exams": Exam.objects.active(),
        "question_total": sum(servable_counts().values()),
    }
    return render(request, "home.html", context)


def not_found(request, exception=None):
    return render(request, "errors/error.html", {"code": 404, "title": "Page not found",
                  "message": "That page does not exist, or it is not yours to see."}, status=404)


def forbidden(request, exception=None):
    return render(request, "errors/error.html", {"code": 403, "title": "Not allowed",
                  "message": "You do not have permission to do that."}, status=403)


def server_error(request):
    """The page for an error nothing else handled. It says only what is known to be true, and is
    drawn without the database, the cache or the session: it must show when those are what failed
    (rendered with no request, so no context processor runs)."""
    exc = sys.exc_info()[1]
    if is_database_fault(exc):  # raised by a middleware, outside any view (pingtopass/faults.py)
        return fault_response(request, exc)
    forget_unloaded_user(request)
    context = {"site_name": settings.SITE_NAME, "code": 500, "title": "Something went wrong",
               "request_id": getattr(request, "id", "")}
    return HttpResponse(render_to_string("errors/500.html", context), status=500)
