"""The one way a study view reaches a session: only the signed-in learner's, anything else a 404,
and a session past its deadline submitted before anything is shown or saved."""

from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404

from billing.entitlements import entitlements_for
from exams.selectors import attach_cached_choices
from study import compiled_queries as compiled
from study.models import SessionItem, StudySession
from study.services import session_expire_if_due


def session_for_user(request, pk: int) -> StudySession:
    session = get_object_or_404(StudySession.objects.select_related("exam"), pk=pk, user=request.user)
    session.user = request.user  # the same row: services that read session.user need no second query
    return session_expire_if_due(session=session)


def item_of(session: StudySession, position: int) -> SessionItem:
    """One question of a session the access check gave, as the card draws it."""
    found = compiled.session_item(user=session.user_id, session=session.pk, position=position)
    if not found:
        raise Http404("No such question in this session.")
    item = found[0]
    item.session = session
    attach_cached_choices([item.question])
    return item


def session_item_for_user(request, pk: int, position: int) -> tuple[StudySession, SessionItem | None]:
    """The learner's session and one of its items in one query (the two pages of every answer);
    the item is None when the session has no such position."""
    found = compiled.session_item_with_session(user=request.user.pk, session=pk, position=position)
    item = found[0] if found else None
    if item is None:
        return session_for_user(request, pk), None
    session = item.session
    session.user = request.user
    session = session_expire_if_due(session=session)
    item.session = session
    attach_cached_choices([item.question])
    return session, item


def plan_of(request):
    """The signed-in learner's plan, worked out once per request (answering and drawing the card
    both ask; answer_record keeps its count of today's answers current)."""
    if not hasattr(request, "_entitlements"):
        request._entitlements = entitlements_for(request.user)
    return request._entitlements


def csrf_token_of(request) -> str:
    """One masked CSRF token for all a response draws: an answer draws two cards, and masking a
    token draws 32 characters from the operating system's randomness each time."""
    if not hasattr(request, "_csrf_token_masked"):
        request._csrf_token_masked = get_token(request)
    return request._csrf_token_masked
