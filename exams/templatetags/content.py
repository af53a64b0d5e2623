"""Question content for templates: Markdown, and the two blocks every page that shows a question
draws (the question card, the session review, the moderators' preview).

The blocks are tags, not included templates: the question card draws them on every answer, and
each line of an include cost about as much as a line of Python here costs in all (an include of
either was about a fifth of an answer's rendering, bench/request_cost.py --calls).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from pingtopass.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - sanitised by nh3 in render_markdown


_KIND_BADGE = {
    "ordering": mark_safe('<span class="badge badge-brand">Put in order · all-or-nothing</span>'),
    "matching": mark_safe('<span class="badge badge-brand">Match each item · all-or-nothing</span>'),
}


@register.simple_tag
def question_body(question) -> SafeString:
    """The question's type, objective, stem and exhibit."""
    if question.type == "multiple":
        kind = format_html('<span class="badge badge-brand">{} · all-or-nothing</span>', question.choose_label)
    else:
        kind = _KIND_BADGE.get(question.type, "")
    exhibit = (
        format_html('<figure class="exhibit"><img src="{}" alt="Exhibit for this question"></figure>', question.exhibit.url)
        if question.exhibit else ""
    )
    return format_html(
        '<div class="question-body">\n  <div class="question-meta row small muted">\n'
        '    <span class="badge">{}</span>\n    {}\n    <span>Objective {}</span>\n  </div>\n'
        '  <div class="stem prose">{}</div>\n  {}\n</div>',
        question.get_type_display(), kind, question.objective.number, markdown_filter(question.stem), exhibit,
    )


_VERDICT = {
    True: mark_safe('<span class="badge badge-ok">Correct</span>'),
    False: mark_safe('<span class="badge badge-bad">Incorrect</span>'),
}
_PICKED = mark_safe('<span class="badge">Your answer</span>')


def _review_item(question, choice, picked_ids) -> SafeString:
    kind = question.type
    picked = choice.pk in picked_ids
    correct = kind in ("ordering", "matching") or choice.is_correct
    if kind == "ordering":
        verdict = format_html('<span class="badge badge-ok">Step {}</span>', choice.position)
    elif kind == "matching":
        verdict = ""
    else:
        verdict = _VERDICT[bool(choice.is_correct)]
    matches = (
        format_html('<p class="small"><strong>matches →</strong> {}</p>', choice.match_text) if kind == "matching" else ""
    )
    return format_html(
        '  <li class="choice-review-item {}{}">\n    <div class="spread">\n      <div class="prose">{}{}</div>\n'
        '      <div class="row">{}{}</div>\n    </div>\n'
        '    <div class="choice-explanation small prose">{}</div>\n  </li>\n',
        "is-correct" if correct else "is-wrong", " is-picked" if picked else "", markdown_filter(choice.text), matches,
        _PICKED if picked else "", verdict, markdown_filter(choice.explanation),
    )


@register.simple_tag
def choice_review(question, choices, picked_ids=()) -> SafeString:
    """Every choice with whether it is correct and why, then the explanation. Only for answered
    questions or moderators."""
    reference = (
        format_html(
            '<p class="small">Reference: <a href="{}" rel="noopener noreferrer" target="_blank">{}</a></p>',
            question.reference_url, Truncator(question.reference_url).chars(80),
        )
        if question.reference_url else ""
    )
    return format_html(
        '<ol class="choice-review"{}>\n{}</ol>\n<div class="explanation prose"><h3>Explanation</h3>{}\n{}</div>',
        "" if question.type == "ordering" else mark_safe(' type="A"'),
        format_html_join("", "{}", ((_review_item(question, c, picked_ids),) for c in choices)),
        markdown_filter(question.explanation), reference,
    )
