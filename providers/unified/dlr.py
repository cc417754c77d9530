"""Unified delivery reports. The provider's document does not describe them, so we accept
the usual shapes at the connection's webhook URL:

- ``GET`` with query parameters, ``POST`` form-encoded (query parameters merged in), or
  ``POST`` JSON (one object, or a list of objects for several reports).
- Field names are case-insensitive:
  - message id (required): ``messageid``, ``message_id``, ``msgid``, ``id``, ``smsid``, ``sMessageId``
    (the id from the ``1701|<destination>|<message_id>`` reply);
  - status word (required): ``status``, ``stat``, ``dlr_status``, ``dlrstatus``, ``sStatus``;
  - destination (optional): ``destination``, ``mobile``, ``msisdn``, ``to``, ``sMobileNo``;
  - error code (optional): ``err``, ``error``, ``error_code``, ``errorcode``, ``iErrCode``;
  - time done (optional): ``done_date``, ``donedate``, ``dtDone``, ``date``, ``timestamp`` as
    ``YYYY-MM-DD HH:MM:SS`` (UTC), ISO 8601, or the SMPP receipt's ``YYMMDDhhmm[ss]`` (UTC).
- Status words (case-insensitive): ``DELIVRD``/``DELIVERED`` -> delivered;
  ``UNDELIV``/``UNDELIVERED``/``UNDELIVERABLE``/``FAILED``/``FAIL``/``DELETED`` -> undelivered;
  ``EXPIRED`` -> expired; ``REJECTD``/``REJECTED`` -> rejected;
  ``ACCEPTD``/``ACCEPTED``/``ACKED``/``ENROUTE``/``SENT``/``SUBMITTED``/``BUFFERED`` -> sent.
  Any other word (``UNKNOWN``...) is stored and answered 200 but changes nothing.
- A report without a message id or a status word, or a body that cannot be read, is
  answered 400 and kept. Every other report is answered ``200 OK``.

Example: ``GET /webhooks/unified/<token>/?messageid=5f2c..&status=DELIVRD&destination=2348012345678&err=000``
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from providers.base import MalformedWebhook, StatusUpdate, WebhookRequest
from providers.unified import codes

ID_FIELDS = ("messageid", "message_id", "msgid", "id", "smsid", "smessageid")
STATUS_FIELDS = ("status", "stat", "dlr_status", "dlrstatus", "sstatus")
DESTINATION_FIELDS = ("destination", "mobile", "msisdn", "to", "smobileno")
ERROR_FIELDS = ("err", "error", "error_code", "errorcode", "ierrcode")
DATE_FIELDS = ("done_date", "donedate", "dtdone", "date", "timestamp")
NO_ERROR = {"", "0", "00", "000", "0000"}


def report_objects(request: WebhookRequest) -> list[dict[str, str]]:
    """The reports in a request, field names lower-cased."""
    query = {k.lower(): str(v) for k, v in request.query.items()}
    text = request.body.decode("utf-8", "replace").strip()
    if not text:
        return [query] if query else []
    if "json" in request.content_type or text[:1] in "{[":
        try:
            body: Any = json.loads(text)
        except ValueError as exc:
            raise MalformedWebhook(f"invalid JSON: {exc}")
        objects = body if isinstance(body, list) else [body]
        if not all(isinstance(o, dict) for o in objects):
            raise MalformedWebhook("expected a JSON object or a list of objects")
        return [{**query, **{str(k).lower(): "" if v is None else str(v) for k, v in o.items()}} for o in objects]
    return [{**query, **{k.lower(): v for k, v in parse_qsl(text, keep_blank_values=True)}}]


def first(report: dict[str, str], names: tuple[str, ...]) -> str:
    return next((report[n].strip() for n in names if report.get(n, "").strip()), "")


def parse_done(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) in (10, 12):  # SMPP receipt: YYMMDDhhmm[ss]
        layout = "%y%m%d%H%M%S" if len(value) == 12 else "%y%m%d%H%M"
        try:
            return datetime.strptime(value, layout).replace(tzinfo=UTC)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_update(report: dict[str, str]) -> StatusUpdate | None:
    message_id, word = first(report, ID_FIELDS), first(report, STATUS_FIELDS)
    if not message_id or not word:
        raise MalformedWebhook("a Unified delivery report needs a message id and a status word")
    status = codes.dlr_status(word)
    if status is None:
        return None
    raw_error = first(report, ERROR_FIELDS)
    return StatusUpdate(
        status=status,
        provider_message_id=message_id,
        error=codes.dlr_error(status, word, "" if raw_error in NO_ERROR else raw_error),
        raw_status=word,
        occurred_at=parse_done(first(report, DATE_FIELDS)),
        to=first(report, DESTINATION_FIELDS),
    )


def parse_reports(request: WebhookRequest) -> list[StatusUpdate]:
    reports = report_objects(request)
    if not reports:
        raise MalformedWebhook("empty Unified delivery report")
    updates = [to_update(r) for r in reports]
    return [u for u in updates if u is not None]
