"""Hot HTML fragments as Jinja2 templates: the pieces of the question card drawn on every answer
(a question type's inputs and review, the question's body, the bar, the confidence chips).

Markup stays in templates (`templates/fragments/` and `templates/questions/`, `*.jinja`), with
autoescaping on; Django's engine renders everything else. Jinja2 compiles a template to Python
once per process, so a fragment costs about what building its HTML in Python did, where Django's
engine cost several times as much per line (docs/performance-history.md, "Card fragments in
Jinja2"). A Django template draws a fragment through a template tag that calls `fragment()`; the
result is `Markup`, which Django's escaping recognises as safe (it has `__html__`).
"""

from functools import cache

from django.conf import settings
from django.utils.text import Truncator
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pingtopass.links import is_http_url
from pingtopass.markdown import render_markdown


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))  # noqa: S704 -- sanitised by nh3 in render_markdown


def _truncatechars(text: str, length: int) -> str:
    return Truncator(text or "").chars(length)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(settings.BASE_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt name fails loudly in tests, never draws as blank
        auto_reload=settings.DEBUG,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = _markdown
    env.filters["truncatechars"] = _truncatechars
    env.filters["is_http_url"] = is_http_url
    return env


def fragment(name: str, **context) -> Markup:
    """Render `templates/<name>` (a Jinja2 fragment) with these values, and nothing else: a fragment
    gets only what it is given, not Jinja2's globals (`range`, `dict` ...), so its context is the
    given dict itself rather than a copy merged with them (a fifth of a small fragment's cost)."""
    template = _template(name)
    try:
        return Markup(template.environment.concat(template.root_render_func(template.new_context(context, shared=True))))  # noqa: S704 -- rendered with autoescaping on
    except Exception:
        template.environment.handle_exception()  # re-raises, with the template's lines in the traceback


def _template(name: str):
    if settings.DEBUG:  # edited templates show on the next request
        return environment().get_template(name)
    return _compiled_template(name)


@cache
def _compiled_template(name: str):
    return environment().get_template(name)


def precompile() -> int:
    """Compile every fragment now (a web worker at start), so no request pays for it; returns how many."""
    names = environment().list_templates(extensions=["jinja"])
    for name in names:
        _template(name)
    return len(names)
