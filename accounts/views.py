import json

from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from accounts.forms import DeleteAccountForm, SettingsForm, ThemeForm
from accounts.privacy import DeletionRefused, user_data_export, user_delete
from accounts.settings_sections import settings_sections_for
from pingtopass.cache import cache_reachable
from pingtopass.ratelimit import RETRY_AFTER_A_MINUTE, rate_limited
from pingtopass.redirects import safe_next_url

SIGN_IN_PAUSED = "Sign-in is briefly unavailable: please try again in a minute."


@login_required
def settings_view(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "sections": settings_sections_for(request)})


@require_POST
@login_required
def theme_set(request):
    form = ThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown theme.", status=400)
    request.user.theme = form.cleaned_data["theme"]
    request.user.save(update_fields=["theme"])
    if request.htmx:
        return HttpResponse(status=204)
    return HttpResponseRedirect(safe_next_url(request, request.POST.get("next"), default=reverse("home")))


@login_required
def export_view(request):
    if request.method != "POST":
        return render(request, "accounts/export.html")
    data = user_data_export(user=request.user, request=request)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    filename = f"pingtopass-export-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@rate_limited("account_delete")
def delete_view(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_delete(user=request.user, request=request)
        except DeletionRefused as exc:
            messages.error(request, str(exc))
            response = render(request, "accounts/delete.html", {"form": form}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_A_MINUTE)
            return response
        messages.success(request, "Your account and personal data have been deleted. Thank you for studying with us.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


class LoginView(AllauthLoginView):
    """allauth's sign-in page. Past the failed-password limit for an account (or an address) it
    shows the form with allauth's error, as 429 like every other rate limit: clients and monitoring
    tell a lockout from a typo. While the cache those limits count in is unreachable, a sign-in is
    refused with 503 and the reason, the form kept."""

    def dispatch(self, request, *args, **kwargs):
        # allauth counts sign-in attempts in the shared cache. Without it, it would wait a second
        # for a lock and then answer "too many requests" (or, had the lock been granted, check every
        # guess unlimited): sign-in fails closed, saying why, and no password is checked.
        if request.method == "POST" and not cache_reachable(cache):
            return self._sign_in_paused()
        return super().dispatch(request, *args, **kwargs)

    def _sign_in_paused(self):
        messages.error(self.request, SIGN_IN_PAUSED)
        form = self.get_form_class()(request=self.request, initial={"login": self.request.POST.get("login", "")})
        response = self.render_to_response(self.get_context_data(form=form), status=503)
        response["Retry-After"] = str(RETRY_AFTER_A_MINUTE)
        add_never_cache_headers(response)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="too_many_login_attempts"):
            response.status_code = 429
        return response
