"""Request id and one structured log line per request."""

import logging
import re
import time
import uuid

from django.conf import settings

logger = logging.getLogger("pingtopass.request")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Give every request an id (kept from a sane incoming X-Request-ID) and log it as JSON.

    Requests slower than SLOW_REQUEST_MS log at WARNING so they stand out in production logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
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
