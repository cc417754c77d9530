"""Consent history per contact and channel: who opted in or out, when, how and the proof.

Receiving is decided by suppressions (audience.py excludes every suppressed number in SQL), so
an opt-out always creates a suppression and "suppression always wins": an opt-in by keyword
lifts only the suppression a keyword reply made, never one an admin, import or provider made."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

from campaigns.models import ConsentRecord, Contact, Suppression
from campaigns.services import audit

IN, OUT = ConsentRecord.Status.OPTED_IN, ConsentRecord.Status.OPTED_OUT
Source = ConsentRecord.Source


def record(contact: Contact, status: str, source: str, *, channel: str = "sms", detail: str = "", proof: str = "") -> ConsentRecord:
    return ConsentRecord.objects.create(
        account_id=contact.account_id,
        contact=contact,
        channel=channel,
        status=status,
        source=source,
        detail=detail[:200],
        proof=proof[:200],
    )


def record_for_phone(account_id: int, phone: str, status: str, source: str, **fields) -> ConsentRecord | None:
    """As record(), for a number: nothing is recorded when it is no contact of the account."""
    contact = Contact.objects.filter(account_id=account_id, phone=phone).first()
    return record(contact, status, source, **fields) if contact else None


def record_imported(account_id: int, contact_ids: Iterable[int], file_name: str, job_id: int) -> None:
    """Contacts an import created: opted in by the file that brought them."""
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                account_id=account_id,
                contact_id=pk,
                status=IN,
                source=Source.IMPORT,
                detail=file_name[:200],
                proof=f"Import #{job_id}",
            )
            for pk in contact_ids
        ],
        batch_size=500,
    )


def opted_out_phones(account_id: int, phones: Iterable[str]) -> set[str]:
    """The numbers among these that opted out (an import keeps them out)."""
    rows = Suppression.objects.filter(account_id=account_id, phone__in=list(phones), reason=Suppression.Reason.OPT_OUT)
    return set(rows.values_list("phone", flat=True))


def history(contact: Contact):
    return contact.consent_records.filter(account_id=contact.account_id)


# --- suppressions made by people (contact page, suppression list, API, suppression import) --------

_BY_PEOPLE = (Suppression.Source.MANUAL, Suppression.Source.API, Suppression.Source.IMPORT)


def _source_and_detail(suppression: Suppression) -> tuple[str, str]:
    actor = audit.current_actor()
    if suppression.source == Suppression.Source.IMPORT:
        return Source.IMPORT, suppression.note or actor.label
    if suppression.source == Suppression.Source.API or actor.kind == audit.AuditEvent.ActorKind.API_KEY:
        return Source.API, actor.label
    return Source.ADMIN, actor.label


def _suppression_saved(sender, instance: Suppression, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or instance.source not in _BY_PEOPLE or instance.reason != Suppression.Reason.OPT_OUT:
        return
    source, detail = _source_and_detail(instance)
    record_for_phone(instance.account_id, instance.phone, OUT, source, detail=detail, proof=instance.note)


def _suppression_deleted(sender, instance: Suppression, **kwargs) -> None:
    if instance.source not in _BY_PEOPLE or instance.reason != Suppression.Reason.OPT_OUT:
        return
    source, detail = _source_and_detail(instance)
    record_for_phone(instance.account_id, instance.phone, IN, source, detail=detail, proof="Suppression removed")


def connect() -> None:
    post_save.connect(_suppression_saved, sender=Suppression, dispatch_uid="consent_suppression_saved")
    post_delete.connect(_suppression_deleted, sender=Suppression, dispatch_uid="consent_suppression_deleted")
