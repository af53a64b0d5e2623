"""Who may call the API: an app with allauth's JWT access token, or a browser with its session
cookie and CSRF token. The token check is allauth's own; this only describes it in the OpenAPI
document as what it is, a bearer token (allauth's class declares an API key without a name)."""

from allauth.headless.contrib.ninja.security import JWTTokenAuth
from ninja.security import SessionAuth


class AppToken(JWTTokenAuth):
    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_bearerFormat = "JWT"
    openapi_description = "The access token from POST /_allauth/app/v1/auth/login (meta.access_token)."


app_token = AppToken()
browser_session = SessionAuth()  # checks CSRF on unsafe methods
