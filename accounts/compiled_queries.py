"""accounts' compiled queries (pingtopass/db/prepared.py), each beside the plain ORM query it
stands for: code that needs the speed calls the compiled one, and reads as if it ran the plain
one. tests/accounts/test_compiled_queries.py checks that both give the same rows."""

from accounts.models import User
from pingtopass.db.prepared import PreparedQuery


def user_by_pk_query(pk: int):
    """The user with this id, as a list of at most one."""
    return User.objects.filter(pk=pk).order_by()[:1]


# The signed-in user is loaded by id on every request (accounts/backends.py), and building this
# query cost more than running it.
user_by_pk = PreparedQuery(user_by_pk_query)
