"""Where a CLI lab's terminal runs: one typed line (or a device's reset) on one device of the
lab, saved with the item's draft in the same transaction, so a reload, a resume or another tab
shows the same terminal and nothing typed is lost."""

from django.db import transaction
from django.utils import timezone

from billing.entitlements import entitlements_for
from study.models import SessionItem
from study.services.answer import session_check_open
from study.services.errors import SessionError, UpgradeRequired


def item_lab_line(*, item: SessionItem, device: str, line: str = "", reset: bool = False) -> dict:
    """Run `line` (or reset `device`) in the item's lab and save the terminals; returns the entry
    the terminal shows. InvalidAnswer for a device the lab does not have."""
    session, question = item.session, item.question
    now = timezone.now()
    session_check_open(session=session, now=now, finished="its terminals are closed", paused="type")
    if item.is_answered and session.gives_instant_feedback:
        raise SessionError("This lab was submitted; its terminal is closed.")
    decision = entitlements_for(session.user, now=now).can_answer(item)
    if not decision:
        raise UpgradeRequired(decision.message, decision.feature)
    with transaction.atomic():
        # One line at a time per item: two tabs typing at once take turns on the row.
        draft = SessionItem.objects.select_for_update().values_list("draft", flat=True).get(pk=item.pk)
        draft, entry = question.kind.run_line(question, draft, device=device, line=line, reset=reset)
        SessionItem.objects.filter(pk=item.pk).update(draft=draft)
    item.draft = draft
    return entry
