"""The shape a model must answer in: pydantic models, the JSON schema sent as `response_format`,
and reading JSON out of answers from models that ignore structured output."""

import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from exams.question_types import AI_TYPES

# The types a model may write: every registered question type (exams/question_types).
QuestionType = Literal[tuple(AI_TYPES)]


# Fields with defaults are optional when reading an answer but listed as required in the schema
# sent to the model, as strict structured output demands; the schema forbids other keys, but an
# answer that adds one (models without structured output do) loses only that key, not the item.
STRICT = ConfigDict(
    extra="ignore", str_strip_whitespace=True, json_schema_serialization_defaults_required=True,
    json_schema_extra={"additionalProperties": False},
)


class GeneratedChoice(BaseModel):
    model_config = STRICT

    text: str
    correct: bool
    explanation: str
    match: str = Field("", description='Matching questions: the right-hand text this item pairs with; otherwise "".')


class _GeneratedQuestionBase(BaseModel):
    model_config = STRICT

    type: QuestionType
    choose: int = Field(1, description="How many choices are correct: 1, or 2-3 for multiple.")
    difficulty: int = Field(description="1 (easy) to 5 (hard).")
    stem: str
    explanation: str
    reference_url: str
    tags: list[str] = []
    choices: list[GeneratedChoice]


# A type answered through its data (a rule table) adds a field named after it with the shape its
# module defines (QuestionType.ai_data_model); null for every other type.
GeneratedQuestion = create_model(
    "GeneratedQuestion", __base__=_GeneratedQuestionBase,
    **{key: (kind.ai_data_model | None, Field(None, description=f"{kind.label} questions only; null for other types."))
       for key, kind in AI_TYPES.items() if kind.ai_data_model},
)


class GeneratedBatch(BaseModel):
    model_config = STRICT

    questions: list[GeneratedQuestion]


def _without_defaults(schema: object) -> object:
    # Strict structured output accepts a subset of JSON schema; "default" is not in it.
    if isinstance(schema, dict):
        return {key: _without_defaults(value) for key, value in schema.items() if key != "default"}
    if isinstance(schema, list):
        return [_without_defaults(value) for value in schema]
    return schema


def response_format() -> dict:
    """OpenAI structured output: a strict JSON schema for a batch."""
    schema = _without_defaults(GeneratedBatch.model_json_schema(mode="serialization"))
    return {"type": "json_schema", "json_schema": {"name": "question_batch", "strict": True, "schema": schema}}


class UnreadableAnswer(ValueError):
    """The model's answer holds no JSON object with a list of questions."""


FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _first_object(text: str) -> str | None:
    """The first balanced {...} in text, skipping braces inside JSON strings."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for index in range(start, len(text)):
            char = text[index]
            if in_string:
                escaped = char == "\\" and not escaped
                if char == '"' and not escaped:
                    in_string = False
                continue
            if char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return text[start : index + 1]
        start = text.find("{", start + 1)
    return None


def _loads(text: str) -> object:
    for candidate in (text, *FENCE.findall(text), _first_object(text)):
        if not candidate:
            continue
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    raise UnreadableAnswer("The answer is not JSON and holds no JSON object.")


def batch_items(text: str) -> list[object]:
    """The raw question items in a model's answer: a JSON document, a ```json fence, or the first
    {...} in prose. Items are validated one by one later, so one bad item does not spoil a batch."""
    data = _loads(text.strip())
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        return data["questions"]
    if isinstance(data, list):
        return data
    raise UnreadableAnswer('The JSON answer has no "questions" list.')


def item_parse(item: object) -> tuple[GeneratedQuestion | None, list[str]]:
    """Validate one item against the schema; returns the question or the problems found."""
    try:
        return GeneratedQuestion.model_validate(item), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "item"
            problems.append(f"Schema: {where}: {error['msg']}")
        return None, problems
