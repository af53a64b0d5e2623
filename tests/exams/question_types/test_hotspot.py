"""Hotspots: tokens placed on zones, graded per token; choosing the spot; content rules."""

import pytest

from exams.models import Question
from exams.question_types import InvalidAnswer, question_errors
from tests.exams.question_types.helpers import grade, parse
from tests.factories import QuestionFactory, network_hotspot

pytestmark = pytest.mark.django_db
FIREWALL, WAF, ACCESS_POINT = "0", "1", "2"


def hotspot(data=None):
    return QuestionFactory(type=Question.Type.HOTSPOT, simulation_data=data or network_hotspot())


def test_it_gives_full_credit_when_each_token_is_where_it_belongs():
    assert grade(hotspot(), [], {"zone-0": FIREWALL, "zone-1": WAF}) == 1.0


def test_it_gives_credit_per_token():
    assert grade(hotspot(), [], {"zone-0": FIREWALL, "zone-1": ACCESS_POINT}) == pytest.approx(1 / 3)  # WAF missing, decoy placed
    assert grade(hotspot(), [], {"zone-0": FIREWALL}) == pytest.approx(1 / 2)


def test_a_token_used_once_cannot_be_placed_twice():
    with pytest.raises(InvalidAnswer, match="can be placed only once"):
        parse(hotspot(), [], {"zone-0": FIREWALL, "zone-1": FIREWALL})


def test_a_reusable_token_must_sit_on_every_zone_it_belongs_to():
    data = network_hotspot()
    data["tokens"][0]["reuse"] = True
    data["key"] = {"edge": "fw", "lan": "fw", "front": "waf"}
    question = hotspot(data)
    assert grade(question, [], {"zone-0": FIREWALL, "zone-1": WAF, "zone-2": FIREWALL}) == 1.0
    assert grade(question, [], {"zone-0": FIREWALL, "zone-1": WAF}) == 0.5


def test_choosing_the_spot_takes_one_zone():
    data = network_hotspot()
    data["tokens"] = [{"id": "waf", "label": "WAF"}]
    data["key"] = {"front": "waf"}
    data["explanations"] = {"waf": "In front of the web tier."}
    question = hotspot(data)
    assert question_errors(question_type="hotspot", choose_count=1, choices=[], data=data) == []
    assert grade(question, [], {"spot": "1"}) == 1.0
    assert grade(question, [], {"spot": "0"}) == 0.0
    with pytest.raises(InvalidAnswer, match="not one of this diagram's zones"):
        parse(question, [], {"spot": "7"})


@pytest.mark.parametrize("data", [{}, {"zone-0": ""}])
def test_it_asks_for_at_least_one_placement(data):
    with pytest.raises(InvalidAnswer, match="Place at least one label"):
        parse(hotspot(), [], data)


def test_it_refuses_a_token_that_does_not_exist():
    with pytest.raises(InvalidAnswer, match="Zone 1: that label is not one of this question's"):
        parse(hotspot(), [], {"zone-0": "9"})


def test_its_content_rules_name_what_is_wrong():
    assert question_errors(question_type="hotspot", choose_count=1, choices=[], data=network_hotspot()) == []
    data = network_hotspot()
    data["zones"][1]["coords"] = [1.5, .5, .1]
    data["key"]["nowhere"] = "fw"
    errors = question_errors(question_type="hotspot", choose_count=1, choices=[], data=data)
    assert "Zone front: a circle has 3 numbers between 0 and 1 in coords." in errors
    data["zones"][1]["coords"] = [.5, .5, .1]
    errors = question_errors(question_type="hotspot", choose_count=1, choices=[], data=data)
    assert "The key names a zone that does not exist: 'nowhere'." in errors
    assert "Token 'Firewall' belongs on several zones: mark it \"reuse\": true." in errors
