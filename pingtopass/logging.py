"""JSON log lines: one object per record, with any `extra` fields merged in, and the id of the
request (or task) each line was written for."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

NO_REQUEST = "-"
# Set by RequestLogMiddleware for a request (until its response is closed), and by
# pingtopass.celery for a task's run.
request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Put `request_id` on every record a handler writes: the request or task being served, or "-".

    A filter on the handler runs only for lines that are written: a request that logs nothing
    but its access line (which names its id itself) never runs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        vars(record).setdefault("request_id", request_id_var.get())
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
