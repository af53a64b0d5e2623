"""The exams app's hot queries, compiled once per process (pingtopass/db/prepared.py). Each is
written first as the plain ORM query it stands for; tests/exams/test_compiled_queries.py checks
that both give the same rows."""

from exams.models import Choice
from pingtopass.db.prepared import PreparedQuery


def choices_of_query(question: int):
    """A question's choices, in their own order. Every card whose question the process has not
    shown yet runs it (exams.selectors.attach_cached_choices), most of them while the cache fills."""
    return Choice.objects.filter(question_id=question)


choices_of = PreparedQuery(choices_of_query)
