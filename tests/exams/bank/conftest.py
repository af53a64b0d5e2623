from pathlib import Path

import pytest

from exams.models import Objective

FILES = Path(__file__).parent / "files"


@pytest.fixture
def objective(test_exam):
    """PTP-100's objective 1.2 (the test seed: objectives 1.1, 1.2 and 2.1, eight approved questions)."""
    return Objective.objects.get(domain__exam=test_exam, number="1.2")
