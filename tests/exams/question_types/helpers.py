"""Answering a question through its type, as the answer view does: form data in, a score out."""

from django.http import QueryDict


def form(**data) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


def parse(question, order, data, match_order=()):
    return question.kind.parse(form(**data), choice_order=list(order), match_order=list(match_order),
                               choose_count=question.choose_count, question=question)


def grade(question, order, data, match_order=()) -> float:
    return question.kind.score(list(question.choices.all()), parse(question, order, data, match_order), question=question)
