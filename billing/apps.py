from django.apps import AppConfig


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"

    def ready(self):
        from accounts.privacy import register_eraser, register_exporter
        from billing import webhooks
        from billing.privacy import erase_billing_data, export_billing_data

        webhooks.connect()
        register_exporter("billing", export_billing_data)
        register_eraser(erase_billing_data)
