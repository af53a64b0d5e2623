"""Sections other apps add to the settings page (study: the learner's exam days).

An app registers a section here (from its AppConfig.ready), so accounts never imports it: the
section names its template and gives, for the request, the context that template needs, or None
when it has nothing to show this user. Its forms post to the app's own views.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class SettingsSection:
    name: str
    template_name: str
    context: Callable[[HttpRequest], dict | None]


_sections: dict[str, SettingsSection] = {}


def settings_section_register(section: SettingsSection) -> None:
    """Add a section (registering the same name again replaces it)."""
    _sections[section.name] = section


def settings_sections_for(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template name, context) of each registered section that has something for this user, in
    the order they were registered."""
    shown = []
    for section in _sections.values():
        context = section.context(request)
        if context is not None:
            shown.append((section.template_name, context))
    return shown
