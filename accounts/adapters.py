from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404

from pingtopass.cache import cache_reachable
from pingtopass.redirects import is_safe_next_url

RESET_PAUSED = "This is briefly unavailable: please try again in a minute. Nothing was sent."


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def is_safe_url(self, url):
        # `next=` after sign-in, sign-up and sign-out follows the site's one rule: a path on this
        # site. allauth's own also takes "abc" (relative) and http:// URLs to any allowed host.
        return is_safe_next_url(context.request, url)

    def clean_email(self, email):
        # A password reset (and a sign-up, a new address) is limited per address in the shared
        # cache; without it allauth would wait a second for a lock and answer "too many requests".
        # It fails closed as sign-in does (accounts/views.py), saying why, before anything is sent.
        if not cache_reachable(cache):
            raise forms.ValidationError(RESET_PAUSED, code="cache_unavailable")
        return super().clean_email(email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if not user.display_name:
            user.display_name = (data.get("name") or data.get("first_name") or "")[:80]
        return user

    def get_app(self, request, provider, client_id=None):
        # Without GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET there is no Google app: its sign-in
        # URLs still exist (allauth's), and allauth raises DoesNotExist there, a 500.
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("Sign-in with this provider is not set up on this site.") from None
