"""One error body for every API error: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

CODES = {
    400: "invalid_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


class ApiError(exceptions.APIException):
    """Raise from a view for a clear error with our own code, e.g. ApiError(409, "idempotency_conflict", ...)."""

    def __init__(self, status_code: int, code: str, message: str, fields: dict | None = None) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields or {}


def conflict(field: str, message: str) -> ApiError:
    """409: the request is valid but clashes with an existing object (a name or number taken)."""
    return ApiError(409, "conflict", f"{field}: {message}", {field: [message]})


def error_body(code: str, message: str, fields: dict | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_messages(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = ApiError(413, "too_large", "The request body is too large.")
    elif isinstance(exc, SuspiciousOperation):  # e.g. TooManyFieldsSent: a form body of more than 1,000 fields
        exc = exceptions.ParseError(str(exc) or "The request body could not be read.")
    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("API error", exc_info=exc)
        return Response(error_body("server_error", "Something went wrong on our side."), status=500)
    response.data = _body_for(exc, response.status_code)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    return response


def _body_for(exc: Exception, status_code: int) -> dict[str, Any]:
    if isinstance(exc, ApiError):
        return error_body(exc.error_code, str(exc.detail), exc.fields)
    if isinstance(exc, exceptions.ValidationError):
        fields, message = _fields_and_message(exc.detail)
        return error_body("validation_error", message, fields)
    if isinstance(exc, exceptions.Throttled):
        return error_body("rate_limited", f"Too many requests; retry in {int(exc.wait or 1)} s.")
    code = CODES.get(status_code)
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = "authentication_failed"
    detail = getattr(exc, "detail", "")
    return error_body(code or f"http_{status_code}", str(detail) if detail else status.HTTP_STATUS_TEXT.get(status_code, "Error"))


def _fields_and_message(detail: Any) -> tuple[dict, str]:
    if isinstance(detail, dict):
        fields = {key: _flatten(value) for key, value in detail.items() if key != "non_field_errors"}
        general = _flatten(detail.get("non_field_errors", []))
        message = " ".join(general) if general else "Some fields are not valid."
        if not general and len(fields) == 1:
            name, problems = next(iter(fields.items()))
            message = f"{name}: {problems[0]}" if problems else message
        return fields, message
    messages = _flatten(detail)
    return {}, " ".join(messages) or "The request is not valid."


def _flatten(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_flatten(item) if isinstance(item, list | tuple) else [_as_text(item)])
        return out
    return [_as_text(value)]


def _as_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {', '.join(_flatten(v))}" for k, v in value.items())
    return str(value)


def _django_messages(exc: DjangoValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


@csrf_exempt  # an unknown URL answers 404 whatever the method; no form is involved
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Catch-all for unknown /api/ URLs: the same body as every other error."""
    hint = " (API URLs have no trailing slash)" if request.path.endswith("/") and request.path.startswith("/api/v1/") else ""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}{hint}."), status=404)
