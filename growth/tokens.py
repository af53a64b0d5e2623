"""OAuth tokens at rest: encrypted with Fernet under settings.GROWTH_TOKEN_KEYS (the first key
encrypts, every key decrypts, so keys can be rotated), or a key derived from SECRET_KEY."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenUnreadable(Exception):
    """The stored token was encrypted with a key we no longer hold."""


def _fernet() -> MultiFernet:
    keys = list(settings.GROWTH_TOKEN_KEYS) or [
        base64.urlsafe_b64encode(hashlib.sha256(f"growth-tokens:{settings.SECRET_KEY}".encode()).digest()).decode()
    ]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def token_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def token_decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise TokenUnreadable("The stored token cannot be decrypted with GROWTH_TOKEN_KEYS.") from exc
