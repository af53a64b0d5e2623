import pytest

from tests.aigen.fake_llm import FakeLLM


@pytest.fixture(autouse=True)
def _no_real_llm(settings):
    # Whatever .env says, no test reaches a real model: generation is off unless `fake_llm` is used.
    settings.AI_API_KEY = ""
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"


@pytest.fixture
def fake_llm(settings):
    """A scripted OpenAI-compatible server on loopback; generation is configured to use it."""
    server = FakeLLM().start()
    settings.AI_BASE_URL = server.base_url
    settings.AI_API_KEY = "test-key"
    settings.AI_MODEL = "test/model"
    settings.AI_PRICES = {"test/model": {"prompt": 1.0, "completion": 2.0}, "default": {"prompt": 5.0, "completion": 5.0}}
    settings.AI_TIMEOUT_SECONDS = 0.5
    settings.AI_MAX_RETRIES = 2
    settings.AI_RETRY_BASE_SECONDS = 0.01
    settings.AI_REQUESTS_PER_MINUTE = 1000
    settings.AI_FAILURE_BUDGET = 3
    settings.AI_BATCH_SIZE = 10
    settings.AI_MONTHLY_BUDGET_USD = 50.0
    yield server
    server.stop()
