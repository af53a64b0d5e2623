"""The question blocks drawn by tags (exams/templatetags/content.py, study_extras; each type's own are
tested in tests/exams/question_types/): what a learner
or moderator reads, with text from the question bank escaped wherever it is not Markdown."""

import pytest
from django.template import Context, Template

from exams.models import Question
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load content study_extras %}" + source).render(Context(context))


def test_single_choice_review_marks_right_wrong_and_the_learners_pick():
    question = QuestionFactory(reference_url="https://example.com/" + "a" * 100)
    choices = list(question.choices.order_by("position"))
    html = render("{% choice_review question choices picked %}", question=question, choices=choices,
                  picked={choices[1].pk})
    assert html.count("is-correct") == 1 and html.count("is-wrong") == 3
    assert html.count("Your answer") == 1 and "is-wrong is-picked" in html
    assert html.count(">Correct<") == 1 and html.count(">Incorrect<") == 3
    assert 'type="A"' in html and "Because the first choice is right." in html
    # the link goes to the whole address, its text is cut at 80 characters
    assert f'href="{question.reference_url}"' in html
    assert ">https://example.com/" + "a" * 59 + "…</a>" in html


def test_question_body_names_the_type_and_escapes_the_objective_number():
    question = QuestionFactory(type=Question.Type.MULTIPLE, choose_count=2, stem="Pick **two**.")
    question.objective.number = '1.2"><b>'
    html = render("{% question_body question %}", question=question)
    assert "Choose two · all-or-nothing" in html
    assert "<strong>two</strong>" in html  # the stem is Markdown
    assert "Objective 1.2&#34;&gt;&lt;b&gt;" in html and "<b>" not in html  # Jinja2 escapes " as &#34;


def test_answer_inputs_and_confidence_chips_keep_what_was_picked():
    question = QuestionFactory(type=Question.Type.MULTIPLE, choose_count=2)
    shown = list(question.choices.order_by("position"))
    rows = question.kind.card_rows(shown, response=[shown[2].pk], match_order=[], posted=None)
    html = render("{% answer_inputs question rows %}{% confidence_chips 2 %}", question=question, rows=rows)
    assert html.count('type="checkbox" name="choice"') == 4
    assert html.count("checked") == 2  # the third choice and "Fairly sure"
    assert 'value="2" checked>' in html and 'class="choice is-picked" data-choice-key="3"' in html
    assert 'name="confidence" value="2" checked> Fairly sure' in html


def test_bar_labels_for_screen_readers_only_when_given_and_escapes_them():
    labelled = render('{% bar 42 tone="ok" label=label %}', label='<b>42%</b> "correct"')
    assert 'class="bar bar-ok"' in labelled and 'width="42"' in labelled
    assert 'role="img" aria-label="&lt;b&gt;42%&lt;/b&gt; &#34;correct&#34;"' in labelled
    plain = render("{% bar missing %}")
    assert 'class="bar"' in plain and 'aria-hidden="true"' in plain and 'class="bar-fill" width="0"' in plain
    assert "aria-label" not in plain
