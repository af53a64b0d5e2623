from django.apps import apps
from django.contrib.auth.models import Group

from accounts.audit import audit_log
from accounts.roles import LEARNER, roles_sync
from accounts.signup_source import signup_source_record


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # Permissions are created app by app in post_migrate; assign role permissions after the last.
    if sender.label == list(apps.get_app_configs())[-1].label:
        roles_sync(using=using)


def new_user_is_learner(sender, instance, created, raw=False, **kwargs):
    if created and not raw and not instance.groups.exists():
        instance.groups.add(Group.objects.get_or_create(name=LEARNER)[0])


# --- audit trail of sign-in, sign-out, password and email changes -----------------------------
def _audit(action, request=None, user=None, **detail):
    audit_log(action, request=request, actor=user, target=user, **detail)


def on_logged_in(sender, request, user, **kwargs):
    _audit("login", request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")[:254]
    audit_log("login_failed", request=request, actor=None, email=email)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        _audit("logout", request, user)


def on_password_changed(request, user, **kwargs):
    _audit("password_changed", request, user)


def on_password_reset(request, user, **kwargs):
    _audit("password_reset", request, user)


def on_email_added(request, user, email_address, **kwargs):
    _audit("email_added", request, user, address=email_address.email)


def on_email_changed(request, user, from_email_address, to_email_address, **kwargs):
    _audit("email_changed", request, user, old=getattr(from_email_address, "email", ""), new=to_email_address.email)


def on_email_removed(request, user, email_address, **kwargs):
    _audit("email_removed", request, user, address=email_address.email)


def on_email_confirmed(request, email_address, **kwargs):
    _audit("email_confirmed", request, email_address.user, address=email_address.email)


def on_signed_up(request, user, **kwargs):
    """Any sign-up (email, Google, the API's): the UTM tags the visitor came by go on the account."""
    if request is not None:
        signup_source_record(user=user, request=request)
