"""A WSGI app for tests/pingtopass/test_gunicorn_conf.py: says what the garbage collector of
the worker serving it is set to."""

import gc
import json


def application(environ, start_response):
    body = json.dumps({"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
