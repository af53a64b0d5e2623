"""Storing an uploaded file so that a media folder that is full or read-only is a message for the
person uploading, a line for the operators, and no half-written file left behind."""

import errno
import logging

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile

logger = logging.getLogger("pingtopass.uploads")

_REASONS = {
    errno.ENOSPC: "the media folder is full (no space left on device)",
    errno.EDQUOT: "the media folder's disk quota is used up",
    errno.EROFS: "the media folder is read-only",
    errno.EACCES: "the server is not allowed to write to the media folder (permission denied)",
    errno.EPERM: "the server is not allowed to write to the media folder (operation not permitted)",
}


class UploadNotStored(Exception):
    """The upload could not be written; nothing of it is left in storage. The text is for the uploader."""


def upload_store(*, field_file: FieldFile, upload: UploadedFile) -> str:
    """Write `upload` to the storage of `field_file` now, before its row is saved, and point the field
    at it (so saving the row writes no file). Returns the stored name; raises UploadNotStored."""
    field, storage = field_file.field, field_file.storage
    name = storage.get_available_name(
        field.generate_filename(field_file.instance, upload.name), max_length=field.max_length
    )
    existed, stored = storage.exists(name), None
    try:
        stored = storage.save(name, upload, max_length=field.max_length)
        # Django's copy of a large upload across filesystems ignores a short write, so a disk that
        # fills up mid-copy "succeeds" with a truncated file.
        written = storage.size(stored)
        if written != upload.size:
            raise OSError(errno.ENOSPC, f"{written} of {upload.size} bytes written")
    except OSError as exc:
        # A failed write may leave an empty or partial file under the name it was given.
        if stored or not existed:
            _remove_leftover(storage, stored or name)
        where = _location(storage, stored or name)
        code = errno.errorcode.get(exc.errno, str(exc.errno))
        logger.error("Could not store an upload at %s: %s (%s)", where, exc.strerror or exc, code,
                     extra={"path": where, "errno": code})
        reason = _REASONS.get(exc.errno, f"the media folder could not be written ({exc.strerror or exc})")
        raise UploadNotStored(
            f"The {field.verbose_name} could not be saved: {reason}. "
            "Nothing was changed; try again later or ask an operator."
        ) from exc
    setattr(field_file.instance, field.attname, stored)
    return stored


def _remove_leftover(storage: Storage, name: str) -> None:
    # The name was free just before the write. Should a concurrent upload of the same file name take
    # it within those microseconds, this write goes to another name and that one's file is removed:
    # a window left open, as the storage cannot say which name a failed write used.
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.exception("Could not remove what a failed upload left at %s", _location(storage, name))


def _location(storage: Storage, name: str) -> str:
    try:
        return storage.path(name)
    except NotImplementedError:  # an object store has names, not paths
        return name
