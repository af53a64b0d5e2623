from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import LoginView
from api.api import api
from billing.admin import stripe_admin_action
from exams.views import home
from ops.metrics import metrics
from pingtopass.health import health
from pingtopass.media import media_file
from pingtopass.views import status

admin.site.site_header = "PingToPass administration"
admin.site.site_title = "PingToPass admin"
admin.site.index_title = "Content, people and AI generation"

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("status/", status, name="status"),  # the same checks as a page for people
    path("metrics", metrics, name="metrics"),  # Prometheus, for the allowed addresses or a token (ops/metrics.py)
    path("favicon.ico", RedirectView.as_view(url=f"/{settings.STATIC_URL.strip('/')}/img/favicon.svg", permanent=True)),
    # dj-stripe's admin actions, checked (billing/admin.py); ahead of admin's patterns, which serve them unchecked
    path("admin/djstripe/<str:model>/action/<str:action_name>/<str:model_name>/",
         admin.site.admin_view(stripe_admin_action)),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="account_login"),  # allauth's, with 429 when locked out
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),  # apps sign in here (JWT): /_allauth/app/v1/auth/login
    path("api/v1/", api.urls),  # the JSON API (api/); docs at /api/v1/docs, OpenAPI at /api/v1/openapi.json
    path("account/", include("accounts.urls")),
    path("growth/", include("growth.urls")),  # staff: the growth system on X (growth/)
    path("ops/", include("ops.urls")),  # staff: analytics and backups (ops/)
    path("", include("study.urls")),
    path("", include("billing.urls")),
    # Stripe's webhooks: dj-stripe's endpoint, /stripe/webhook/<uuid>/ (billing.services.webhook_endpoint_ensure)
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
]

if settings.MEDIA_STORAGE == "local":
    # Exhibits on the local disk are served by the app, in production too; an object store serves its own URLs.
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media"))

handler404 = "pingtopass.views.not_found"
handler403 = "pingtopass.views.forbidden"
handler500 = "pingtopass.views.server_error"
