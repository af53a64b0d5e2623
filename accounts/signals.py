from django.apps import apps

from accounts.roles import LEARNER, roles_sync


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # Permissions are created app by app in post_migrate; assign role permissions after the last.
    if sender.label == list(apps.get_app_configs())[-1].label:
        roles_sync(using=using)


def new_user_is_learner(sender, instance, created, raw=False, **kwargs):
    if created and not raw and not instance.groups.exists():
        from django.contrib.auth.models import Group

        instance.groups.add(Group.objects.get_or_create(name=LEARNER)[0])
