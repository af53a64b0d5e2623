"""The chat client: the `openai` package against any OpenAI-compatible endpoint (OpenRouter by
default), with OpenRouter's attribution headers, a timeout, and retries with exponential backoff
on 429, 5xx, timeouts and dropped connections. Every HTTP attempt is reported to the caller's
recorder before it leaves and again when it returns, so it is on record even if the process dies
while waiting; the openai package's own retries are off because they would hide attempts."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import openai
from django.conf import settings
from openai.types.chat import ChatCompletion

from aigen.costs import prompt_tokens_guess
from aigen.models import LLMCall
from aigen.schema import response_format

Outcome = LLMCall.Outcome
RETRYABLE = {Outcome.RATE_LIMITED, Outcome.SERVER_ERROR, Outcome.TIMEOUT, Outcome.CONNECTION_ERROR}
RAW_CHARS = 200_000  # kept per attempt for audit


@dataclass
class Attempt:
    outcome: str
    latency_ms: int
    status_code: int | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    raw: str = ""
    error: str = ""
    retry_after: float | None = None


class CallRecorder(Protocol):
    def sent(self) -> None:
        """An attempt is about to leave."""

    def answered(self, attempt: Attempt | None) -> None:
        """It came back (or failed, or timed out) as `attempt`; None: an unexpected exception ended it."""


class LLMFailed(Exception):
    """No attempt produced an answer; the recorder was told what happened to each."""


def _retry_after(headers) -> float | None:
    try:
        return float(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None


class LLMClient:
    def __init__(
        self, *, base_url: str, api_key: str, model: str, timeout: float, max_retries: int,
        retry_base_seconds: float, retry_max_seconds: float, max_tokens: int, site_url: str,
        throttle: Callable[[], None] | None = None,
    ):
        self.model = model
        self.max_retries = max_retries
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self.max_tokens = max_tokens
        self.throttle = throttle
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0,
            default_headers={"HTTP-Referer": site_url, "X-Title": "PingToPass"},
        )

    @classmethod
    def from_settings(cls, *, throttle: Callable[[], None] | None = None) -> "LLMClient":
        return cls(
            base_url=settings.AI_BASE_URL, api_key=settings.AI_API_KEY, model=settings.AI_MODEL,
            timeout=settings.AI_TIMEOUT_SECONDS, max_retries=settings.AI_MAX_RETRIES,
            retry_base_seconds=settings.AI_RETRY_BASE_SECONDS, retry_max_seconds=settings.AI_RETRY_MAX_SECONDS,
            max_tokens=settings.AI_MAX_TOKENS, site_url=settings.AI_SITE_URL, throttle=throttle,
        )

    def complete(self, messages: list[dict], *, recorder: CallRecorder, structured: bool = True) -> str:
        """The model's answer text. Structured output is asked for first; a 400 (a model or
        provider without json_schema support) is retried once without it."""
        attempts = retries = 0
        while True:
            if self.throttle:
                self.throttle()
            recorder.sent()
            attempt = None
            try:
                attempt, text = self._request(messages, structured=structured)
            finally:
                recorder.answered(attempt)
            attempts += 1
            if attempt.outcome == Outcome.OK:
                return text
            if attempt.status_code == 400 and structured:
                structured = False
                continue
            if attempt.outcome not in RETRYABLE or retries >= self.max_retries:
                raise LLMFailed(f"{attempt.error} (after {attempts} attempt(s))")
            retries += 1
            time.sleep(self._backoff(retries, attempt.retry_after))

    def _backoff(self, retry: int, retry_after: float | None) -> float:
        delay = self.retry_base_seconds * 2 ** (retry - 1)
        if retry_after:
            delay = max(delay, retry_after)
        delay = min(delay, self.retry_max_seconds)
        return delay + random.uniform(0, delay / 10)  # jitter: workers that failed together retry apart

    def _request(self, messages: list[dict], *, structured: bool) -> tuple[Attempt, str]:
        kwargs = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens, "temperature": 0.7}
        if structured:
            kwargs["response_format"] = response_format()
        started = time.monotonic()

        def elapsed() -> int:
            return round((time.monotonic() - started) * 1000)

        try:
            raw = self._client.chat.completions.with_raw_response.create(**kwargs)
            body = raw.http_response.text[:RAW_CHARS]
            completion = raw.parse()
        except openai.APITimeoutError:
            return Attempt(Outcome.TIMEOUT, elapsed(), error="The model did not answer in time."), ""
        except openai.APIConnectionError as exc:
            return Attempt(Outcome.CONNECTION_ERROR, elapsed(), error=f"Connection failed: {exc}"), ""
        except openai.APIStatusError as exc:
            status = exc.status_code
            outcome = Outcome.RATE_LIMITED if status == 429 else Outcome.SERVER_ERROR if status >= 500 else Outcome.CLIENT_ERROR
            return Attempt(
                outcome, elapsed(), status_code=status, raw=exc.response.text[:RAW_CHARS],
                error=f"HTTP {status}: {exc.message}"[:1000], retry_after=_retry_after(exc.response.headers),
            ), ""
        except openai.APIError as exc:  # a 200 whose body is not a chat completion
            return Attempt(Outcome.INVALID, elapsed(), status_code=200, error=f"Unreadable response: {exc}"), ""
        if not isinstance(completion, ChatCompletion):
            # A proxy's HTML error page or a wrong AI_BASE_URL answers 200 with something else;
            # the openai client hands that back as a plain string.
            return Attempt(
                Outcome.INVALID, elapsed(), status_code=raw.http_response.status_code, raw=body,
                error=f"The answer was not a chat completion ({raw.http_response.headers.get('content-type', 'no content type')}).",
            ), ""

        usage = getattr(completion, "usage", None)
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        text = (getattr(message, "content", None) or "") if message else ""
        attempt = Attempt(
            Outcome.OK, elapsed(), status_code=raw.http_response.status_code, raw=body,
            prompt_tokens=usage.prompt_tokens if usage else prompt_tokens_guess(messages),
            completion_tokens=usage.completion_tokens if usage else len(text) // 4,
        )
        if not text.strip():
            attempt.outcome, attempt.error = Outcome.INVALID, "The answer was empty."
        return attempt, text
