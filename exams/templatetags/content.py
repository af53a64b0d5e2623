"""Question content for templates: Markdown, and the two blocks every page that shows a question
draws (the question card, the session review, the moderators' preview).

The blocks are tags, not included templates: the question card draws them on every answer, and
each line of an include cost about as much as a line of Python here costs in all (an include of
either was about a fifth of an answer's rendering, bench/request_cost.py --calls).
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from pingtopass.links import is_http_url
from pingtopass.markdown import render_markdown

register = template.Library()


# `{% if url|is_http_url %}<a href="{{ url }}">`: every URL a template draws as a link passes here first.
register.filter("is_http_url", is_http_url)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - sanitised by nh3 in render_markdown


# The blocks are put together with f-strings: every value in them is Markdown that
# render_markdown made safe, a number, a constant, or text passed through html.escape (what
# Django's escape does). format_html's checks of each argument cost more than the block itself.
_KIND_BADGE = {
    "ordering": '<span class="badge badge-brand">Put in order · all-or-nothing</span>',
    "matching": '<span class="badge badge-brand">Match each item · all-or-nothing</span>',
}


@register.simple_tag
def question_body(question) -> SafeString:
    """The question's type, objective, stem and exhibit."""
    if question.type == "multiple":
        kind = f'<span class="badge badge-brand">{escape(question.choose_label)} · all-or-nothing</span>'
    else:
        kind = _KIND_BADGE.get(question.type, "")
    exhibit = (
        f'<figure class="exhibit"><img src="{escape(question.exhibit.url)}" alt="Exhibit for this question"></figure>'
        if question.exhibit else ""
    )
    return mark_safe(  # noqa: S308 -- see above
        '<div class="question-body">\n  <div class="question-meta row small muted">\n'
        f'    <span class="badge">{escape(question.get_type_display())}</span>\n    {kind}\n'
        f'    <span>Objective {escape(str(question.objective.number))}</span>\n  </div>\n'
        f'  <div class="stem prose">{render_markdown(question.stem or "")}</div>\n  {exhibit}\n</div>'
    )


_VERDICT = {
    True: '<span class="badge badge-ok">Correct</span>',
    False: '<span class="badge badge-bad">Incorrect</span>',
}
_PICKED = '<span class="badge">Your answer</span>'


def _review_item(kind: str, choice, picked_ids) -> str:
    picked = choice.pk in picked_ids
    correct = kind in ("ordering", "matching") or choice.is_correct
    if kind == "ordering":
        verdict = f'<span class="badge badge-ok">Step {int(choice.position)}</span>'
    elif kind == "matching":
        verdict = ""
    else:
        verdict = _VERDICT[bool(choice.is_correct)]
    matches = f'<p class="small"><strong>matches →</strong> {escape(choice.match_text)}</p>' if kind == "matching" else ""
    return (
        f'  <li class="choice-review-item {"is-correct" if correct else "is-wrong"}{" is-picked" if picked else ""}">\n'
        f'    <div class="spread">\n      <div class="prose">{render_markdown(choice.text or "")}{matches}</div>\n'
        f'      <div class="row">{_PICKED if picked else ""}{verdict}</div>\n    </div>\n'
        f'    <div class="choice-explanation small prose">{render_markdown(choice.explanation or "")}</div>\n  </li>\n'
    )


@register.simple_tag
def choice_review(question, choices, picked_ids=()) -> SafeString:
    """Every choice with whether it is correct and why, then the explanation. Only for answered
    questions or moderators."""
    url = question.reference_url
    if is_http_url(url):
        reference = (
            f'<p class="small">Reference: <a href="{escape(url)}" rel="noopener noreferrer" target="_blank">'
            f"{escape(Truncator(url).chars(80))}</a></p>"
        )
    else:  # a URL that is not http(s) is shown, never linked (pingtopass.links)
        reference = f'<p class="small">Reference: {escape(Truncator(url).chars(80))}</p>' if url else ""
    kind = question.type
    items = "".join(_review_item(kind, c, picked_ids) for c in choices)
    numbering = "" if kind == "ordering" else ' type="A"'
    return mark_safe(  # noqa: S308 -- see above
        f'<ol class="choice-review"{numbering}>\n{items}</ol>\n'
        f'<div class="explanation prose"><h3>Explanation</h3>{render_markdown(question.explanation or "")}\n{reference}</div>'
    )
