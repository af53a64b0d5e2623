"""A number too large for what a view does with it is the request's fault: 400, not 500.

Ids in paths (<id:...>), query strings and forms are read with care (pingtopass.params,
pingtopass.converters), and integer lookups find nothing for a number no column holds
(pingtopass/db/lookups.py). Whatever still reaches a conversion that refuses a number (SQLite's
driver given one beyond 64 bits, a date or float conversion) raises OverflowError, in code we did
not write too (admin, allauth, dj-stripe). This middleware is the net under all of them.
"""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

from pingtopass.context_processors import site

logger = logging.getLogger("pingtopass.overflow")


class OverflowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OverflowError):
            return None
        logger.warning("number too large", extra={"method": request.method, "path": request.path,
                                                  "error": str(exception)})
        # Drawn without the request, as for someone signed out (site(None)): no context processor
        # reads the session or the database, and the error may have come from the database driver.
        context = {**site(None), "code": 400, "title": "Bad request", "message": "A number in this request is too large."}
        return HttpResponse(render_to_string("errors/error.html", context), status=400)
