"""What a screen reader relies on in the markup: unique ids, references that resolve, errors tied
to their fields and announced, chart data as tables, sentence case on the account pages."""

import re

import pytest
from django.test import Client

from study.models import StudySession
from study.services import answer_record, session_submit
from tests.accessibility.markup import assert_ids_sound
from tests.answers import correct_post_data, wrong_post_data

pytestmark = pytest.mark.django_db


def finished_session(start, user) -> StudySession:
    session = start(user, count=8)
    for item in session.items.order_by("position"):
        data = correct_post_data(item) if item.position % 2 else wrong_post_data(item)
        answer_record(item=item, data=data, client_seconds=15)
    return session_submit(session=session)


def test_it_repeats_no_id_on_the_review_page(learner_client, learner, start):
    session = finished_session(start, learner)
    html = learner_client.get(f"/sessions/{session.pk}/review/").content.decode()
    assert html.count("Report a problem") == 8
    assert_ids_sound(html, "the review page")
    # Every report form's fields are labelled by the label around them.
    assert len(re.findall(r'<label class="field">What is wrong\?<select name="kind"', html)) == 8


def test_every_reference_resolves_on_the_learners_pages(learner_client, learner, start):
    session = finished_session(start, learner)
    running = start(learner, count=8)
    pages = ["/dashboard/", "/account/settings/", "/account/delete/", "/sessions/", f"/exams/{session.exam.code}/",
             f"/sessions/{session.pk}/results/", f"/sessions/{running.pk}/q/1/", "/account/billing/"]
    for path in pages:
        response = learner_client.get(path)
        assert response.status_code == 200, path
        assert_ids_sound(response.content.decode(), path)


def test_every_reference_resolves_on_forms_returned_with_errors(learner_client):
    client = Client()  # signed out
    refused = {
        "settings": learner_client.post("/account/settings/", {"display_name": "x" * 500, "timezone": "Nowhere/Atlantis"}),
        "delete account": learner_client.post("/account/delete/", {"password": "wrong", "confirm": "no"}),
        "sign in": client.post("/accounts/login/", {"login": "nobody@example.com", "password": "nope"}),
        "sign up": client.post("/accounts/signup/", {"email": "not-an-email", "password1": "a", "password2": "b"}),
    }
    for where, response in refused.items():
        assert response.status_code in (200, 400), where
        assert 'aria-invalid="true"' in response.content.decode() or where == "sign in", where
        assert_ids_sound(response.content.decode(), where)


def test_sign_in_errors_are_announced(client):
    html = client.post("/accounts/login/", {"login": "nobody@example.com", "password": "nope"}).content.decode()
    summary = re.search(r'<div class="alert alert-error form-errors" role="alert" data-error-summary>(.*?)</div>', html, re.S)
    assert summary and "not correct" in summary.group(1)


def test_sign_up_errors_are_tied_to_their_fields_and_listed(client):
    html = client.post("/accounts/signup/", {"email": "not-an-email", "password1": "a", "password2": "b"}).content.decode()
    email = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email
    described_by = re.search(r'aria-describedby="([^"]+)"', email).group(1).split()
    assert "id_email_error" in described_by
    error = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', html, re.S).group(1)
    assert "valid email" in error
    summary = re.search(r'role="alert" data-error-summary>(.*?)</div>', html, re.S).group(1)
    assert '<a href="#id_email">Email: ' in summary


def test_account_pages_are_in_sentence_case(client):
    html = client.get("/accounts/login/").content.decode()
    assert "<title>Sign in · PingToPass</title>" in html
    assert "<h1>Sign in</h1>" in html
    assert re.search(r"<button[^>]*type=\"submit\"[^>]*>Sign in</button>", html)
    assert re.search(r"<label>\s*<input[^>]*name=\"remember\"[^>]*> Remember me</label>", html)
    for title_case in ("Sign In", "Remember Me"):
        assert title_case not in html
    assert "<h1>Sign up</h1>" in client.get("/accounts/signup/").content.decode()


def test_settings_render_every_field_of_the_form(learner_client):
    from accounts.forms import SettingsForm

    html = learner_client.get("/account/settings/").content.decode()
    for name in SettingsForm.base_fields:
        assert f'name="{name}"' in html, name


def test_the_dashboard_trend_has_its_values_in_a_table(learner_client, learner, start, pro):
    finished_session(start, learner)
    html = learner_client.get("/dashboard/").content.decode()
    table = re.search(r'<details class="data-table">(.*?)</details>', html, re.S).group(1)
    assert "<summary>Trend as a table</summary>" in table
    assert re.search(r'<th scope="row">This week</th><td class="num">50%</td>', table)
    assert "<th scope=\"col\" class=\"num\">Readiness</th>" in table


def test_the_account_menu_is_a_disclosure_named_by_what_it_shows(learner_client, learner):
    html = learner_client.get("/dashboard/").content.decode()
    menu = re.search(r'<details class="menu account-menu">(.*?)</details>', html, re.S).group(1)
    assert 'role="menu' not in menu and "aria-label=\"Account menu\"" not in menu
    summary = re.search(r"<summary>(.*?)</summary>", menu, re.S).group(1)
    assert f'<span class="small account-name">{learner.name}</span>' in summary
    assert menu.count("<li>") + menu.count('<li class="menu-signout">') == 5
