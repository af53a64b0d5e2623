import pytest
from django.db import IntegrityError, transaction

from exams.models import Choice, Exam, Question
from tests.factories import DomainFactory, ExamFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_a_single_choice_question_cannot_get_a_second_correct_choice():
    question = QuestionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.create(question=question, text="Also right?", is_correct=True, explanation="x", position=9)
    wrong = question.choices.filter(is_correct=False).first()
    wrong.is_correct = True
    with pytest.raises(IntegrityError), transaction.atomic():
        wrong.save()


def test_a_multiple_choice_question_may_have_several_correct_choices():
    question = QuestionFactory(type="multiple", choose_count=2)
    assert question.choices.filter(is_correct=True).count() == 2


def test_a_question_objective_must_belong_to_the_question_exam():
    other_objective = ObjectiveFactory()
    question = QuestionFactory()
    question.objective = other_objective
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(exam=ExamFactory(), objective=other_objective, stem="?", explanation="!")


@pytest.mark.parametrize(
    "fields",
    [{"difficulty": 6}, {"difficulty": 0}, {"type": "single", "choose_count": 2}, {"type": "multiple", "choose_count": 1},
     {"source": "ai", "ai_model": ""}],
    ids=["difficulty-6", "difficulty-0", "single-choose-2", "multiple-choose-1", "ai-without-model"],
)
def test_question_check_constraints(fields):
    objective = ObjectiveFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(exam=objective.domain.exam, objective=objective, stem="?", explanation="!", **fields)


def test_exam_codes_are_unique_and_scales_sane():
    ExamFactory(code="DUP-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamFactory(code="DUP-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamFactory(score_min=500, score_max=400)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamFactory(passing_score=1000, score_max=900)


def test_domain_weights_are_in_range_and_numbers_unique_per_exam():
    exam = ExamFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainFactory(exam=exam, weight=101)
    DomainFactory(exam=exam, number="1.0")
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainFactory(exam=exam, number="1.0")


def _exam_form(weights):
    data = {
        "code": "NEW-1", "name": "New", "vendor": "V", "category": "", "description": "", "vendor_url": "",
        "score_min": 100, "score_max": 900, "passing_score": 700, "question_count": 10, "duration_minutes": 30,
        "price": "0", "guessing_floor": "0.25", "is_active": "on",
        "domains-TOTAL_FORMS": len(weights), "domains-INITIAL_FORMS": 0, "domains-MIN_NUM_FORMS": 0, "domains-MAX_NUM_FORMS": 1000,
    }
    for i, weight in enumerate(weights):
        data.update({f"domains-{i}-position": i, f"domains-{i}-number": f"{i + 1}.0", f"domains-{i}-name": f"D{i}", f"domains-{i}-weight": weight})
    return data


def test_admin_refuses_domain_weights_that_do_not_sum_to_100(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/exams/exam/add/", _exam_form([40, 50]))
    assert response.status_code == 200
    assert "Domain weights must sum to 100% (they sum to 90%)." in response.content.decode()
    assert not Exam.objects.filter(code="NEW-1").exists()
    ok = client.post("/admin/exams/exam/add/", _exam_form([40, 60]))
    assert ok.status_code == 302
    assert Exam.objects.get(code="NEW-1").weights_total() == 100


def test_admin_refuses_a_single_choice_question_with_two_correct_choices(client, admin_user):
    question = QuestionFactory()
    client.force_login(admin_user)
    url = f"/admin/exams/question/{question.pk}/change/"
    data = {
        "exam": question.exam_id, "objective": question.objective_id, "type": "single", "choose_count": 1,
        "difficulty": 3, "stem": question.stem, "explanation": "x", "reference_url": "", "tags": "",
        "is_active": "on", "review_status": "approved", "review_note": "",
        "choices-TOTAL_FORMS": 4, "choices-INITIAL_FORMS": 4, "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
    }
    for i, choice in enumerate(question.choices.all()):
        data.update({
            f"choices-{i}-id": choice.pk, f"choices-{i}-question": question.pk, f"choices-{i}-position": choice.position,
            f"choices-{i}-text": choice.text, f"choices-{i}-explanation": "why", f"choices-{i}-match_text": "",
            **({f"choices-{i}-is_correct": "on"} if i < 2 else {}),
        })
    response = client.post(url, data)
    assert response.status_code == 200
    assert "exactly one correct choice (it has 2)" in response.content.decode()
    assert question.choices.filter(is_correct=True).count() == 1


def test_admin_moves_the_correct_answer_to_an_earlier_choice(client, admin_user):
    question = QuestionFactory()
    question.choices.update(is_correct=False)
    question.choices.filter(pk=question.choices.last().pk).update(is_correct=True)
    choices = list(question.choices.all())
    client.force_login(admin_user)
    data = {
        "exam": question.exam_id, "objective": question.objective_id, "type": "single", "choose_count": 1,
        "difficulty": 3, "stem": question.stem, "explanation": "x", "reference_url": "", "tags": "",
        "is_active": "on", "review_status": "approved", "review_note": "",
        "choices-TOTAL_FORMS": len(choices), "choices-INITIAL_FORMS": len(choices), "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i, choice in enumerate(choices):
        data.update({
            f"choices-{i}-id": choice.pk, f"choices-{i}-question": question.pk, f"choices-{i}-position": choice.position,
            f"choices-{i}-text": choice.text, f"choices-{i}-explanation": "why", f"choices-{i}-match_text": "",
            **({f"choices-{i}-is_correct": "on"} if i == 0 else {}),
        })
    response = client.post(f"/admin/exams/question/{question.pk}/change/", data)
    assert response.status_code == 302
    assert [c.is_correct for c in question.choices.all()] == [i == 0 for i in range(len(choices))]


def test_an_objective_with_questions_cannot_be_deleted_but_its_exam_can():
    from django.db.models import RestrictedError

    question = QuestionFactory()
    with pytest.raises(RestrictedError), transaction.atomic():
        question.objective.delete()
    question.exam.delete()
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_domain_edited_on_its_own_keeps_the_exam_at_100_percent(client, admin_user):
    exam = ExamFactory()
    first = DomainFactory(exam=exam, number="1.0", weight=60)
    DomainFactory(exam=exam, number="2.0", weight=40)
    client.force_login(admin_user)
    url = f"/admin/exams/domain/{first.pk}/change/"
    data = {"exam": exam.pk, "number": "1.0", "name": first.name, "position": first.position, "weight": 70,
            "objectives-TOTAL_FORMS": 0, "objectives-INITIAL_FORMS": 0, "objectives-MIN_NUM_FORMS": 0,
            "objectives-MAX_NUM_FORMS": 1000}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Domain weights must sum to 100% (they sum to 110%). Change the weights together" in response.content.decode()
    first.refresh_from_db()
    assert first.weight == 60
    assert client.post(url, {**data, "name": "Renamed", "weight": 60}).status_code == 302
    assert client.get(f"/admin/exams/domain/{first.pk}/delete/").status_code == 403
