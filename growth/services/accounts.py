"""Connecting our accounts to X (OAuth 2.0 with PKCE and offline.access), keeping their tokens
fresh, and resuming an account a 402 or a usage cap paused."""

import logging
import secrets
from datetime import UTC, datetime, timedelta

import requests
import xdk
from django.conf import settings
from django.utils import timezone

from accounts.audit import audit_log
from growth.models import XAccount
from growth.tokens import token_encrypt
from growth.xapi import XApi, XError

logger = logging.getLogger("pingtopass.growth")
REFRESH_AHEAD = timedelta(minutes=20)  # X's access tokens last two hours; beat runs every 15 minutes


class ConnectError(Exception):
    """Connecting an account failed; the message says why."""


def _oauth_client(redirect_uri: str) -> xdk.Client:
    if not settings.GROWTH_X_CLIENT_ID:
        raise ConnectError("Set GROWTH_X_CLIENT_ID and GROWTH_X_CLIENT_SECRET (the X app's OAuth 2.0 keys) first.")
    return xdk.Client(
        base_url=settings.GROWTH_X_API_BASE_URL, authorization_base_url=settings.GROWTH_X_AUTHORIZE_BASE_URL,
        client_id=settings.GROWTH_X_CLIENT_ID, client_secret=settings.GROWTH_X_CLIENT_SECRET or None,
        redirect_uri=redirect_uri, scope=settings.GROWTH_X_SCOPES,
    )


def account_connect_start(*, account: XAccount, redirect_uri: str) -> tuple[str, dict]:
    """The X authorization URL to send a person to, and what to keep in their session for the callback."""
    client = _oauth_client(redirect_uri)
    state = secrets.token_urlsafe(24)
    url = client.get_authorization_url(state=state)
    return url, {"account": account.pk, "state": state, "verifier": client.oauth2_auth.get_code_verifier(),
                 "redirect_uri": redirect_uri}


def account_connect_finish(*, pending: dict, state: str, code: str, user, request=None) -> XAccount:
    """Exchange the callback's code for tokens, check whose they are, and store them encrypted."""
    if not pending or not state or not secrets.compare_digest(str(pending.get("state", "")), state):
        raise ConnectError("This sign-in with X did not start here, or it was already used. Start again.")
    account = XAccount.objects.filter(pk=pending.get("account")).first()
    if account is None:
        raise ConnectError("The account being connected no longer exists.")
    client = _oauth_client(pending["redirect_uri"])
    try:
        token = client.exchange_code(code, pending["verifier"])
    except (ValueError, requests.RequestException) as exc:
        raise ConnectError(f"X did not give a token: {str(exc)[:300]}") from exc
    if not token.get("access_token"):
        raise ConnectError("X answered without an access token.")
    expires_at = token.get("expires_at")
    account.access_token = token_encrypt(token["access_token"])
    account.refresh_token = token_encrypt(token.get("refresh_token") or "")
    account.token_expires_at = datetime.fromtimestamp(float(expires_at), tz=UTC) if expires_at else None
    account.status, account.status_reason = XAccount.Status.ACTIVE, ""
    account.save(update_fields=["access_token", "refresh_token", "token_expires_at", "status", "status_reason"])
    try:
        me = XApi(account).me()
    except XError as exc:
        raise ConnectError(f"Connected, but X did not say whose account this is: {exc}") from exc
    if me.username.casefold() != account.username.casefold():
        XAccount.objects.filter(pk=account.pk).update(
            access_token="", refresh_token="", status=XAccount.Status.NOT_CONNECTED,
            status_reason=f"Signed in as @{me.username}, not @{account.username}.")
        raise ConnectError(f"You signed in to X as @{me.username}; sign in as @{account.username} to connect it.")
    XAccount.objects.filter(pk=account.pk).update(x_user_id=me.id, display_name=me.name, followers=me.followers)
    audit_log("growth_account_connected", request=request, actor=user, target=account, x_user_id=me.id)
    account.refresh_from_db()
    return account


def account_resume(*, account: XAccount, user, request=None) -> XAccount:
    """A person bought credits or raised a cap: reads and posting start again."""
    if account.status != XAccount.Status.PAUSED:
        return account
    previous = account.status_reason
    XAccount.objects.filter(pk=account.pk).update(status=XAccount.Status.ACTIVE, status_reason="", rate_limited_until=None)
    audit_log("growth_account_resumed", request=request, actor=user, target=account, paused_for=previous)
    account.refresh_from_db()
    return account


def tokens_refresh_due(*, now: datetime | None = None) -> list[int]:
    """Refresh the tokens of active accounts that expire soon; the ids refreshed. An account whose
    refresh X refuses is marked "needs reconnecting" (by XApi) and left for a person."""
    now = now or timezone.now()
    refreshed = []
    due = XAccount.objects.filter(status=XAccount.Status.ACTIVE, token_expires_at__lte=now + REFRESH_AHEAD)
    for account in due.exclude(refresh_token=""):
        try:
            XApi(account).token_refresh()
        except XError as exc:
            logger.warning("Token of @%s not refreshed: %s", account.username, exc)
            continue
        refreshed.append(account.pk)
    return refreshed
