from django.shortcuts import redirect, render

from exams.models import Exam
from exams.selectors import servable_counts


def home(request):
    """The front page: the exams on offer, for a visitor; a signed-in learner goes to their dashboard."""
    if request.user.is_authenticated:
        return redirect("study:dashboard")
    context = {
        "exams": Exam.objects.active(),
        "question_total": sum(servable_counts().values()),
    }
    return render(request, "home.html", context)
