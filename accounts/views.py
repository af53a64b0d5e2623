from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import SettingsForm, ThemeForm


@login_required
def settings_view(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


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
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("home")
