from django.apps import AppConfig


def _subscription_changed(sender, instance, raw=False, **kwargs):
    from billing.entitlements import plan_version_bump

    if not raw and instance.user_id is not None:
        cached = sender._meta.get_field("user").is_cached(instance)
        plan_version_bump([instance.user_id], user=instance.user if cached else None)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from billing.entitlements import plan_version_bump

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set changed: pk_set holds the users; a clear does not say which
        from django.contrib.auth import get_user_model

        plan_version_bump(pk_set if action != "post_clear" else get_user_model().objects.values_list("pk", flat=True))
    else:
        plan_version_bump([instance.pk], user=instance)


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"

    def ready(self):
        from accounts.privacy import register_eraser, register_exporter
        from billing import webhooks
        from billing.privacy import erase_billing_data, export_billing_data

        webhooks.connect()
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        subscription = self.get_model("Subscription")
        post_save.connect(_subscription_changed, sender=subscription, dispatch_uid="billing.plan.subscription.save")
        post_delete.connect(_subscription_changed, sender=subscription, dispatch_uid="billing.plan.subscription.delete")
        m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="billing.plan.groups")
        register_exporter("billing", export_billing_data)
        register_eraser(erase_billing_data)
