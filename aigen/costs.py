"""Prices: USD per 1M tokens from settings.AI_PRICES (a "default" entry prices unlisted models)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

MILLION = Decimal(1_000_000)
MICRO_DOLLAR = Decimal("0.000001")


def model_prices(model: str) -> tuple[Decimal, Decimal]:
    """(prompt, completion) USD per 1M tokens."""
    entry = settings.AI_PRICES.get(model) or settings.AI_PRICES["default"]
    return Decimal(str(entry["prompt"])), Decimal(str(entry["completion"]))


def tokens_cost(*, model: str, prompt_tokens: int, completion_tokens: int) -> Decimal:
    prompt_price, completion_price = model_prices(model)
    cost = (prompt_tokens * prompt_price + completion_tokens * completion_price) / MILLION
    return cost.quantize(MICRO_DOLLAR, rounding=ROUND_HALF_UP)


def prompt_tokens_guess(messages: list[dict]) -> int:
    """About four characters a token: for a provider that reports no usage, and for a request on its way."""
    return sum(len(message["content"]) for message in messages) // 4


def call_cost_estimate(*, model: str, messages: list[dict], count: int) -> Decimal:
    """What a request for `count` questions should cost before its answer says: the prompt, and the
    completion settings.AI_ESTIMATED_TOKENS_PER_QUESTION expects (never more than AI_MAX_TOKENS)."""
    completion_tokens = min(count * settings.AI_ESTIMATED_TOKENS_PER_QUESTION["completion"], settings.AI_MAX_TOKENS)
    return tokens_cost(model=model, prompt_tokens=prompt_tokens_guess(messages), completion_tokens=completion_tokens)


def job_cost_estimate(*, model: str, count: int) -> Decimal:
    """What `count` questions should cost, from settings.AI_ESTIMATED_TOKENS_PER_QUESTION."""
    tokens = settings.AI_ESTIMATED_TOKENS_PER_QUESTION
    return tokens_cost(
        model=model, prompt_tokens=count * tokens["prompt"], completion_tokens=count * tokens["completion"]
    )


def usd(amount: Decimal) -> str:
    """$12.34, or four decimals below a dollar where cents would read as nothing ($0.0042)."""
    return f"${amount:,.2f}" if amount >= 1 or amount == 0 else f"${amount:.4f}"
