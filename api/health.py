"""The site's health check, as the API's own operation (for an app's status screen)."""

from ninja import Router, Schema

from pingtopass.health import health as site_health

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str  # ok | degraded | error
    checks: dict[str, dict]


@router.get("", response={200: HealthOut, 503: HealthOut}, auth=None, summary="Is the service up")
def health(request):
    return site_health(request)
