from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from pingtopass import views
from pingtopass.health import health

admin.site.site_header = "PingToPass administration"
admin.site.site_title = "PingToPass admin"
admin.site.index_title = "Content, people and AI generation"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=f"/{settings.STATIC_URL.strip('/')}/img/favicon.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("", include("study.urls")),
    path("", include("billing.urls")),
    # Stripe's webhooks: dj-stripe's endpoint, /stripe/webhook/<uuid>/ (billing.services.webhook_endpoint_ensure)
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "pingtopass.views.not_found"
handler403 = "pingtopass.views.forbidden"
handler500 = "pingtopass.views.server_error"
