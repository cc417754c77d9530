"""USSD menu campaigns: content {"steps": [{"text": "Pick 1) A 2) B", "options": {"1": "A"}}]}.

Step 0 goes out with the campaign (mt-init); each answer (mo-cont) is recorded on the
UssdSession and the next step is queued as its own message (mt-cont, the last mt-fin)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Message, UssdSession
from providers.base import ErrorClass, ErrorCode, InboundItem, MessageStatus, ProviderError, StatusUpdate

# A USSD session the subscriber leaves unanswered this long is over (networks drop them sooner).
IDLE_SESSION = timedelta(minutes=3)


def steps_of(campaign: Campaign) -> list[dict]:
    return [s for s in (campaign.content or {}).get("steps") or [] if isinstance(s, dict)]


def record_answer(connection, item: InboundItem, inbound=None) -> UssdSession | None:
    """Record the answer to the session's current step and queue the next step."""
    with transaction.atomic():
        session = (
            UssdSession.objects.select_for_update()
            .select_related("campaign")
            .filter(account_id=connection.account_id, session_id=item.session_id, state=UssdSession.State.OPEN)
            .first()
        )
        if session is None:
            return None
        steps = steps_of(session.campaign)
        if (item.ussd_op or "").endswith("abort") or (item.ussd_op or "").endswith("fin"):
            session.state = UssdSession.State.ABANDONED
            session.save(update_fields=["state", "updated_at"])
            return session
        current = steps[session.step] if session.step < len(steps) else {}
        answer = (item.text or "").strip()
        options = current.get("options") or {}
        session.answers = [
            *session.answers,
            {"step": session.step, "question": current.get("text", ""), "answer": answer, "choice": options.get(answer, "")},
        ]
        session.step += 1
        # The last step is an mt-fin screen that asks nothing: once it is due, the walk is complete.
        done = session.step >= len(steps) - 1
        session.state = UssdSession.State.COMPLETED if done else UssdSession.State.OPEN
        session.save(update_fields=["answers", "step", "state", "updated_at"])
    _settle_screen(connection, session, session.step - 1, MessageStatus.DELIVERED)
    if session.step < len(steps):
        _queue_step(session.pk, session.step)
    return session


def _screen_message_id(session: UssdSession, step: int) -> int | None:
    """The message that showed ``step``: the campaign's own for step 0, else the step's send."""
    if step == 0:
        return session.message_id
    key = f"ussd:{session.pk}:{step}"
    return Message.objects.filter(account_id=session.account_id, idempotency_key=key).values_list("pk", flat=True).first()


def _settle_screen(connection, session: UssdSession, step: int, status: str, error: ProviderError | None = None) -> None:
    """An answered screen was delivered; one left unanswered until the session died expired.
    Through the same path as delivery reports, so counts, money and events follow."""
    from campaigns.services.reports import apply_updates

    pk = _screen_message_id(session, step)
    if pk is not None:
        apply_updates(connection.pk, session.account_id, [StatusUpdate(status=status, message_id=pk, error=error)])


def expire_idle_sessions(now: datetime | None = None) -> int:
    """Close open sessions nobody answered in time; their last screen becomes expired."""
    cutoff = (now or timezone.now()) - IDLE_SESSION
    idle = list(
        UssdSession.objects.filter(state=UssdSession.State.OPEN, updated_at__lt=cutoff).select_related("campaign__connection")[:1000]
    )
    expired = ProviderError(ErrorCode.EXPIRED, ErrorClass.PERMANENT, message="no answer before the USSD session timed out")
    for session in idle:
        if UssdSession.objects.filter(pk=session.pk, state=UssdSession.State.OPEN).update(state=UssdSession.State.ABANDONED):
            _settle_screen(session_connection(session), session, session.step, MessageStatus.EXPIRED, expired)
    return len(idle)


def session_connection(session: UssdSession):
    """The connection a session's screens go through: the campaign's, or (routed campaigns)
    the one its first screen went out on; a USSD session never changes connection."""
    if session.campaign.connection_id or not session.message_id:
        return session.campaign.connection
    return session.message.connection


def _queue_step(session_id: int, step: int) -> None:
    from django_q.tasks import async_task

    async_task("campaigns.tasks.send_ussd_step", session_id, step, group="ussd")


def send_step(session_pk: int, step: int) -> int | None:
    """Task: create the step's message and send it (mt-cont, or mt-fin for the last)."""
    from campaigns.services.messaging import send_single

    session = UssdSession.objects.select_related("campaign", "campaign__connection", "campaign__account").get(pk=session_pk)
    steps = steps_of(session.campaign)
    if step >= len(steps) or session.step != step:
        return None
    campaign = session.campaign
    message = send_single(
        account=campaign.account,
        connection=session_connection(session),
        channel="ussd",
        to=session.phone,
        text=str(steps[step].get("text", "")),
        payload={"session_id": session.session_id, "op": "fin" if step >= len(steps) - 1 else "cont", "step": step},
        subaccount=campaign.subaccount,
        idempotency_key=f"ussd:{session.pk}:{step}",
    )
    return message.pk
