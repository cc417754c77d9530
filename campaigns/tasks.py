"""django-q2 task entry points (thin: the work lives in campaigns/services)."""

from __future__ import annotations

from campaigns.services.task_profile import profiled


@profiled("start_campaign")
def start_campaign(campaign_id: int) -> int:
    from campaigns.services.carrier import start_with_lookup

    return start_with_lookup(campaign_id)


@profiled("run_batch")
def run_batch(campaign_id: int, lo: int, hi: int | None, connection_id: int | None = None) -> int:
    from campaigns.services.pipeline import run_batch as run

    return run(campaign_id, lo, hi, connection_id)


def send_messages(ids: list[int]) -> int:
    from campaigns.services.messaging import send_messages as send

    return send(ids)


def send_ussd_step(session_id: int, step: int) -> int | None:
    from campaigns.services.ussd import send_step

    return send_step(session_id, step)


@profiled("apply_webhooks")
def apply_webhooks() -> int:
    from providers.intake import apply_received

    return apply_received()


def tick() -> dict:
    from campaigns.services.maintenance import tick as run

    return run()


def recover() -> dict:
    from campaigns.services.maintenance import recover_after_start

    return recover_after_start()


def squash() -> int:
    from campaigns.services.maintenance import squash as run

    return run()


def retention() -> dict:
    from campaigns.services.maintenance import retention as run

    return run()


def provider_polls() -> dict:
    from campaigns.services.provider_polls import run

    return run()


def ab_decide(campaign_id: int) -> bool:
    from campaigns.services.ab_tests import decide

    return decide(campaign_id)
