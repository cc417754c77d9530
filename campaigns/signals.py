"""Audit records for logins, which Django's auth signals announce (web login and any other)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from campaigns.services import audit
from portal.security import client_ip


def _account_of(user):
    from campaigns.models import Membership

    membership = Membership.objects.select_related("account").filter(user=user).first()
    return membership.account if membership else None


def _actor(request, user=None) -> audit.Actor:
    ip = client_ip(request) if request is not None else None
    return audit.user_actor(user, ip) if user is not None else audit.Actor(audit.AuditEvent.ActorKind.ANONYMOUS, "anonymous", ip=ip)


@receiver(user_logged_in, dispatch_uid="audit-login")
def login_recorded(sender, request, user, **kwargs) -> None:
    audit.record("login", account=_account_of(user), target=user, actor=_actor(request, user))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def logout_recorded(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record("logout", account=_account_of(user), target=user, actor=_actor(request, user))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failure_recorded(sender, credentials, request=None, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username__iexact=username).first() if username else None
    actor = _actor(request)
    actor = audit.Actor(actor.kind, f"anonymous (as {username})" if username else "anonymous", ip=actor.ip)
    audit.record(
        "login.failed",
        account=_account_of(user) if user else None,
        target=user,
        target_label=username,
        changes={"username": username, "locked_out": bool(getattr(request, "axes_locked_out", False))},
        actor=actor,
    )


def connect_model_audit() -> None:
    from campaigns.services import audit_models

    audit_models.connect()
