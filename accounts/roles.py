"""Roles are Django groups: learner (default), moderator (question review and feedback in admin,
nothing else) and admin (everything). Permissions are granted by codename so that apps added later
only need to list theirs here."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

LEARNER, MODERATOR, ADMIN = "learner", "moderator", "admin"
ROLES = (LEARNER, MODERATOR, ADMIN)

# app_label -> model -> actions a moderator may perform in admin
MODERATOR_PERMISSIONS = {
    "exams": {"question": ("view", "change"), "choice": ("view", "add", "change", "delete")},
    "study": {"questionfeedback": ("view", "change")},
    "aigen": {"generationjob": ("view", "add", "change"), "llmcall": ("view",), "aiquestion": ("view", "change")},
}


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in ROLES}
    wanted = []
    for models in MODERATOR_PERMISSIONS.values():
        for model, actions in models.items():
            wanted += [f"{action}_{model}" for action in actions]
    moderator_perms = Permission.objects.using(using).filter(
        content_type__app_label__in=MODERATOR_PERMISSIONS.keys(), codename__in=wanted
    )
    groups[MODERATOR].permissions.set(moderator_perms)
    groups[ADMIN].permissions.set(Permission.objects.using(using).all())


def role_from(*, is_superuser: bool, group_names) -> str:
    """The role a superuser flag and a set of group names make."""
    if is_superuser:
        return ADMIN
    for role in (ADMIN, MODERATOR):
        if role in group_names:
            return role
    return LEARNER


def user_role(user) -> str:
    if user.is_superuser:
        return ADMIN
    return role_from(is_superuser=False, group_names={g.name for g in user.groups.all()})


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
        from accounts.audit import audit_log

        audit_log("role_changed", request=request, actor=actor, target=user, old=previous, new=role)
