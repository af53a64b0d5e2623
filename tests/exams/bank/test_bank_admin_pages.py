import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.models import Objective, Question
from tests.exams.bank.banks import database_bank
from tests.exams.bank.conftest import FILES
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

CHECK = "/admin/exams/question/bank-check/"
IMPORT = "/admin/exams/question/import/"
CHANGELIST = "/admin/exams/question/"


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes() if content is None else content)


def test_moderators_see_the_bank_check_with_broken_rules_highlighted(moderator_client):
    exam = database_bank()
    page = moderator_client.get(CHECK).content.decode()
    assert '<h2 id="bank-bk-100">BK-100 — Bank Check Exam</h2>' in page
    assert "Every rule kept." in page and "errornote" not in page

    Question.objects.filter(exam=exam, objective__number="2.2", difficulty__gte=4).update(is_active=False)
    page = moderator_client.get(CHECK).content.decode()
    assert '<div class="errornote" role="alert">' in page
    assert "<li>1 objective(s) short of 5 questions with an easy (1–2) and a hard (4–5) one: 2.2.</li>" in page
    assert "<td>2.2 Objective 2.2 <small>(no hard (4–5))</small></td>" in page
    assert '<span class="ptp-status ptp-status-failed">Broken</span>' in page


def test_the_bank_check_shows_one_exam_when_asked(moderator_client):
    database_bank()
    other = QuestionFactory().exam
    page = moderator_client.get(CHECK, {"exam": other.code}).content.decode()
    assert f'id="bank-{other.code.lower()}"' in page and 'id="bank-bk-100"' not in page


def test_the_question_list_links_to_the_bank_pages(moderator_client, test_exam):
    page = moderator_client.get(CHANGELIST).content.decode()
    assert f'href="{CHECK}"' in page and f'href="{IMPORT}"' in page
    assert '<option value="export_json">Export selected questions as JSON (seed format)</option>' in page


def test_learners_are_sent_to_the_admin_sign_in(client, learner, test_exam):
    client.force_login(learner)
    for url in (CHECK, IMPORT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_moderator_imports_a_file_with_the_objective_chosen(moderator_client, test_exam):
    objective = Objective.objects.get(domain__exam=test_exam, number="2.1")
    form = moderator_client.get(IMPORT).content.decode()
    assert '<optgroup label="PTP-100">' in form and f'<option value="{objective.pk}">2.1 Explain authentication factors.</option>' in form

    response = moderator_client.post(IMPORT, {"exam": test_exam.pk, "objective": objective.pk,
                                              "file": upload("moodle_good.xml"), "format": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported 5 questions into PTP-100, pending review." in page
    assert f"?review_status__exact=pending&amp;exam__id__exact={test_exam.pk}" in page
    assert "1 image(s) dropped" in page
    assert Question.objects.filter(exam=test_exam, objective=objective, review_status="pending").count() == 5


def test_a_refused_file_lists_its_problems_and_imports_nothing(moderator_client, test_exam):
    objective = Objective.objects.get(domain__exam=test_exam, number="1.1")
    before = Question.objects.count()
    page = moderator_client.post(IMPORT, {"exam": test_exam.pk, "objective": objective.pk,
                                          "file": upload("gift_missing_brace.gift")}).content.decode()
    assert "Nothing was imported: 1 problem in the file." in page
    assert "Question 1 “First” (line 1): The answer block opened with “{” on line 1 is never closed with “}”." in page
    assert Question.objects.count() == before


@pytest.mark.parametrize("fields, error", [
    ({"file": upload("questions.json", b"{}"), "objective": "999999"}, "Select a valid choice."),
    ({"file": SimpleUploadedFile("bank.docx", b"x")}, "The file&#x27;s extension does not say its format: choose one."),
    ({}, "This field is required."),
])
def test_bad_form_input_gets_a_clear_message(moderator_client, test_exam, fields, error):
    response = moderator_client.post(IMPORT, {"exam": test_exam.pk, **fields})
    assert response.status_code == 200 and error in response.content.decode()


def test_an_objective_of_another_exam_is_refused(moderator_client, test_exam):
    other = QuestionFactory().objective
    page = moderator_client.post(IMPORT, {"exam": test_exam.pk, "objective": other.pk,
                                          "file": upload("questions.json")}).content.decode()
    assert "That objective is not part of PTP-100." in page


def test_the_export_action_downloads_the_selected_questions(moderator_client, test_exam):
    selected = list(Question.objects.filter(seed_key__in=["ptp-100-001", "ptp-100-002"]).values_list("pk", flat=True))
    response = moderator_client.post(CHANGELIST, {"action": "export_json", "_selected_action": selected})
    assert response["Content-Disposition"].startswith('attachment; filename="PTP-100-')
    assert [q["key"] for q in json.loads(response.content)["questions"]] == ["ptp-100-001", "ptp-100-002"]

    response = moderator_client.post(CHANGELIST, {"action": "export_moodle", "_selected_action": selected})
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.count(b'<question type="') == 3  # a category and two questions


def test_exporting_questions_of_two_exams_is_refused(moderator_client, test_exam):
    selected = [Question.objects.filter(exam=test_exam).first().pk, QuestionFactory().pk]
    response = moderator_client.post(CHANGELIST, {"action": "export_json", "_selected_action": selected}, follow=True)
    assert "Select questions of one exam to export" in response.content.decode()
