from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ops.analytics import PERIODS, analytics_overview
from ops.services import backup_status_read


@require_GET
@login_required
def analytics(request):
    """Staff analytics: learners, business, AI cost, the question bank. Staff only; to anyone else
    the page does not exist."""
    if not request.user.is_staff:
        raise Http404
    days = int(request.GET["days"]) if request.GET.get("days") in {str(p) for p in PERIODS} else PERIODS[0]
    return render(request, "ops/analytics.html", {
        "overview": analytics_overview(days=days), "backup": backup_status_read(), "periods": PERIODS,
    })
