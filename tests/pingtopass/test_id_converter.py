"""`<id:...>` (pingtopass/converters.py): a number no database id column can hold is a 404 before
any view runs, signed out or not, by GET and by POST; every id a column holds still reaches it."""

import pytest
from django.urls import NoReverseMatch, reverse

from study.models import StudySession

pytestmark = pytest.mark.django_db

BAD_IDS = ["0", "-1", str(2**63), str(2**64), "9" * 40, "0" * 20 + "1"]
ACTIONS = ["", "answer/", "flag/", "bookmark/", "report/"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_it_answers_404_for_a_position_no_column_can_hold_in_the_learners_own_session(learner_client, learner, start, bad):
    session = start(learner)
    for action in ACTIONS:
        url = f"/sessions/{session.pk}/q/{bad}/{action}"
        assert learner_client.get(url).status_code == 404, url
        assert learner_client.post(url, {"choice": "0", "flagged": "1", "kind": "typo", "message": "x"}).status_code == 404, url
    assert not session.items.exclude(response=None).exists()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_it_answers_404_for_a_session_id_no_column_can_hold(client, learner, bad):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(learner)
        for url in (f"/sessions/{bad}/", f"/sessions/{bad}/q/1/", f"/sessions/{bad}/q/1/answer/", f"/sessions/{bad}/finish/",
                    f"/sessions/{bad}/submit/", f"/sessions/{bad}/results/", f"/sessions/{bad}/review/"):
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url


def test_it_still_serves_the_largest_id_a_column_holds(learner_client, learner, start):
    session = start(learner)
    StudySession.objects.filter(pk=session.pk).update(id=2**63 - 1)
    session.items.update(session_id=2**63 - 1)
    response = learner_client.get(f"/sessions/{2**63 - 1}/q/1/")
    assert response.status_code == 200
    assert reverse("study:question", args=[2**63 - 1, 1]) == f"/sessions/{2**63 - 1}/q/1/"


@pytest.mark.parametrize("bad", [0, -1, 2**63, "abc"])
def test_it_refuses_to_build_a_url_for_a_number_no_column_holds(bad):
    with pytest.raises(NoReverseMatch):
        reverse("study:question", args=[1, bad])
