"""Roles are Django groups: learner (default), moderator (question review and feedback, AI
generation, and the day-to-day of our accounts on X in admin, nothing else) and admin (everything). Permissions are granted by codename so that apps added later
only need to list theirs here."""

from django.contrib.auth.models import Group, Permission

LEARNER, MODERATOR, ADMIN = "learner", "moderator", "admin"
ROLES = (LEARNER, MODERATOR, ADMIN)

# app_label -> model -> actions a moderator may perform in admin
MODERATOR_PERMISSIONS = {
    "exams": {"question": ("view", "change"), "choice": ("view", "add", "change", "delete")},
    "study": {"questionfeedback": ("view", "change")},
    "aigen": {"generationjob": ("view", "add", "change"), "llmcall": ("view",), "aiquestion": ("view", "change")},
    # Growth on X: a moderator keeps the accounts' voices and searches up to date (adding a voice to
    # an account without one, or a search, is part of that) and reviews drafts; what X and our logs
    # recorded is theirs to read. Adding or deleting a brand account is an admin's.
    "growth": {
        "xaccount": ("view", "change"), "voiceprofile": ("view", "add", "change"),
        "watchedsearch": ("view", "add", "change"), "draft": ("view", "change"),
        "opportunity": ("view",), "foundpost": ("view",), "tweet": ("view",), "dailymetrics": ("view",),
        "xapicall": ("view",),
    },
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
