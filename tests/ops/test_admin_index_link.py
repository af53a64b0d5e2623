"""The admin's index leads staff to the analytics page."""

import re

import pytest

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<div class="module" id="operations-module">.*?<a href="([^"]+)">Staff analytics</a>', re.S)


@pytest.mark.parametrize("role", ["moderator", "admin_user"])
def test_it_shows_staff_a_link_to_the_analytics_page_that_opens(client, role, request):
    client.force_login(request.getfixturevalue(role))

    index = client.get("/admin/")

    assert index.status_code == 200
    html = index.content.decode()
    [href] = LINK.findall(html)
    assert href == "/ops/analytics/"
    assert 'id="recent-actions-module"' in html and html.count('id="content-related"') == 1
    page = client.get(href)
    assert page.status_code == 200 and "<h1>Staff analytics</h1>" in page.content.decode()


def test_it_is_not_shown_to_a_learner(learner_client):
    response = learner_client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "Staff analytics" not in response.content.decode()
