"""Changes to people that write more than one row: each is audited."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.audit import audit_log
from accounts.roles import ADMIN, MODERATOR, ROLES, user_role


@transaction.atomic
def user_set_role(*, user, role: str, actor=None, request=None) -> None:
    """Put the user in exactly one role group; staff access follows the role. Audited."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    previous = user_role(user) if user.pk else None
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.is_staff = role in (MODERATOR, ADMIN)
    user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("_role", None)  # the instance's remembered role is out of date
    if previous != role:
        audit_log("role_changed", request=request, actor=actor, target=user, old=previous, new=role)
