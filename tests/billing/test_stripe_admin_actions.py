"""dj-stripe's admin actions (sync from Stripe, cancel a subscription) post to one URL per model
admin. It is served checked (billing.admin.stripe_admin_action): only someone who may change the
model runs them, only dj-stripe's own actions, and an unknown name is a 404, not a 500."""

import pytest

pytestmark = pytest.mark.django_db

RESYNC = "/admin/djstripe/customer/action/_resync_instances/customer/"


def test_it_refuses_a_moderator_who_may_not_change_stripe_rows(client, moderator):
    client.force_login(moderator)
    assert client.post(RESYNC, {"_selected_action": []}).status_code == 403
    cancel = "/admin/djstripe/subscription/action/_cancel/subscription/"
    assert client.post(cancel, {"_selected_action": ["1"]}).status_code == 403


def test_it_shows_an_admin_dj_stripes_confirmation_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(RESYNC, {"_selected_action": []})
    assert response.status_code == 200
    assert b"_resync_instances" in response.content


@pytest.mark.parametrize("url", [
    "/admin/djstripe/customer/action/_resync_instances/nosuchmodel/",
    "/admin/djstripe/customer/action/dispatch/customer/",
    "/admin/djstripe/customer/action/delete_selected/customer/",
    "/admin/djstripe/customer/action/%00/customer/",
    "/admin/djstripe/customer/action/_resync_instances/user/",
])
def test_it_answers_404_to_a_name_it_does_not_serve(client, admin_user, url):
    client.force_login(admin_user)
    assert client.post(url, {"_selected_action": []}).status_code == 404


def test_it_refuses_rows_not_picked_by_id(client, admin_user):
    client.force_login(admin_user)
    for picked in ("abc", str(2**63), "1; drop table"):
        assert client.post(RESYNC, {"_selected_action": [picked]}).status_code == 400


def test_it_takes_only_posts_and_only_from_staff(client, learner, admin_user):
    assert client.post(RESYNC).status_code == 302  # admin's sign-in page
    client.force_login(learner)
    assert client.post(RESYNC).status_code == 302
    client.force_login(admin_user)
    assert client.get(RESYNC).status_code == 405
