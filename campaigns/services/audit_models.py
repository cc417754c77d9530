"""Audit records for the security- and money-relevant records, whoever saves them (web form,
API serializer, management command, Django admin): each create, change and delete of these
models leaves one record with the fields that changed, secrets masked. Actions that are not a
row's change (launch, top-up, export, login) are recorded by their service functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from campaigns.services import audit


@dataclass(frozen=True)
class Audited:
    label: str  # the action's first word: "sender_id" -> sender_id.created / .approved / .changed
    fields: tuple[str, ...]
    status_field: str = ""  # a change of only this field is named by its new value (sender_id.approved)


AUDITED: dict[str, Audited] = {
    "auth.User": Audited("user", ("username", "email", "is_active", "is_staff", "is_superuser", "password")),
    "campaigns.Membership": Audited("member", ("user", "role", "subaccount")),
    "campaigns.Subaccount": Audited("subaccount", ("name", "credit_limit", "is_active")),
    "campaigns.ApiKey": Audited("api_key", ("name", "prefix", "subaccount", "read_only", "revoked_at")),
    "campaigns.EventSubscription": Audited("event_subscription", ("url", "events", "secret", "is_active")),
    "providers.ProviderConnection": Audited(
        "connection", ("name", "provider", "base_url", "channels", "mps", "is_active", "webhook_token", "settings")
    ),
    "campaigns.SenderID": Audited("sender_id", ("channel", "value", "connection", "status", "decision_note"), "status"),
    "campaigns.VoiceRecording": Audited("recording", ("name", "connection", "status", "provider_reference"), "status"),
    "campaigns.KeywordRule": Audited("keyword_rule", ("keyword", "action", "reply_text", "is_active")),
    "campaigns.Price": Audited("price", ("channel", "prefix", "unit", "amount")),
    "campaigns.Route": Audited("route", ("name", "subaccount", "channel", "match_kind", "match_value", "strategy", "enabled")),
    "campaigns.Account": Audited("account", ("name", "currency", "timezone", "is_active", "require_mfa", "error_pause_threshold")),
}
_BEFORE = "_audit_before"


def _spec(instance: Model) -> Audited | None:
    return AUDITED.get(instance._meta.label)


def _state(instance: Model, spec: Audited) -> dict[str, Any]:
    state = {}
    for name in spec.fields:
        if not hasattr(instance, name) and not hasattr(instance, f"{name}_id"):
            continue
        state[name] = _related_label(instance, name) if _is_relation(instance, name) else audit._plain(getattr(instance, name, None))
    if hasattr(instance, "get_credentials"):
        # Which credential changed is recorded; its value never is (the key names mask it).
        for key, value in (instance.get_credentials() or {}).items():
            state[f"credential:{key}"] = audit._plain(value)
    return state


def _related_label(instance: Model, name: str) -> str | None:
    """A related row by its name (a sender's connection "VT main (vt)"), or its id if it is gone."""
    related_id = getattr(instance, f"{name}_id", None)
    if related_id is None:
        return None
    try:
        return str(getattr(instance, name))
    except Exception:
        return f"#{related_id}"


def _set_values(state: dict[str, Any]) -> dict[str, Any]:
    """A created or deleted row's values, without the empty ones."""
    return {k: v for k, v in state.items() if v not in (None, "", [], {})}


def _is_relation(instance: Model, name: str) -> bool:
    try:
        return instance._meta.get_field(name).is_relation
    except Exception:
        return False


def _account(instance: Model):
    from campaigns.models import Account, Membership

    if isinstance(instance, Account):
        return instance
    if getattr(instance, "account_id", None):
        return instance.account
    if instance._meta.label == "auth.User":
        membership = Membership.objects.select_related("account").filter(user_id=instance.pk).first()
        return membership.account if membership else None
    return None


def _remember_before(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    spec = _spec(instance)
    if spec is None or raw or instance.pk is None:
        return
    old = type(instance)._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, _state(old, spec) if old is not None else None)


def _record_save(sender, instance: Model, created: bool, raw: bool = False, **kwargs) -> None:
    spec = _spec(instance)
    if spec is None or raw:
        return
    after = _state(instance, spec)
    before = None if created else getattr(instance, _BEFORE, None)
    if before is None:
        audit.record(f"{spec.label}.created", account=_account(instance), target=instance, changes=_set_values(after))
        return
    changes = audit.diff(before, after)
    if not changes:
        return
    action = f"{spec.label}.changed"
    if (spec.status_field and set(changes) == {spec.status_field}) or (spec.status_field in changes and len(changes) <= 2):
        action = f"{spec.label}.{after[spec.status_field]}"
    if spec.label == "api_key" and "revoked_at" in changes and after["revoked_at"]:
        action = "api_key.revoked"
    audit.record(action, account=_account(instance), target=instance, changes=changes)
    setattr(instance, _BEFORE, after)


def _record_delete(sender, instance: Model, **kwargs) -> None:
    spec = _spec(instance)
    if spec is None:
        return
    try:
        account = _account(instance)
    except Exception:
        account = None  # deleted along with its account
    audit.record(f"{spec.label}.deleted", account=account, target=instance, changes=_set_values(_state(instance, spec)))


def _record_contact_delete(sender, instance: Model, **kwargs) -> None:
    # Contacts are many: only their deletion is audited (created and edited contacts are not).
    audit.record("contact.deleted", account=instance.account, target=instance, target_label=instance.phone)


def connect() -> None:
    post_delete.connect(_record_contact_delete, sender=apps.get_model("campaigns.Contact"), dispatch_uid="audit-contact-del", weak=False)
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}-pre", weak=False)
        post_save.connect(_record_save, sender=model, dispatch_uid=f"{uid}-post", weak=False)
        post_delete.connect(_record_delete, sender=model, dispatch_uid=f"{uid}-del", weak=False)
