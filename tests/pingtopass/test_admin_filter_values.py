"""Admin lists filter by any field named in the query string; a whole number no 64-bit column
holds is refused there (400) instead of reaching SQLite's driver, which raised (a 500)."""

import pytest

from pingtopass.params import whole_numbers_fit
from tests.factories import LLMCallFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/exams/question/", "/admin/aigen/aiquestion/", "/admin/aigen/llmcall/"])
@pytest.mark.parametrize("value", [str(2**63), str(-(2**63) - 1), "9" * 40, f"1,{2**64}"])
def test_it_refuses_a_filter_by_a_number_no_column_holds(client, admin_user, url, value):
    client.force_login(admin_user)
    assert client.get(url, {"objective": value}).status_code == 400
    assert client.get(url, {"id__in": value}).status_code == 400


def test_it_still_filters_by_an_id(client, admin_user):
    question = QuestionFactory()
    call = LLMCallFactory(objective=question.objective)
    client.force_login(admin_user)
    listed = client.get("/admin/exams/question/", {"objective": question.objective_id})
    assert listed.status_code == 200 and f"/admin/exams/question/{question.pk}/change/" in listed.content.decode()
    listed = client.get("/admin/aigen/llmcall/", {"objective": question.objective_id})
    assert listed.status_code == 200 and f"/admin/aigen/llmcall/{call.pk}/change/" in listed.content.decode()


def test_it_tells_which_numbers_fit():
    assert whole_numbers_fit(str(2**63 - 1)) and whole_numbers_fit(str(-(2**63))) and whole_numbers_fit("1,2, 3")
    assert whole_numbers_fit("abc") and whole_numbers_fit("") and whole_numbers_fit("9" * 5000)  # not numbers
    assert not whole_numbers_fit(str(2**63)) and not whole_numbers_fit(f"1,{-(2**63) - 1}")
