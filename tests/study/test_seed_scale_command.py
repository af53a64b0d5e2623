from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.models import User
from exams.models import Exam, Question, QuestionSlot
from exams.selectors import SelectionCriteria, question_sample_by_blueprint
from study.models import SessionItem

pytestmark = pytest.mark.django_db


def test_scale_seed_builds_a_synthetic_exam_with_learners_and_answers():
    out = StringIO()
    call_command("seed", "--scale", "200", "--learners", "3", "--answers", "100", stdout=out)
    exam = Exam.objects.get(code="SCALE-200")
    assert Question.objects.servable().filter(exam=exam).count() == 200
    assert QuestionSlot.objects.filter(question__exam=exam).count() == 200
    assert set(Question.objects.filter(exam=exam).values_list("difficulty", flat=True)) == {1, 2, 3, 4, 5}
    assert exam.domains.count() == 5 and sum(exam.domains.values_list("weight", flat=True)) == 100
    assert User.objects.filter(email__startswith="load-").count() == 3
    assert EmailAddress.objects.filter(email__startswith="load-", verified=True).count() == 3
    assert SessionItem.objects.filter(session__exam=exam, response__isnull=False).count() == 100
    assert len(question_sample_by_blueprint(SelectionCriteria(exam=exam), 65)) == 65
    assert "Done in" in out.getvalue()
    call_command("seed", "--scale", "200", "--learners", "3", "--answers", "100", stdout=StringIO())
    assert Exam.objects.filter(code="SCALE-200").count() == 1
    assert User.objects.filter(email__startswith="load-").count() == 3


def test_scale_seed_refuses_silly_sizes():
    with pytest.raises(CommandError, match="between 10 and"):
        call_command("seed", "--scale", "3", stdout=StringIO())
