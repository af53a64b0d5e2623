"""The learner's own data: the export (everything the site keeps about them, as the settings
page's download gives it) and account deletion, through accounts' services (accounts/privacy.py)
with the settings page's password confirmation and rate limit."""

from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from accounts.forms import DeleteAccountForm
from accounts.privacy import DeletionRefused, user_data_export, user_delete
from api.errors import ApiError, cleaned, responses, throttle
from pingtopass.ratelimit import RETRY_AFTER_A_MINUTE

router = Router(tags=["account"])

CONFIRMATION = "delete my account"


class ExportOut(BaseModel):
    """Beside these two, a part from each app that holds personal data (study: sessions with their
    answers in words, bookmarks, reports, progress and reviews; billing: subscriptions, invoices).
    A plain model: ninja's Schema would drop the parts it does not name."""

    model_config = ConfigDict(extra="allow")

    exported_at: str  # ISO 8601
    profile: dict


class DeleteIn(Schema):
    password: str = Field("", max_length=4096, description="The current password (none for an account without one)")
    confirm: str = Field(..., max_length=40, description=f'Exactly "{CONFIRMATION}"')


@router.post("/export", response={200: ExportOut, **responses(401)}, summary="Everything kept about the learner")
def account_export(request):
    return user_data_export(user=request.user, request=request)


@router.post("/delete", response={204: None, **responses(401, 422, 429, 503)},
             summary="Delete the account and personal data")
def account_delete(request, payload: DeleteIn):
    """Answers stay as anonymous statistics. Each try counts against the site's limit (a stolen
    token must not be a way to guess the password); once deleted, the learner's tokens stop working."""
    throttle(request, "account_delete")
    cleaned(DeleteAccountForm({"password": payload.password, "confirm": payload.confirm}, user=request.user))
    try:
        user_delete(user=request.user, request=request)
    except DeletionRefused as exc:
        raise ApiError(503, "deletion_refused", str(exc), headers={"Retry-After": str(RETRY_AFTER_A_MINUTE)}) from None
    return Status(204, None)
