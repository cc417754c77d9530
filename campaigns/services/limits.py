"""Each provider's declared limits (text length, Unicode, sender rules), checked before a
message exists: by the composer's launch, the API's single send and sender-ID approval.
The rules themselves live in the backends (ProviderBackend.text_problem / sender_problem)."""

from __future__ import annotations

from campaigns.services.smsinfo import sms_info


def _backend_class(connection):
    from providers.registry import UnknownProvider, backend_class

    try:
        return backend_class(connection.provider)
    except UnknownProvider:
        return None


def text_problems(connection, channel: str, text: str) -> list[str]:
    """Why ``connection``'s provider would refuse ``text`` on ``channel`` (empty: it takes it)."""
    cls = _backend_class(connection) if connection is not None else None
    if cls is None or not text:
        return []
    info = sms_info(text)
    problem = cls.text_problem(channel, text, info.encoding if channel == "sms" else "gsm7")
    if problem and info.ucs2_chars and "Unicode" in problem:
        problem += f" (characters: {''.join(info.ucs2_chars[:10])})"
    return [problem + "."] if problem else []


def sender_problems(connection, channel: str, sender: str) -> list[str]:
    cls = _backend_class(connection) if connection is not None else None
    if cls is None:
        return []
    problem = cls.sender_problem(channel, sender)
    return [problem + "."] if problem else []


def sender_approval_problems(sender) -> list[str]:
    """A sender tied to a connection must suit that provider; one for any connection must
    suit at least one of the account's active connections serving its channel."""
    if sender.connection_id:
        return sender_problems(sender.connection, sender.channel, sender.value)
    from providers.models import ProviderConnection

    connections = [c for c in ProviderConnection.objects.filter(account_id=sender.account_id, is_active=True) if c.serves(sender.channel)]
    problems = [sender_problems(c, sender.channel, sender.value) for c in connections]
    if connections and all(problems):
        return [p for found in problems for p in found]
    return []
