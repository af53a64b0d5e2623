"""An exam's code comes from the URL: one no exam can have is a 404, on every database (PostgreSQL
refuses a NUL in a query outright)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["%00", "PTP-100%00", "a" * 500, "%C3%BC%E2%80%AE"])
def test_it_answers_404_for_a_code_no_exam_has(learner_client, test_exam, code):
    assert learner_client.get(f"/exams/{code}/").status_code == 404
    assert learner_client.post(f"/exams/{code}/start/", {"quick": "exam"}).status_code == 404
    assert learner_client.get(f"/exams/{test_exam.code}/").status_code == 200
