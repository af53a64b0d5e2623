"""Views for tests/pingtopass/test_overflow_middleware.py: one raises what a database driver or a
conversion raises for a number too large, one raises anything else."""

from django.urls import include, path


def too_large(request):
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


def broken(request):
    raise RuntimeError("the view broke")


urlpatterns = [
    path("too-large/", too_large),
    path("broken/", broken),
    path("", include("pingtopass.urls")),  # the pages' links
]
