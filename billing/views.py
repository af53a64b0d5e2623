from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from djstripe.models import Customer, Invoice

from billing.entitlements import entitlements_for
from billing.models import Subscription
from billing.paywall import upgrade_required  # noqa: F401 -- its old home, kept until no caller imports it from here
from billing.plans import money, payments_configured, price_option, price_options, trial_days_for
from billing.services import (
    AlreadySubscribed,
    BillingError,
    CheckoutNotYours,
    checkout_session_create,
    checkout_session_fulfil,
    portal_session_create,
)
from pingtopass.params import int_param

NOT_CONFIGURED = "Payments are not configured on this site yet, so Pro cannot be bought here. Everything on the free plan works."


def _see_other(url: str) -> HttpResponseRedirect:
    """After a POST, send the browser on to Stripe with a GET (303)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def pricing(request):
    user = request.user
    return render(request, "billing/pricing.html", {
        "entitlements": entitlements_for(user),
        "prices": {option.key: option for option in price_options()},
        "free_price": money(0, settings.BILLING_CURRENCY),
        "configured": payments_configured(),
        "trial_days": trial_days_for(user) if user.is_authenticated else max(settings.STRIPE_TRIAL_DAYS, 0),
        "free_daily": settings.FREE_DAILY_QUESTIONS,
        "free_simulations": settings.FREE_SIMULATIONS_PER_EXAM,
    })


@login_required
@require_POST
def checkout(request):
    if not payments_configured():
        messages.error(request, NOT_CONFIGURED)
        return redirect("billing:pricing")
    option = price_option(request.POST.get("interval", ""))
    if option is None:
        messages.error(request, "Choose the monthly or the yearly plan.")
        return redirect("billing:pricing")
    try:
        url = checkout_session_create(
            user=request.user, option=option,
            success_url=request.build_absolute_uri(reverse("billing:success")),
            cancel_url=request.build_absolute_uri(reverse("billing:cancel")),
        )
    except AlreadySubscribed as exc:
        messages.info(request, str(exc))
        return redirect("billing:account")
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:pricing")
    return _see_other(url)


SUCCESS_CHECKS = 24  # the success page checks with Stripe every 5 s for two minutes, then stops


@login_required
def checkout_success(request):
    session_id = request.GET.get("session_id", "")
    check = int_param(request.GET.get("check"), default=0)
    error, check_again = "", bool(session_id) and payments_configured() and check < SUCCESS_CHECKS
    if check_again:
        try:
            checkout_session_fulfil(user=request.user, session_id=session_id)
        except CheckoutNotYours as exc:
            error, check_again = str(exc), False
        except BillingError as exc:
            error = str(exc)
    entitlements = entitlements_for(request.user)
    refresh_url = ""
    if check_again and not entitlements.is_pro:
        refresh_url = f"{reverse('billing:success')}?{urlencode({'session_id': session_id, 'check': check + 1})}"
    return render(request, "billing/success.html", {
        "entitlements": entitlements, "error": error, "refresh_url": refresh_url, "gave_up": bool(session_id) and not refresh_url,
    })


@login_required
def checkout_cancel(request):
    return render(request, "billing/cancel.html")


@login_required
def account_billing(request):
    user = request.user
    entitlements = entitlements_for(user)
    invoices = [
        {
            "number": invoice.number or invoice.id, "created": invoice.created, "status": invoice.status,
            "amount": money(invoice.stripe_data.get("total") or 0, invoice.currency or "usd"),
            "url": invoice.stripe_data.get("hosted_invoice_url") or "", "pdf": invoice.stripe_data.get("invoice_pdf") or "",
        }
        for invoice in Invoice.objects.filter(customer__subscriber=user).order_by("-created")[:24]
    ]
    return render(request, "billing/account.html", {
        "entitlements": entitlements,
        "subscription": entitlements.subscription or Subscription.objects.filter(user=user).first(),
        "invoices": invoices,
        "has_customer": Customer.objects.filter(subscriber=user).exists(),
        "configured": payments_configured(),
    })


@login_required
@require_POST
def portal(request):
    if not payments_configured():
        messages.error(request, NOT_CONFIGURED)
        return redirect("billing:account")
    try:
        url = portal_session_create(user=request.user, return_url=request.build_absolute_uri(reverse("billing:account")))
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:account")
    return _see_other(url)
