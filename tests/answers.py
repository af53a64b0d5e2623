"""Form data that answers a session item right or wrong, addressing choices by shown index."""

from exams.models import Question


def correct_post_data(item) -> dict:
    """Form data that answers an item correctly, addressing choices by their shown index."""
    question = item.question
    order = item.choice_order
    choices = {c.pk: c for c in question.choices.all()}
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE, Question.Type.MULTIPLE):
        return {"choice": [str(i) for i, pk in enumerate(order) if choices[pk].is_correct]}
    if question.type == Question.Type.ORDERING:
        return {f"pos-{i}": str(choices[pk].position) for i, pk in enumerate(order)}
    return {f"match-{i}": str(item.match_order.index(pk)) for i, pk in enumerate(order)}


def wrong_post_data(item) -> dict:
    question = item.question
    order = item.choice_order
    choices = {c.pk: c for c in question.choices.all()}
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE):
        return {"choice": [str(next(i for i, pk in enumerate(order) if not choices[pk].is_correct))]}
    if question.type == Question.Type.MULTIPLE:
        wrong = [i for i, pk in enumerate(order) if not choices[pk].is_correct]
        return {"choice": [str(i) for i in wrong[: question.choose_count]]}
    if question.type == Question.Type.ORDERING:
        n = len(order)
        return {f"pos-{i}": str(n - choices[pk].position + 1) for i, pk in enumerate(order)}
    n = len(order)
    return {f"match-{i}": str(item.match_order.index(order[(i + 1) % n])) for i in range(n)}
