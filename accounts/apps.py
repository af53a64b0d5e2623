from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from accounts import signals

        post_migrate.connect(signals.sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        post_save.connect(signals.new_user_is_learner, sender=self.get_model("User"), dispatch_uid="accounts.learner")
