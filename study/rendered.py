"""HTML the study pages keep per process: parts that depend on nothing a request carries.

The one place such copies are kept, and the rule that keeps them right: each is keyed by all it
is drawn from. A blank form's fields depend only on the form's code, so they last as long as the
process (a deploy starts new ones); the blueprint parts are keyed by the blueprint's value, so
an edited blueprint is drawn afresh. Why keep them: rendering Django's widgets and the blueprint
was about a third of the exam page (docs/performance-history.md).
"""

import functools

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from study.forms import FeedbackForm, PracticeStartForm


@functools.cache
def blank_start_fields() -> dict[str, SafeString]:
    """The start form's fields other than objectives, blank. A form that comes back with errors
    is rendered as usual."""
    form = PracticeStartForm(exam=None)
    return {part: render_to_string(f"study/partials/start_fields.html#{part}", {"form": form})
            for part in ("mode", "settings")}


@functools.cache
def blank_feedback_fields() -> SafeString:
    """The report form's fields, blank: every question card carries the form, and the review page
    one per question, so the fields carry no id (their labels wrap them)."""
    return render_to_string("study/partials/feedback_fields.html", {"form": FeedbackForm(auto_id=False)})


def blueprint_parts(domains, picked: frozenset[str] = frozenset()) -> dict[str, SafeString]:
    """The exam page's objective checkboxes and blueprint chart, drawn from the blueprint alone
    (and the objectives a returned form had picked); kept only with none picked."""
    domains = tuple(domains)
    return _blank_blueprint_parts(domains) if not picked else _blueprint_parts(domains, picked)


def _blueprint_parts(domains: tuple, picked: frozenset[str]) -> dict[str, SafeString]:
    context = {"domains": domains, "picked_objectives": picked}
    return {part.replace("-", "_"): render_to_string(f"study/exam_detail.html#{part}", context)
            for part in ("objective-choices", "blueprint-chart")}


@functools.lru_cache(maxsize=64)
def _blank_blueprint_parts(domains: tuple) -> dict[str, SafeString]:
    return _blueprint_parts(domains, frozenset())
