from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from allauth.account import signals as allauth_signals
        from django.contrib.auth import signals as auth_signals

        from accounts import signals
        from accounts.privacy import register_exporter
        from accounts.signup_source import signup_source_export

        post_migrate.connect(signals.sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        post_save.connect(signals.new_user_is_learner, sender=self.get_model("User"), dispatch_uid="accounts.learner")
        connections = [
            (auth_signals.user_logged_in, signals.on_logged_in),
            (auth_signals.user_login_failed, signals.on_login_failed),
            (auth_signals.user_logged_out, signals.on_logged_out),
            (allauth_signals.password_changed, signals.on_password_changed),
            (allauth_signals.password_set, signals.on_password_changed),
            (allauth_signals.password_reset, signals.on_password_reset),
            (allauth_signals.email_added, signals.on_email_added),
            (allauth_signals.email_changed, signals.on_email_changed),
            (allauth_signals.email_removed, signals.on_email_removed),
            (allauth_signals.email_confirmed, signals.on_email_confirmed),
        ]
        for signal, receiver in connections:
            signal.connect(receiver, dispatch_uid=f"accounts.audit.{receiver.__name__}.{id(signal)}")
        allauth_signals.user_signed_up.connect(signals.on_signed_up, dispatch_uid="accounts.signup_source")
        register_exporter("signup_source", signup_source_export)
