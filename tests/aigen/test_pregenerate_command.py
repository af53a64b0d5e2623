from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aigen.models import GenerationJob
from tests.factories import DomainFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam():
    domain = DomainFactory(exam__code="SY0-701")
    ObjectiveFactory(domain=domain, number="1.1")
    ObjectiveFactory(domain=domain, number="1.2")
    return domain.exam


def test_it_starts_one_job_per_objective(fake_llm, exam):
    out = StringIO()
    call_command("pregenerate", "sy0-701", "--per-objective", "3", stdout=out)
    assert "2 job(s) started for SY0-701." in out.getvalue()
    assert "3 questions for 1.1" in out.getvalue() and "3 questions for 1.2" in out.getvalue()
    assert sorted(GenerationJob.objects.values_list("requested_count", flat=True)) == [3, 3]


def test_it_needs_generation_configured(exam):
    with pytest.raises(CommandError, match="AI generation is not configured"):
        call_command("pregenerate", "SY0-701", stdout=StringIO())


def test_it_names_an_unknown_exam(fake_llm, exam):
    with pytest.raises(CommandError, match="No exam with code 'XX-000'."):
        call_command("pregenerate", "XX-000", stdout=StringIO())
