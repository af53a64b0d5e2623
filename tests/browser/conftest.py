import os

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from exams.models import Exam
from tests.browser.journeys import EXAM_CODE


@pytest.fixture
def seeded_exam(db):
    call_command("seed", "--env", "test", verbosity=0)
    return Exam.objects.get(code=EXAM_CODE)


@pytest.fixture
def shoot(page: Page, artifacts_dir):
    """Save a full-page screenshot of whatever the page shows now, under a descriptive name."""

    def _shoot(name: str) -> str:
        path = os.path.join(artifacts_dir, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _shoot
