"""OpenAPI descriptions of our authentication classes (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension


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


class SenderChannelScheme(OpenApiSerializerFieldExtension):
    target_class = "campaigns.api.serializers.senders.SenderChannelField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":  # every channel (the enum other models' channels use)
            return {"$ref": "#/components/schemas/ChannelEnum"}
        return {"type": "string", "enum": list(self.target.choices)}


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
    "409": "Conflict (state, Idempotency-Key, a name or number already taken)",
    "413": "The request body is too large",
    "415": "Unsupported media type",
    "422": "Refused (launch, send, OTP, segment conditions)",
    "429": "Rate limited; see Retry-After",
}


def describe_alternatives(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: request bodies that need one of two fields say so (``anyOf``)."""
    schemas = result.get("components", {}).get("schemas", {})
    some_text = {"required": ["text"], "properties": {"text": {"pattern": r"\S"}}}
    alternatives = {
        "OtpVerifyRequest": [{"required": ["id"]}, {"required": ["to"]}],
        # sms and voice need a text; WhatsApp a text, a template or media.
        "SendRequest": [
            some_text,
            {
                "required": ["channel", "payload"],
                "properties": {
                    "channel": {"enum": ["whatsapp"]},
                    "payload": {
                        "anyOf": [
                            {"required": ["template_id"], "properties": {"template_id": {"type": "string", "pattern": r"\S"}}},
                            {"required": ["media_urls"], "properties": {"media_urls": {"type": "array", "minItems": 1}}},
                        ]
                    },
                },
            },
        ],
        # A sender ID's form depends on its channel.
        "SenderIDRequest": [
            {"properties": {"channel": {"enum": ["sms"]}, "value": {"pattern": r"^\s*([A-Za-z0-9]{3,11}|\+?[0-9]{1,18})\s*$"}}},
            {
                "properties": {
                    "channel": {"enum": ["voice"]},
                    "value": {"pattern": r"^\s*(\+?[0-9]{3,18}|[A-Za-z0-9][A-Za-z0-9-]{2,14})\s*$"},
                }
            },
            {"properties": {"channel": {"enum": ["whatsapp"]}, "value": {"format": "phone"}}},
        ],
        # An SMS template (the default kind) needs a text.
        "TemplateRequest": [
            {"required": ["body"], "properties": {"body": {"pattern": r"\S"}}},
            {"required": ["kind"], "properties": {"kind": {"enum": ["whatsapp", "voice"]}}},
        ],
    }
    for name, choices in alternatives.items():
        if name in schemas:
            schemas[name]["anyOf"] = choices
    _audio_upload(result)
    return result


def _audio_upload(result: dict) -> None:
    """The recording upload's file part is audio: say which types (multipart ``encoding``)."""
    from campaigns.api.serializers.senders import RECORDING_TYPES

    # A multipart form has no null: an optional id is left out, not sent as "null".
    for name in ("RecordingRequest",):
        for field in result.get("components", {}).get("schemas", {}).get(name, {}).get("properties", {}).values():
            field.pop("nullable", None)
    operation = result.get("paths", {}).get("/api/v1/recordings", {}).get("post", {})
    for media_type, body in operation.get("requestBody", {}).get("content", {}).items():
        if media_type == "multipart/form-data":
            body["encoding"] = {"file": {"contentType": ", ".join(sorted(RECORDING_TYPES))}}


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
