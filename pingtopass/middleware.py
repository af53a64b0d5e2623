"""Request id and one structured log line per request; the Content-Security-Policy header."""

import functools
import logging
import re
import time
import uuid
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver

from pingtopass.logging import NO_REQUEST, request_id_var

logger = logging.getLogger("pingtopass.request")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Give every request an id (kept from a sane incoming X-Request-ID) and log it as JSON.

    Every other line logged while the request is served, and every task it queues, carries the
    same id (pingtopass.logging, pingtopass.celery). Requests slower than SLOW_REQUEST_MS log at
    WARNING so they stand out in production logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request_id_var.set(request.id)  # until the response is closed: _request_id_forget
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.id
        slow = duration_ms >= settings.SLOW_REQUEST_MS
        user = getattr(request, "user", None)
        logger.log(
            logging.WARNING if slow else logging.INFO,
            "request",
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "slow": slow,
            },
        )
        return response


@receiver(request_finished)
def _request_id_forget(**kwargs):
    # The end of a request is when its response is closed, not when this middleware returns:
    # Django logs an error response (django.request) after the middleware, and a streaming
    # response is written after that. A response is closed whatever the view did (an exception
    # becomes a 500 response first), so no line between requests shows the last one's id.
    request_id_var.set(NO_REQUEST)


# What a response or request can carry to change its Content-Security-Policy (django-csp's
# decorators and nonce): with none of these, the policy is the settings' alone.
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
               "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process.

    django-csp builds the header string for every response, which cost about a fifth of a
    millisecond, some 3% of a practice answer (bench/request_cost.py). No view here sets a
    policy of its own and no template asks for a nonce. A response that does, or a request
    that drew a nonce, is handled by django-csp itself, unchanged.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, name) for name in _OWN_POLICY):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR):
            return response  # Django's debug pages, as django-csp leaves them
        for header, policy, setting in _settings_policies():
            if policy and header not in response and not request.path_info.startswith(_excluded_prefixes(setting)):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp: no nonce after the header
        return response


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, str], ...]:
    return ((HEADER, build_policy(), "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, build_policy(report_only=True), "CONTENT_SECURITY_POLICY_REPORT_ONLY"))


@functools.cache
def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()
        _excluded_prefixes.cache_clear()
