"""What a learner sees of their plan's limits: the page when their plan does not cover what they
asked for (rendered by any app's view that asks billing.entitlements and is refused), and the
note of what is left of a free day (on every question card)."""

import functools

from django.shortcuts import render
from django.urls import reverse
from markupsafe import Markup

from billing.entitlements import Entitlements, entitlements_for
from pingtopass.fragments import fragment


def upgrade_required(request, message: str, *, feature: str = "", back_url: str = ""):
    """The 402 page: what the plan does not cover (`message`, from an entitlements Decision) and
    the feature Pro would unlock (`feature`), with a way back (`back_url`, else the dashboard)."""
    return render(request, "billing/upgrade_required.html", {
        "message": message, "feature": feature, "back_url": back_url or reverse("study:dashboard"),
        "entitlements": entitlements_for(request.user),
    }, status=402)


def allowance_note(entitlements: Entitlements) -> Markup:
    """What is left of a free learner's daily questions, with the way to Pro; nothing for Pro."""
    if entitlements.is_pro:
        return Markup()
    return fragment("fragments/allowance_note.jinja", daily=entitlements.daily_questions,
                    left=entitlements.questions_left_today, pricing_url=pricing_url())


@functools.cache
def pricing_url() -> str:
    return reverse("billing:pricing")
