from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

# Writing on every request would turn every page view into a write; once a few minutes is plenty.
LAST_ACTIVE_RESOLUTION = timedelta(minutes=5)


class LastActiveMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            if user.last_active is None or now - user.last_active > LAST_ACTIVE_RESOLUTION:
                get_user_model().objects.filter(pk=user.pk).update(last_active=now)
                user.last_active = now
        return self.get_response(request)
