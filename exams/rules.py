"""Content rules shared by admin, the seed loader and the AI quality gate: one place says what a
well-formed question and blueprint are."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pingtopass.links import is_http_url

BANNED_CHOICE = re.compile(r"\b(all|none|both|neither) of the (above|following|options)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ChoiceData:
    text: str
    is_correct: bool
    explanation: str = ""
    match_text: str = ""


def question_errors(*, question_type: str, choose_count: int, choices: Sequence[ChoiceData]) -> list[str]:
    """Everything wrong with a question's choices, as sentences a moderator can act on."""
    errors: list[str] = []
    correct = sum(1 for c in choices if c.is_correct)
    texts = [c.text.strip().casefold() for c in choices]
    if any(not t for t in texts):
        errors.append("Every choice needs text.")
    if len(set(texts)) != len(texts):
        errors.append("Choices must be distinct.")
    if any(BANNED_CHOICE.search(c.text) for c in choices):
        errors.append('"All/none of the above" choices are not allowed.')
    if any(not c.explanation.strip() for c in choices):
        errors.append("Every choice needs an explanation of why it is right or wrong.")

    if question_type == "single":
        if not 3 <= len(choices) <= 8:
            errors.append("A single-choice question needs 3 to 8 choices.")
        if correct != 1:
            errors.append(f"A single-choice question needs exactly one correct choice (it has {correct}).")
    elif question_type == "multiple":
        if choose_count < 2:
            errors.append('A multiple-choice question must ask to "choose" two or more.')
        if correct != choose_count:
            errors.append(f"This question says choose {choose_count} but has {correct} correct choices.")
        if len(choices) <= choose_count:
            errors.append("A multiple-choice question needs more choices than it asks to choose.")
    elif question_type == "truefalse":
        if len(choices) != 2 or set(texts) != {"true", "false"}:
            errors.append('A true/false question has exactly two choices, "True" and "False".')
        if correct != 1:
            errors.append("A true/false question needs exactly one correct choice.")
    elif question_type == "ordering":
        if not 3 <= len(choices) <= 8:
            errors.append("An ordering question needs 3 to 8 steps.")
    elif question_type == "matching":
        if not 3 <= len(choices) <= 8:
            errors.append("A matching question needs 3 to 8 pairs.")
        targets = [c.match_text.strip().casefold() for c in choices]
        if any(not t for t in targets):
            errors.append("Every matching item needs the text it matches.")
        elif len(set(targets)) != len(targets):
            errors.append("The texts items match must be distinct.")
    else:
        errors.append(f"Unknown question type {question_type!r}.")
    return errors


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
