from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from accounts.signup_source import signup_source_remember
from accounts.views import SIGN_IN_PAUSED
from pingtopass.cache import cache_reachable
from pingtopass.faults import json_unavailable
from pingtopass.ratelimit import RETRY_AFTER_A_MINUTE

# Writing on every request would turn every page view into a write; once a few minutes is plenty.
LAST_ACTIVE_RESOLUTION = timedelta(minutes=5)


class LastActiveMiddleware:
    """What accounts notes on each request: when a signed-in person was last active and, for a
    visitor, the UTM tags of a tagged link they landed by, kept until they sign up
    (accounts.signup_source)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated and hasattr(request, "session"):
            signup_source_remember(request)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            if user.last_active is None or now - user.last_active > LAST_ACTIVE_RESOLUTION:
                get_user_model().objects.filter(pk=user.pk).update(last_active=now)
                user.last_active = now
        return self.get_response(request)


# allauth's app API operations that check a password: allauth counts their failures in the cache.
PASSWORD_CHECKS = {"headless:app:account:login", "headless:app:account:reauthenticate"}


class AppSignInPauseMiddleware:
    """The app API's sign-in while the cache is unreachable, as the sign-in page does it
    (accounts.views.LoginView): without the cache allauth cannot count failed passwords, and would
    answer 429 "too many requests" after waiting for a lock. It is refused with 503 in allauth's
    error shape, saying why, and no password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in PASSWORD_CHECKS:
            return None
        if cache_reachable(cache):
            return None
        response = json_unavailable(request, "briefly_unavailable", SIGN_IN_PAUSED, retry_after=RETRY_AFTER_A_MINUTE)
        add_never_cache_headers(response)
        return response
