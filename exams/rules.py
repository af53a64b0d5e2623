"""Content rules shared by admin, the seed loader and the AI quality gate: what a well-formed
blueprint and link are. What a well-formed question is, each question type says
(exams.question_types.question_errors)."""

from collections.abc import Sequence

from pingtopass.links import is_http_url


def blueprint_errors(weights: Sequence[int]) -> list[str]:
    total = sum(weights)
    if weights and total != 100:
        return [f"Domain weights must sum to 100% (they sum to {total}%)."]
    return []


def link_errors(label: str, url: str, *, required: bool = False, max_length: int | None = None) -> list[str]:
    """What is wrong with a URL that pages draw as a link (a question's reference, an exam's
    vendor page), as a sentence; pingtopass.links.is_http_url is the rule."""
    if not url and not required:
        return []
    if (max_length is None or len(url) <= max_length) and is_http_url(url):
        return []
    limit = f" of at most {max_length} characters" if max_length is not None else ""
    return [f"{label} must be an http(s) URL{limit}."]
