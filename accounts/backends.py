"""The authentication backends in settings.AUTHENTICATION_BACKENDS: Django's and allauth's, which
load the signed-in user on every request from accounts' compiled query instead of building the
same query each time. Signing in, permissions and who may sign in (`user_can_authenticate`: an
inactive user may not) are theirs, unchanged."""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends

from accounts.compiled_queries import user_by_pk


class CompiledUserLookup:
    def get_user(self, user_id):
        """As ModelBackend.get_user: the user with this id, or None when there is none or they
        may not sign in."""
        if type(user_id) is not int:  # the compiled query takes an int id; anything else goes Django's way
            return super().get_user(user_id)
        found = user_by_pk(pk=user_id)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None


class ModelBackend(CompiledUserLookup, django_backends.ModelBackend):
    pass


class AuthenticationBackend(CompiledUserLookup, allauth_backends.AuthenticationBackend):
    pass
