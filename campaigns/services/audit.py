"""Writing the audit trail. Service functions call ``record()`` where they make a change, so
the web, the API and management commands are audited alike. Who acts comes from a context
variable: the web middleware sets the logged-in user, API authentication the key, and a
management command names itself with ``acting_as_command()``."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from campaigns.models import Account, AuditEvent

__all__ = ["Actor", "AuditEvent", "acting_as", "acting_as_command", "record"]

MASK = "••••••"
_SECRET = re.compile(r"(pass|secret|token|key|credential|auth|signature|pin)", re.IGNORECASE)
# Names that contain a secret-looking word but hold none.
_NOT_SECRET = {"api_key", "key_prefix", "prefix", "token_used"}


@dataclass(frozen=True)
class Actor:
    kind: str
    label: str = ""
    user: Any = None
    api_key: Any = None
    ip: str | None = None


SYSTEM = Actor(AuditEvent.ActorKind.SYSTEM, "system")
_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def set_actor(actor: Actor) -> None:
    """For API authentication, which runs inside the request's ``acting_as`` block."""
    _actor.set(actor)


def user_actor(user, ip: str | None = None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(AuditEvent.ActorKind.ANONYMOUS, "anonymous", ip=ip)
    return Actor(AuditEvent.ActorKind.USER, user.get_username(), user=user, ip=ip)


def api_key_actor(key, ip: str | None = None) -> Actor:
    return Actor(AuditEvent.ActorKind.API_KEY, f"API key {key.name} ({key.prefix}…)", api_key=key, ip=ip)


def acting_as_command(name: str):
    return acting_as(Actor(AuditEvent.ActorKind.COMMAND, f"manage.py {name}"))


def mask(value: Any, name: str = "") -> Any:
    """The value with every secret-looking field replaced by a mask (nested dicts and lists too)."""
    if name and name.lower() not in _NOT_SECRET and _SECRET.search(name):
        if isinstance(value, (list, tuple)):  # a [before, after] pair: say whether each was set
            return [_masked(v) for v in value]
        return _masked(value)
    if isinstance(value, Mapping):
        return {str(k): mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _masked(value: Any) -> Any:
    return MASK if value not in (None, "", {}, []) else value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields that changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f, None)) for f in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def record(
    action: str,
    *,
    account: Account | None = None,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    target_label: str = "",
) -> AuditEvent:
    """One audit event, with the current actor (or ``actor``), secrets masked."""
    actor = actor or current_actor()
    if account is None and target is not None:
        account = getattr(target, "account", None) if not isinstance(target, Account) else target
    return AuditEvent.objects.create(
        account=account,
        action=action,
        actor_kind=actor.kind,
        actor_label=actor.label[:200],
        user=actor.user if getattr(actor.user, "pk", None) else None,
        api_key=actor.api_key,
        ip=actor.ip or None,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        changes=mask(dict(changes or {})),
    )


def audited_command(handle):
    """Decorates a management command's ``handle``: what it changes is recorded as done by
    ``manage.py <name>`` (run by whoever has the server's shell)."""

    def wrapper(self, *args, **options):
        with acting_as_command(type(self).__module__.rsplit(".", 1)[-1]):
            return handle(self, *args, **options)

    wrapper.__name__ = handle.__name__
    wrapper.__doc__ = handle.__doc__
    return wrapper
