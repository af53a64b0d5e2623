"""Conditional GET for reads a client polls or keeps: the ETag is a digest of the answer itself,
so it changes exactly when the answer does (a moderator's edit of an explanation, a new question
in the bank) and can never be stale. A client sending it back in If-None-Match gets 304 with no
body: the read still runs, the transfer and the client's parsing are saved."""

import functools
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from ninja.decorators import decorate_view


def _etag(run, *, private: bool):
    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        # Stored, but asked again each time; a learner's own reads by no cache they share.
        patch_cache_control(response, no_cache=True, **({"private": True} if private else {"public": True}))
        if private:
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapped


def etag(*, private: bool):
    """For an operation: `@etag(private=True)` under its `@router.get(...)`."""
    return decorate_view(functools.partial(_etag, private=private))
