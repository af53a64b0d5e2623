"""Uploaded files (question exhibits) served by the app when they live on the local disk.

Django's `static.serve` is meant for development: it serves any file with whatever type the
extension suggests. Here only image types a question can show are served, each with a fixed
type, and SVG (a document that can carry script) with a policy that lets nothing run, since
opened on its own it would otherwise run on our origin. With an object store (MEDIA_STORAGE=s3)
this view is not routed: the store serves the URLs its storage draws.
"""

import os
import stat

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
# The storage never reuses a name (it adds a suffix when one is taken), so the bytes behind a URL
# do not change and browsers may keep them.
CACHE_CONTROL = "public, max-age=31536000"


@require_safe
def media_file(request, path: str) -> HttpResponseBase:
    extension = os.path.splitext(path)[1].lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404("Not a servable file type.")
    full_path, status = _regular_file(path)
    etag = f'"{status.st_mtime_ns:x}-{status.st_size:x}"'
    last_modified = int(status.st_mtime)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None and request.method == "HEAD":  # gunicorn drops a HEAD's body, but warns in the log
        response = HttpResponse(content_type=content_type, headers={"Content-Length": str(status.st_size)})
    elif response is None:
        response = FileResponse(open(full_path, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
    response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    if extension == ".svg":
        response["Content-Security-Policy"] = SVG_POLICY  # kept: the site's CSP middleware never replaces a header
    return response


def _regular_file(path: str) -> tuple[str, os.stat_result]:
    """The real path and status of the regular file `path` names inside the storage's folder.

    Whatever the path says (`..`, an absolute path, NUL, a name too long), and wherever a
    symbolic link inside the folder points, nothing outside the folder and no folder is served.
    """
    try:
        root = os.path.realpath(default_storage.location)
        full_path = os.path.realpath(default_storage.path(path))  # Django's safe_join: no `..` out
        status = os.stat(full_path)
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such file.") from None
    if os.path.commonpath([root, full_path]) != root or not stat.S_ISREG(status.st_mode):
        raise Http404("No such file.")
    return full_path, status
