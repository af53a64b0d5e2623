"""What is on sale: the Pro prices, whether payments are set up, and who gets a trial."""

from dataclasses import dataclass

from django.conf import settings

from billing.models import Subscription

CURRENCY_SIGNS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def money(cents: int, currency: str) -> str:
    amount = f"{cents / 100:,.2f}".removesuffix(".00")
    sign = CURRENCY_SIGNS.get(currency.lower())
    return f"{sign}{amount}" if sign else f"{amount} {currency.upper()}"


@dataclass(frozen=True)
class PriceOption:
    key: str  # "monthly" or "yearly", what the pricing page posts
    price_id: str  # Stripe Price id; empty when not configured
    interval: str  # "month" or "year"
    amount_cents: int
    currency: str

    @property
    def amount(self) -> str:
        return money(self.amount_cents, self.currency)

    @property
    def per_month(self) -> str:
        return money(round(self.amount_cents / 12), self.currency) if self.interval == "year" else self.amount


def payments_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and (settings.STRIPE_PRICE_PRO_MONTHLY or settings.STRIPE_PRICE_PRO_YEARLY))


def price_options() -> list[PriceOption]:
    """Monthly and yearly Pro, with the amounts of the Prices dj-stripe has synced from Stripe (so
    the page shows what Checkout will charge) or, before any sync, those set in settings."""
    from djstripe.models import Price

    configured = [
        ("monthly", settings.STRIPE_PRICE_PRO_MONTHLY, "month", settings.BILLING_PRO_MONTHLY_CENTS),
        ("yearly", settings.STRIPE_PRICE_PRO_YEARLY, "year", settings.BILLING_PRO_YEARLY_CENTS),
    ]
    synced = {p.id: p.stripe_data for p in Price.objects.filter(id__in=[pid for _, pid, _, _ in configured if pid])}
    options = []
    for key, price_id, interval, cents in configured:
        data = synced.get(price_id, {})  # a tiered Price has no unit amount: the configured one stands
        options.append(PriceOption(
            key=key, price_id=price_id, interval=(data.get("recurring") or {}).get("interval", interval),
            amount_cents=data.get("unit_amount") or cents, currency=data.get("currency", settings.BILLING_CURRENCY),
        ))
    return options


def price_option(key: str) -> PriceOption | None:
    return next((o for o in price_options() if o.key == key and o.price_id), None)


def trial_days_for(user) -> int:
    """A trial comes with a first subscription only."""
    if settings.STRIPE_TRIAL_DAYS <= 0 or Subscription.objects.filter(user=user).exists():
        return 0
    return settings.STRIPE_TRIAL_DAYS
