from django.apps import AppConfig


class AigenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aigen"
    verbose_name = "AI question generation"
