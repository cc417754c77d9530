"""Request bodies for VT's send endpoints, built from an OutboundMessage.

OutboundMessage.payload keys read here:
- voice: ``kind`` ("otp" -> /v3/sendsms with sender VT-vOTP; anything else -> /v3/sendcall),
  ``recording`` (the approved recording's reference), ``call_template`` (default 2, a basic
  call), ``call_parameters`` (a dict var1..n, or a list turned into var1..n),
  ``max_voice_repeat`` and ``max_call_attempts`` (sent only when given).
- whatsapp: ``type`` (template|text|image|audio|video|document), ``template_id``,
  ``variables`` (templateVariables), ``media_urls`` (mediaUrl), ``media`` ({id|link, caption,
  filename}), ``priority``. A text message's body is OutboundMessage.text (or payload
  ``body``); a media message's caption defaults to OutboundMessage.text.
- sms: optional ``header`` (a whitelisted header id for shared short codes).
"""

from __future__ import annotations

from typing import Any

from providers.base import Channel, ErrorCode, OutboundMessage

VOICE_OTP_SENDER = "VT-vOTP"
DEFAULT_SENDER = "Default"
BASIC_CALL_TEMPLATE = 2
WHATSAPP_MEDIA_TYPES = ("image", "audio", "video", "document")
WHATSAPP_TYPES = ("template", "text", *WHATSAPP_MEDIA_TYPES)


class InvalidMessage(ValueError):
    """The message cannot become a valid VT request; nothing is sent."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.BAD_REQUEST) -> None:
        super().__init__(message)
        self.code = code


def is_voice_otp(message: OutboundMessage) -> bool:
    return message.channel == Channel.VOICE and str(message.payload.get("kind", "")).lower() == "otp"


def sms_body(apikey: str, message: OutboundMessage) -> dict[str, Any]:
    if message.flash:
        raise InvalidMessage("VT has no flash SMS; send it as a normal SMS or through another connection.")
    if not message.text:
        raise InvalidMessage("The message text is empty.", ErrorCode.CONTENT_INVALID)
    sender = VOICE_OTP_SENDER if is_voice_otp(message) else (message.sender or DEFAULT_SENDER)
    body = {"apikey": apikey, "receivernum": message.to, "sendernum": sender, "textmessage": message.text}
    if message.payload.get("header"):
        body["header"] = str(message.payload["header"])
    return body


def call_body(apikey: str, message: OutboundMessage) -> dict[str, Any]:
    payload = message.payload
    recording = str(payload.get("recording") or "").strip()
    if not recording:
        raise InvalidMessage("A voice call needs an approved recording reference.", ErrorCode.MEDIA_INVALID)
    body: dict[str, Any] = {
        "apikey": apikey,
        "receivernum": message.to,
        "callerid": message.sender or DEFAULT_SENDER,
        "recording": int(recording) if recording.isdigit() else recording,
        "call_template": as_int(payload.get("call_template"), "call_template", BASIC_CALL_TEMPLATE),
    }
    for key in ("max_voice_repeat", "max_call_attempts"):
        if payload.get(key) not in (None, ""):
            body[key] = as_int(payload[key], key)
    parameters = call_parameters(payload.get("call_parameters"))
    if parameters:
        body["call_parameters"] = parameters
    return body


def call_parameters(value: Any) -> dict[str, str]:
    """VT wants var1, var2, ...: a list is numbered, a dict is kept as given."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return {f"var{i}": str(v) for i, v in enumerate(value, start=1)}
    raise InvalidMessage("call_parameters must be a dict of var1..n or a list.")


def as_int(value: Any, name: str, default: int | None = None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidMessage(f"{name} must be a whole number, not {value!r}.")


def whatsapp_body(hash_key: str, message: OutboundMessage) -> dict[str, Any]:
    payload = message.payload
    kind = str(payload.get("type") or "text").lower()
    if kind not in WHATSAPP_TYPES:
        raise InvalidMessage(f"Unknown WhatsApp message type {kind!r}.")
    body: dict[str, Any] = {"hash": hash_key, "to": message.to.lstrip("+"), "type": kind, "message_ref": str(message.id)}
    if payload.get("priority") not in (None, ""):
        body["priority"] = as_int(payload["priority"], "priority")
    if kind == "template":
        body.update(template_fields(payload))
    elif kind == "text":
        text = message.text or str(payload.get("body") or "")
        if not text:
            raise InvalidMessage("The WhatsApp text is empty.", ErrorCode.CONTENT_INVALID)
        body["text"] = {"body": text}
    else:
        body[kind] = media_object(kind, payload.get("media") or {}, message.text)
    return body


def template_fields(payload: dict[str, Any]) -> dict[str, Any]:
    template_id = str(payload.get("template_id") or "").strip()
    if not template_id:
        raise InvalidMessage("A WhatsApp template message needs a template_id.", ErrorCode.MEDIA_INVALID)
    return {
        "template_id": int(template_id) if template_id.isdigit() else template_id,
        "templateVariables": [str(v) for v in payload.get("variables") or []],
        "mediaUrl": [str(u) for u in payload.get("media_urls") or []],
    }


def media_object(kind: str, media: dict[str, Any], text: str) -> dict[str, str]:
    found = {key: str(media[key]) for key in ("id", "link") if media.get(key)}
    if not found:
        raise InvalidMessage(f"A WhatsApp {kind} message needs a media id or link.", ErrorCode.MEDIA_INVALID)
    caption = media.get("caption") or text
    if caption:
        found["caption"] = str(caption)
    if kind == "document" and media.get("filename"):
        found["filename"] = str(media["filename"])
    return found
