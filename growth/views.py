"""Staff pages of the growth system: the review queue (opportunities and their draft replies, our
own posts waiting for approval), the metrics chart with hand entry, and connecting an account to
X. Staff only (moderators and admins); to anyone else these pages do not exist."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from growth import selectors, services
from growth.forms import DraftTextForm, MarkPostedForm, MetricsEntryForm, PasteForm, PostCreateForm
from growth.models import Draft, Opportunity, XAccount
from growth.services.accounts import ConnectError
from growth.services.drafting import DraftRefused
from growth.services.ingest import IngestRefused
from growth.services.posting import DraftError
from growth.xapi import XError
from pingtopass import params
from pingtopass.redirects import redirect_to

SESSION_KEY = "growth_oauth"


def staff_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _first_error(form) -> str:
    return next((f"{form.fields[name].label or name.title()}: {errors[0]}" if name != "__all__" else errors[0]
                 for name, errors in form.errors.items()), "Check the form.")


def _queue_response(request, *, opportunity: Opportunity | None = None, draft: Draft | None = None, error: str = ""):
    """htmx: the card that changed, with any error on it; otherwise back to the queue with a message."""
    if request.htmx and (opportunity is not None or draft is not None):
        if opportunity is not None:
            return render(request, "growth/queue.html#opportunity-card",
                          {"opportunity": selectors.opportunity_card(opportunity), "error": error})
        draft.refresh_from_db()
        return render(request, "growth/queue.html#post-card", {"draft": draft, "error": error})
    if error:
        messages.error(request, error)
    return redirect(reverse("growth:queue"))


@require_GET
@staff_only
def queue(request):
    return render(request, "growth/queue.html", {
        "queue": selectors.review_queue(), "paste_form": PasteForm(), "post_form": PostCreateForm(),
    })


@require_POST
@staff_only
def opportunity_draft(request, pk):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    try:
        services.draft_write(opportunity=opportunity, user=request.user, request=request)
    except DraftRefused as exc:
        return _queue_response(request, opportunity=opportunity, error=str(exc))
    if not request.htmx:
        messages.success(request, "Drafted: review it below.")
    return _queue_response(request, opportunity=opportunity)


@require_POST
@staff_only
def opportunity_reply(request, pk):
    """A reply written by the person, in place of the model's."""
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = DraftTextForm(request.POST)
    if not form.is_valid():
        return _queue_response(request, opportunity=opportunity, error=_first_error(form))
    try:
        services.reply_write(opportunity=opportunity, text=form.cleaned_data["text"], user=request.user, request=request)
    except DraftError as exc:
        return _queue_response(request, opportunity=opportunity, error=str(exc))
    return _queue_response(request, opportunity=opportunity)


@require_POST
@staff_only
def opportunity_dismiss(request, pk):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    try:
        services.opportunity_dismiss(opportunity=opportunity, user=request.user, request=request)
    except DraftError as exc:
        return _queue_response(request, opportunity=opportunity, error=str(exc))
    return _queue_response(request, opportunity=opportunity)


@require_POST
@staff_only
def opportunity_paste(request):
    form = PasteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            opportunity = services.opportunity_from_url(account=form.cleaned_data["account"], url=form.cleaned_data["url"],
                                                        user=request.user, request=request)
        except IngestRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Added: score {opportunity.score}.")
    return redirect_to(request, reverse("growth:queue"))


def _card_of(draft: Draft, request, error: str = ""):
    opportunity = draft.opportunity if draft.kind == Draft.Kind.REPLY else None
    return _queue_response(request, opportunity=opportunity, draft=None if opportunity else draft, error=error)


@require_POST
@staff_only
def draft_approve(request, pk):
    draft = get_object_or_404(Draft.objects.select_related("opportunity"), pk=pk)
    form = DraftTextForm(request.POST)
    if not form.is_valid():
        return _card_of(draft, request, error=_first_error(form))
    try:
        draft = services.draft_approve(draft=draft, user=request.user, text=form.cleaned_data["text"], request=request)
    except DraftError as exc:
        return _card_of(draft, request, error=str(exc))
    if not request.htmx:
        messages.success(request, "Approved." if draft.via_api else "Approved: open it on X, post it, then mark it posted.")
    return _card_of(draft, request)


@require_POST
@staff_only
def draft_reject(request, pk):
    draft = get_object_or_404(Draft.objects.select_related("opportunity"), pk=pk)
    try:
        services.draft_reject(draft=draft, user=request.user, request=request)
    except DraftError as exc:
        return _card_of(draft, request, error=str(exc))
    return _card_of(draft, request)


@require_POST
@staff_only
def draft_post(request, pk):
    """Post an approved draft through the API now (a summoned reply, or a post of our own)."""
    draft = get_object_or_404(Draft.objects.select_related("opportunity"), pk=pk)
    try:
        services.draft_post(draft_id=draft.pk, user=request.user, request=request)
    except (DraftError, XError) as exc:
        return _card_of(draft, request, error=str(exc))
    if not request.htmx:
        messages.success(request, "Posted on X.")
    return _card_of(draft, request)


@require_POST
@staff_only
def draft_mark_posted(request, pk):
    draft = get_object_or_404(Draft.objects.select_related("opportunity"), pk=pk)
    form = MarkPostedForm(request.POST)
    if not form.is_valid():
        return _card_of(draft, request, error=_first_error(form))
    try:
        services.draft_mark_posted(draft=draft, user=request.user, post_url=form.cleaned_data["post_url"] or "",
                                   request=request)
    except DraftError as exc:
        return _card_of(draft, request, error=str(exc))
    return _card_of(draft, request)


@require_POST
@staff_only
def post_create(request):
    form = PostCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        try:
            services.draft_create(account=form.cleaned_data["account"], text=form.cleaned_data["text"],
                                  evergreen=form.cleaned_data["evergreen"], user=request.user, request=request)
        except DraftError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Added to the queue: approve it to schedule it.")
    return redirect_to(request, reverse("growth:queue"))


@require_POST
@staff_only
def question_of_day(request, pk):
    account = get_object_or_404(XAccount, pk=pk)
    try:
        services.question_of_day_draft(account=account, user=request.user, request=request)
    except DraftRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "A question of the day is drafted: review it in the post queue.")
    return redirect_to(request, reverse("growth:queue"))


@require_POST
@staff_only
def account_resume(request, pk):
    account = get_object_or_404(XAccount, pk=pk)
    services.account_resume(account=account, user=request.user, request=request)
    messages.success(request, f"@{account.username} reads and posts again.")
    return redirect("growth:queue")


@require_GET
@staff_only
def metrics(request):
    accounts = list(XAccount.objects.all())
    account_id = params.int_param(request.GET.get("account"))
    account = next((a for a in accounts if a.pk == account_id), accounts[0] if accounts else None)
    days = params.int_param(request.GET.get("days"), selectors.PERIODS[0])
    days = days if days in selectors.PERIODS else selectors.PERIODS[0]
    return render(request, "growth/metrics.html", {
        "accounts": accounts, "account": account, "days": days, "periods": selectors.PERIODS,
        "chart": selectors.follower_chart(account=account, days=days) if account else None,
        "form": MetricsEntryForm(initial={"account": account.pk if account else None}),
        "x_usage": services.x_usage_read(),
    })


@require_POST
@staff_only
def metrics_enter(request):
    form = MetricsEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("growth:metrics")
    data = form.cleaned_data
    services.daily_metrics_enter(account=data["account"], day=data["day"], user=request.user, followers=data["followers"],
                                 impressions=data["impressions"], engagements=data["engagements"], request=request)
    messages.success(request, f"Saved the figures of {data['day']:%b %-d} for @{data['account'].username}.")
    return redirect(f"{reverse('growth:metrics')}?account={data['account'].pk}")


@require_GET
@staff_only
def connect(request, pk):
    """Send the person to X to sign in as the account (OAuth 2.0 with PKCE)."""
    account = get_object_or_404(XAccount, pk=pk)
    try:
        url, pending = services.account_connect_start(
            account=account, redirect_uri=request.build_absolute_uri(reverse("growth:oauth_callback")))
    except ConnectError as exc:
        messages.error(request, str(exc))
        return redirect("growth:queue")
    request.session[SESSION_KEY] = pending
    return redirect(url)


@require_GET
@staff_only
def oauth_callback(request):
    pending = request.session.pop(SESSION_KEY, None)
    if request.GET.get("error"):
        messages.error(request, f"X did not connect the account: {request.GET['error'][:100]}.")
        return redirect("growth:queue")
    try:
        account = services.account_connect_finish(pending=pending or {}, state=request.GET.get("state", ""),
                                                  code=request.GET.get("code", ""), user=request.user, request=request)
    except ConnectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"@{account.username} is connected.")
    return redirect("growth:queue")
