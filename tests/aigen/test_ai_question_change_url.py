"""An AI question's admin page is exams' preview: a change URL that names no id is a 404."""

import pytest

from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_sends_an_ai_questions_page_to_its_preview(client, moderator):
    question = QuestionFactory(source="ai", ai_model="test/model")
    client.force_login(moderator)
    response = client.get(f"/admin/aigen/aiquestion/{question.pk}/change/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/exams/question/{question.pk}/preview/"


@pytest.mark.parametrize("object_id", ["abc", "0", str(2**63), "%00", "1%2fpreview"])
def test_it_answers_404_for_a_change_url_that_names_no_id(client, moderator, object_id):
    client.force_login(moderator)
    assert client.get(f"/admin/aigen/aiquestion/{object_id}/change/").status_code == 404
