"""Billing learns a learner's use of the free plan from study without importing it (billing/usage.py)."""

import pytest

from billing.entitlements import ADAPTIVE_MODE, EXAM_MODE, entitlements_for
from billing.usage import usage_source
from study.allowance import StudyUsage
from study.models import StudySession

pytestmark = pytest.mark.django_db


def test_it_names_the_modes_as_study_stores_them():
    assert (EXAM_MODE, ADAPTIVE_MODE) == (StudySession.Mode.EXAM, StudySession.Mode.ADAPTIVE)


def test_it_counts_the_simulations_study_started(learner, start, test_exam):
    assert isinstance(usage_source(), StudyUsage)
    start(learner, mode=StudySession.Mode.EXAM)
    start(learner, mode=StudySession.Mode.PRACTICE, count=3)
    assert usage_source().simulations_used(learner, test_exam.pk) == 1
    assert entitlements_for(learner).simulations_left(test_exam) == 0  # the free plan has one
