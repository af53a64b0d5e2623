"""Moderators author performance-based questions in admin: the data is checked by its type's
content rules, a hotspot's diagram is drawn on the form, and the preview shows the card."""

import json

import pytest

from exams.models import Question
from tests.exams.test_exhibit_upload_faults import question_form
from tests.factories import QuestionFactory, firewall_table, network_hotspot

pytestmark = pytest.mark.django_db


def table_form(question, data) -> dict:
    return question_form(question, stem="Complete the rules.", explanation="First match wins.", points=3,
                         simulation_data=json.dumps(data))


def test_a_rule_table_is_saved_with_its_data_and_points(client, admin_user):
    question = QuestionFactory(type=Question.Type.TABLE)
    data = firewall_table()
    data["rows"][0]["cells"]["port"] = {"answer": ["443", "8443"]}
    client.force_login(admin_user)
    response = client.post(f"/admin/exams/question/{question.pk}/change/", table_form(question, data))
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert question.points == 3 and question.simulation_data["rows"][0]["cells"]["port"] == {"answer": ["443", "8443"]}


def test_data_that_breaks_the_types_rules_is_refused_with_the_reason(client, moderator):
    question = QuestionFactory(type=Question.Type.TABLE)
    data = firewall_table()
    data["rows"][0]["cells"]["port"] = {"answer": "https"}
    client.force_login(moderator)
    page = client.post(f"/admin/exams/question/{question.pk}/change/", table_form(question, data)).content.decode()
    assert "Row 1, Port: the answer &#x27;https&#x27; is not a port number from 0 to 65535." in page
    not_json = client.post(f"/admin/exams/question/{question.pk}/change/",
                           {**table_form(question, {}), "simulation_data": "{rows"}).content.decode()
    assert "Enter a valid JSON." in not_json
    question.refresh_from_db()
    assert question.stem != "Complete the rules."


def test_a_choice_question_takes_no_data(client, moderator):
    question = QuestionFactory()
    client.force_login(moderator)
    page = client.post(f"/admin/exams/question/{question.pk}/change/",
                       question_form(question, simulation_data='{"zones": []}')).content.decode()
    assert "This question type takes no simulation data." in page


def test_a_hotspot_form_draws_its_diagram_and_the_preview_shows_the_card(client, moderator):
    question = QuestionFactory(type=Question.Type.HOTSPOT, simulation_data=network_hotspot())
    client.force_login(moderator)
    form = client.get(f"/admin/exams/question/{question.pk}/change/").content.decode()
    assert "data-hotspot-authoring" in form and "edge ← fw" in form and "js/admin-authoring.js" in form
    preview = client.get(f"/admin/exams/question/{question.pk}/preview/").content.decode()
    assert 'name="zone-0"' in preview and "Access point" in preview  # the card's list boxes
    assert "The WAF inspects HTTP in front of the web tier." in preview and "Expected" in preview
