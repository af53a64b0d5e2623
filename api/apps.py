from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self):
        # allauth's JWT code (allauth/core/internal/jwkkit.py) reads this submodule without
        # importing it: loaded here, or the first token fails in any process that did not happen to.
        import cryptography.hazmat.primitives.serialization  # noqa: F401

        from api import checks  # noqa: F401 -- registers the signing-key check
