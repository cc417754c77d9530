"""Logging filters."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is routine: log one line with the path and the reason, not a
    traceback of the PermissionDenied that refused it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            exc = record.exc_info[1]
            reason = str(exc) if exc is not None and str(exc) else "permission denied"
            record.msg, record.args = "%s (%s)", (record.getMessage(), reason)
            record.exc_info, record.exc_text = None, None
        return True
