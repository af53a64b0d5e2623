"""Production refuses to start without the key that signs the API's access tokens: `migrate`,
`runserver` and `check` fail (collectstatic, which a Docker build runs without secrets, does not)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def jwt_signing_key(app_configs, **kwargs) -> list[Error]:
    from allauth.core.internal.jwkkit import load_jwk_from_pem

    key = settings.HEADLESS_JWT_PRIVATE_KEY
    hint = ("Set HEADLESS_JWT_PRIVATE_KEY to an RSA private key in PEM form, e.g. the output of "
            "`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` (newlines as \\n in .env).")
    if not key:
        return [Error("HEADLESS_JWT_PRIVATE_KEY is not set: apps could not sign in to the API.", hint=hint,
                      id="api.E001")]
    try:
        load_jwk_from_pem(key)
    except Exception:  # whatever the PEM parser objects to, the key is unusable
        return [Error("HEADLESS_JWT_PRIVATE_KEY is not an RSA private key in PEM form.", hint=hint, id="api.E002")]
    return []
