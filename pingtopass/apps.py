from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PingToPassConfig(AppConfig):
    """The project's own pieces that every process needs in place before any query: web workers,
    Celery workers and management commands alike."""

    name = "pingtopass"
    verbose_name = "PingToPass"

    def ready(self):
        from pingtopass.db import lookups

        lookups.register()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin (INSTALLED_APPS names this in its place), on our site: pingtopass.admin.AdminSite."""

    default = False  # "pingtopass" in INSTALLED_APPS means PingToPassConfig
    default_site = "pingtopass.admin.AdminSite"
