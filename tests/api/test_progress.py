"""The learner's progress over the API: the dashboard's figures for each exam (readiness with its
band, accuracy per domain, weak objectives, reviews due, streak, trend) and one exam's mastery of
every objective, the same figures the site shows; readiness only on Pro, as on the site."""

from datetime import timedelta

import pytest
from django.utils import timezone

from study.models import ReviewCard
from study.progress import week_start
from study.services import SessionRequest, answer_record, session_start, session_submit
from tests.answers import correct_post_data, wrong_post_data
from tests.api.conftest import API, AppClient

pytestmark = pytest.mark.django_db


def study(user, exam, *, sessions: int, right_every: int = 1) -> None:
    """Practice sessions of the whole test bank, every `right_every`-th answer right, submitted."""
    for _ in range(sessions):
        session = session_start(user=user, exam=exam, request=SessionRequest(mode="practice", count=8))
        for n, item in enumerate(session.items.all()):
            answer_record(item=item, data=(correct_post_data if n % right_every == 0 else wrong_post_data)(item))
        session_submit(session=session)


def test_a_pro_learner_sees_readiness_with_its_band_as_the_dashboard_words_it(signed_in_app, learner, pro, test_exam,
                                                                                learner_client):
    study(learner, test_exam, sessions=3, right_every=2)

    board = signed_in_app.get(f"{API}/progress").json()

    [exam] = board["exams"]
    assert exam["exam"] == "PTP-100" and exam["answered"] == 24 and exam["accuracy"] == 50
    readiness = exam["readiness"]
    assert readiness is not None and not exam["readiness_locked"] and board["upgrade_url"] is None
    assert 0 <= readiness["low"] <= readiness["probability"] <= readiness["high"] <= 1
    page = learner_client.get("/dashboard/").content.decode()
    assert f'<div class="readiness-value">{readiness["shown"]}</div>' in page
    assert readiness["band"] in page and readiness["band"].startswith("likely ")
    assert readiness["ready"] is (readiness["probability"] >= board["ready_threshold"] / 100)
    assert exam["answers_to_readiness"] == 0
    this_week = exam["trend"][-1]
    assert this_week["week_start"] == week_start(timezone.localdate()).isoformat()
    assert this_week["accuracy"] == 50 and this_week["readiness"] is not None
    assert all(week["accuracy"] is None for week in exam["trend"][:-1])  # nothing studied before this week
    assert [d["number"] for d in exam["domains"]] == ["1.0", "2.0"]
    assert sum(d["answered"] for d in exam["domains"]) == 24


def test_a_free_learner_gets_everything_but_readiness_and_is_told_where_pro_is(signed_in_app, learner, test_exam):
    study(learner, test_exam, sessions=1)

    board = signed_in_app.get(f"{API}/progress").json()

    [exam] = board["exams"]
    assert exam["readiness"] is None and exam["readiness_locked"] is True
    assert board["upgrade_url"].endswith("/pricing/")
    assert all(week["readiness"] is None for week in exam["trend"])
    assert exam["trend"][-1]["accuracy"] == 100
    assert board["streak"] == 1 and board["studied_today"] is True
    assert board["total_answered"] == 8 and board["sessions_done"] == 1
    standing = signed_in_app.get(f"{API}/progress/PTP-100").json()
    assert standing["readiness"] is None and standing["readiness_locked"] is True


def test_reviews_due_count_what_the_learner_has_to_review_today(signed_in_app, learner, test_exam):
    study(learner, test_exam, sessions=1)
    cards = ReviewCard.objects.filter(user=learner)
    assert cards.count() == 8
    cards.filter(pk__in=list(cards.values_list("pk", flat=True)[:3])).update(due=timezone.now() - timedelta(hours=1))
    cards.exclude(due__lt=timezone.now()).update(due=timezone.now() + timedelta(days=3))

    board = signed_in_app.get(f"{API}/progress").json()

    assert board["reviews_due"] == 3 and board["exams"][0]["reviews_due"] == 3


def test_an_exam_standing_gives_every_objective_its_mastery_once_it_has_enough_answers(signed_in_app, learner, pro,
                                                                                         test_exam):
    study(learner, test_exam, sessions=3)

    standing = signed_in_app.get(f"{API}/progress/PTP-100").json()

    objectives = [o for d in standing["domains"] for o in d["objectives"]]
    assert {o["number"] for o in objectives} == {o.number for d in test_exam.domains.all() for o in d.objectives.all()}
    assert sum(o["answered"] for o in objectives) == standing["answered"] == 24
    for objective in objectives:
        enough = objective["answered"] >= standing["min_mastery_answers"]
        assert (objective["mastery"] is not None) is enough, objective
        assert objective["needs"] == max(0, standing["min_mastery_answers"] - objective["answered"])
    measured = [o for o in objectives if o["mastery"] is not None]
    assert measured and standing["weakest"] == sorted(measured, key=lambda o: o["mastery"])[:len(standing["weakest"])]
    assert standing["unmeasured"] == len(objectives) - len(measured)
    assert standing["lever"]["number"] in {o["number"] for o in measured}
    assert standing["readiness"]["band"].startswith("likely ")


def test_an_exam_never_studied_has_an_empty_standing_and_an_empty_dashboard(signed_in_app, test_exam):
    standing = signed_in_app.get(f"{API}/progress/PTP-100").json()
    assert standing["answered"] == 0 and standing["weakest"] == [] and standing["lever"] is None
    assert all(o["mastery"] is None for d in standing["domains"] for o in d["objectives"])
    board = signed_in_app.get(f"{API}/progress").json()
    assert board["exams"] == [] and board["streak"] == 0 and board["studied_today"] is False


def test_progress_asks_for_sign_in_and_a_known_exam(signed_in_app, test_exam):
    stranger = AppClient()
    assert stranger.get(f"{API}/progress").status_code == 401
    assert stranger.get(f"{API}/progress/PTP-100").status_code == 401
    missing = signed_in_app.get(f"{API}/progress/NOPE-1")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
