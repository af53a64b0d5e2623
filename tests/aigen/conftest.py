import pytest


@pytest.fixture(autouse=True)
def _no_real_llm(settings):
    # Whatever .env says, no test reaches a real model: generation is off unless `fake_llm` is used.
    settings.AI_API_KEY = ""
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"
