from django.shortcuts import redirect, render

from exams.models import Exam
from exams.selectors import servable_counts


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
    return render(request, "errors/error.html", {"code": 500, "title": "Something went wrong",
                  "message": "We hit an error and have been told about it. Your answers are saved; please try again."},
                  status=500)
