"""A CLI lab's terminal: each typed line is posted here and answered with what the device prints
(htmx appends it to the terminal); without JavaScript the whole card comes back with the
transcript. Grading waits for the answer (study.views.card)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from exams.question_types import InvalidAnswer
from pingtopass.fragments import fragment
from pingtopass.ratelimit import rate_limited
from pingtopass.redirects import redirect_to
from study.services import SessionError, SessionExpired, UpgradeRequired, item_lab_line
from study.views.access import session_item_for_user


@require_POST
@login_required
@rate_limited("lab_line")
def lab_line_view(request, pk, position):
    session, item = session_item_for_user(request, pk, position)
    if item is None or not item.question.kind.terminal:
        raise Http404("No such lab in this session.")
    reset = "reset" in request.POST
    device = request.POST.get("reset" if reset else "device", "")
    line = request.POST.get(f"line-{device}", "")
    try:
        entry = item_lab_line(item=item, device=device, line=line, reset=reset)
    except SessionExpired as expired:
        messages.error(request, str(expired))
        return redirect_to(request, reverse("study:results", args=[session.pk]))
    except (SessionError, UpgradeRequired, InvalidAnswer) as refused:
        if request.htmx:
            entry = {"prompt": "", "line": "", "output": f"% {refused}", "next": "", "refill": line, "secret": False}
            return HttpResponse(fragment("questions/cli_reply.jinja", entry=entry, device=device, refused=True), status=409)
        messages.error(request, str(refused))
        return redirect_to(request, item.get_absolute_url())
    if request.htmx:
        return HttpResponse(fragment("questions/cli_reply.jinja", entry=entry, device=device, refused=False))
    return redirect_to(request, item.get_absolute_url() + f"#term-log-{device}")


