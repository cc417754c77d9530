"""OpenAPI descriptions of our authentication classes (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "campaigns.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key created by an account admin in the portal."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "campaigns.api.auth.SessionAuthentication"
    name = "Session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid", "description": "The portal's login (browsable API)."}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "Problems per field name, when the request had bad fields.",
                },
            },
        }
    },
}
ERROR_STATUSES = {
    "400": "Bad request (validation_error, invalid_request...)",
    "401": "No key, or an invalid or revoked key",
    "403": "The key may not do this (read-only, subaccount)",
    "404": "Not found (or another account's object)",
    "405": "Method not allowed",
    "409": "Conflict (state, Idempotency-Key)",
    "415": "Unsupported media type",
    "422": "Refused (launch, send, OTP)",
    "429": "Rate limited; see Retry-After",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: every operation documents the one error body for its error statuses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(status, {"description": description, "content": {"application/json": {"schema": ref}}})
            if "429" in operation["responses"]:
                operation["responses"]["429"]["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                }
    return result
