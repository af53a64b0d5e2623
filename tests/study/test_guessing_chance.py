"""The guessing floor the fold gives the estimator: one over the number of valid answers, read from
the answered item, so folding needs no query for it."""

import pytest

from exams.models import Question
from study import estimator as est
from study.models import ObjectiveMastery, SessionItem
from study.progress import progress_catch_up
from study.services import answer_record
from tests.answers import correct_post_data


def _item(kind, options, choose=1, offered=None):
    question = Question(type=kind, choose_count=choose)
    return SessionItem(question=question, choice_order=list(range(options)),
                       match_order=list(range(offered if offered is not None else options)))


def test_it_is_one_over_the_number_of_valid_answers_for_each_type():
    assert _item(Question.Type.SINGLE, 4).guessing_chance == 1 / 4
    assert _item(Question.Type.TRUE_FALSE, 2).guessing_chance == 1 / 2
    assert _item(Question.Type.MULTIPLE, 5, choose=2).guessing_chance == 1 / 10  # two of five: ten pairs
    assert _item(Question.Type.ORDERING, 4).guessing_chance == 1 / 24  # 4! orders
    assert _item(Question.Type.MATCHING, 3, offered=4).guessing_chance == 1 / 24  # 4·3·2 ways to match three
    assert _item(Question.Type.SINGLE, 0).guessing_chance == 0.0  # nothing shown, nothing to guess


@pytest.mark.django_db
def test_the_fold_updates_mastery_with_the_answered_questions_floor(learner, start):
    session = start(learner)
    item = next(i for i in session.items.select_related("question") if i.question.type == Question.Type.SINGLE)
    answer_record(item=item, data=correct_post_data(item))
    progress_catch_up(user=learner)
    mastery = ObjectiveMastery.objects.get(user=learner)
    expected = est.ability_update(est.PRIOR_MEAN, est.PRIOR_VARIANCE, correct=True, difficulty=item.question.difficulty,
                                  guess=1 / len(item.choice_order), drift=est.OBJECTIVE_DRIFT)
    assert (mastery.theta, mastery.variance) == pytest.approx(expected)
