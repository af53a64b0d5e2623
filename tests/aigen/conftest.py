import pytest

from tests.aigen.fake_llm import FakeLLM, configure_generation


@pytest.fixture(autouse=True)
def _no_real_llm(settings):
    # Whatever .env says, no test reaches a real model: generation is off unless `fake_llm` is used.
    settings.AI_API_KEY = ""
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"


@pytest.fixture
def fake_llm(settings):
    """A scripted OpenAI-compatible server on loopback; generation is configured to use it."""
    server = FakeLLM().start()
    configure_generation(settings, server)
    yield server
    server.stop()
