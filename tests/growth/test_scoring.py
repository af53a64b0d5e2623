from datetime import UTC, datetime, timedelta

import pytest

from growth.models import Opportunity
from growth.scoring import keywords_from, score

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
KEYWORDS = keywords_from(["SY0-701 CompTIA Security+", "Explain subnetting and CIDR notation", "#SecurityPlus lang:en -is:retweet"])


def test_it_builds_keywords_without_stop_words_or_search_operators():
    assert {"sy0-701", "subnetting", "cidr", "notation", "securityplus", "comptia"} <= KEYWORDS
    assert not {"and", "explain", "lang:en", "-is:retweet", "en"} & KEYWORDS


def parts(**kwargs):
    defaults = {"text": "", "keywords": KEYWORDS, "author_followers": 0, "engagements": 0, "posted_at": NOW,
                "now": NOW, "summoned": False}
    return score(**{**defaults, **kwargs})


def test_each_part_counts_what_it_says():
    assert parts(text="subnetting CIDR for SY0-701").parts["relevance"]["value"] == 1
    assert parts(text="subnetting is hard").parts["relevance"]["value"] == pytest.approx(0.333, abs=0.001)
    assert parts(author_followers=999).parts["reach"]["value"] == pytest.approx(0.5, abs=0.001)
    assert parts(engagements=10, posted_at=NOW - timedelta(hours=1)).parts["velocity"]["value"] == 0.5
    assert parts(engagements=30, engagements_before=10, before_at=NOW - timedelta(hours=2)).parts["velocity"]["value"] == 0.5
    assert parts(posted_at=NOW - timedelta(hours=12)).parts["recency"]["value"] == 0.5
    assert parts(posted_at=NOW - timedelta(hours=30)).parts["recency"]["value"] == 0
    assert parts(summoned=True).parts["summoned"]["value"] == 1


def test_the_total_weighs_the_parts_out_of_100():
    assert parts(posted_at=NOW - timedelta(days=2)).total == 0
    best = parts(text="subnetting CIDR SY0-701", author_followers=10**6, engagements=100,
                 posted_at=NOW - timedelta(minutes=10), summoned=True)
    assert best.total == 100 - round(15 * (10 / 60 / 24))  # recency is a little under 1
    assert parts(summoned=True, posted_at=NOW - timedelta(days=2)).total == 20


@pytest.mark.parametrize(("start", "allowed", "refused"), [
    ("new", {"drafted", "dismissed", "expired"}, {"approved", "posted"}),
    ("drafted", {"approved", "dismissed", "expired"}, {"posted", "new"}),
    ("approved", {"posted", "drafted", "dismissed", "expired"}, {"new"}),
    ("posted", set(), {"new", "drafted", "approved", "dismissed", "expired"}),
    ("dismissed", set(), {"new", "drafted", "approved", "posted"}),
    ("expired", set(), {"new", "drafted", "approved", "posted"}),
])
def test_the_state_machine_goes_new_drafted_approved_posted_or_dismissed_or_expired(start, allowed, refused):
    opportunity = Opportunity(status=start)
    assert all(opportunity.can_move_to(status) for status in allowed)
    assert not any(opportunity.can_move_to(status) for status in refused)
