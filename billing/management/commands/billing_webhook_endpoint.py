from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from billing.services import webhook_endpoint_ensure


class Command(BaseCommand):
    help = (
        "Create (or update) the dj-stripe WebhookEndpoint row for STRIPE_WEBHOOK_SECRET and print the URL to "
        "give Stripe (Dashboard → Developers → Webhooks, or `stripe listen --forward-to`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="The site's public address, e.g. https://pingtopass.com")
        parser.add_argument("--stripe-id", default="", help="The endpoint's id in Stripe (we_...), if it has one")

    def handle(self, *args, base_url, stripe_id, **options):
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise CommandError("Set STRIPE_WEBHOOK_SECRET (whsec_...) first: it is the endpoint's signing secret.")
        endpoint = webhook_endpoint_ensure(secret=settings.STRIPE_WEBHOOK_SECRET, base_url=base_url, stripe_id=stripe_id)
        self.stdout.write(f"Webhook URL: {endpoint.url}")
        self.stdout.write("Events: checkout.session.completed, customer.subscription.*, invoice.paid, invoice.payment_failed")
