from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    prefs = user if user is not None and user.is_authenticated else None
    return {
        "SITE_NAME": settings.SITE_NAME,
        "theme": prefs.theme if prefs else "auto",
        "font_size": prefs.font_size if prefs else "medium",
        "google_login_enabled": bool(settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET),
    }
