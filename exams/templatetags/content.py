"""Question content for templates: Markdown, and the blocks every page that shows a question draws
(the question's body, a type's answer inputs, the review of its choices). The blocks are Jinja2
fragments (pingtopass/fragments.py) chosen by the question's type (exams/question_types)."""

from django import template
from django.utils.safestring import mark_safe

from pingtopass.fragments import fragment
from pingtopass.links import is_http_url
from pingtopass.markdown import render_markdown

register = template.Library()


# `{% if url|is_http_url %}<a href="{{ url }}">`: every URL a template draws as a link passes here first.
register.filter("is_http_url", is_http_url)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.simple_tag
def question_body(question):
    """The question's type, objective, stem and exhibit."""
    return fragment("questions/body.jinja", question=question, badge=question.kind.badge_for(question))


@register.simple_tag
def answer_inputs(question, rows, match_options=()):
    """The inputs a learner answers with, as the question's type draws them."""
    return question.kind.render_input(rows=rows, match_options=match_options)


@register.simple_tag
def choice_review(question, choices, picked_ids=(), response=None):
    """Every choice with whether it is correct and why (and, given the learner's response, which
    parts of it were right), then the explanation. Only for answered questions or moderators."""
    return question.kind.render_review(question=question, choices=choices, picked_ids=picked_ids, response=response)


@register.simple_tag
def answer_preview(question):
    """A performance-based question's inputs as a learner first sees them (the moderators' preview)."""
    return question.kind.render_preview(question)
