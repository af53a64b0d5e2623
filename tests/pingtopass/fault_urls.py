"""A test-only URLconf for tests/pingtopass/test_database_faults.py: a view that raises, and one
that reads the database (and so fails when it is down), beside the project's pages."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


def boom(request):
    raise RuntimeError("the view broke")


@csrf_exempt
def reads(request):
    return HttpResponse(f"{get_user_model().objects.count()} users")


urlpatterns = [path("boom/", boom), path("reads/", reads), path("", include("pingtopass.urls"))]
handler500 = "pingtopass.views.server_error"
