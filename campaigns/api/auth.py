"""API authentication: ``Authorization: Bearer <key>``; the browsable API also accepts a session.

Every authenticated request gets ``request.scope``: the account, the subaccount the caller
is bound to (None for account-wide), and whether it may write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from campaigns.models import Account, ApiKey, Membership, Role, Subaccount
from campaigns.models.api import hash_key
from campaigns.services import audit
from portal.mfa import mfa_pending
from portal.security import client_ip

LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Scope:
    account: Account
    subaccount: Subaccount | None
    read_only: bool
    api_key: ApiKey | None = None
    user: object | None = None
    role: str | None = None  # a session user's portal role; None for an API key (made by an admin)

    @property
    def subaccount_id(self) -> int | None:
        return self.subaccount.pk if self.subaccount else None

    @property
    def throttle_ident(self) -> str:
        return f"key:{self.api_key.pk}" if self.api_key else f"user:{getattr(self.user, 'pk', 0)}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        raw = raw.strip()
        if not raw or " " in raw:
            raise exceptions.AuthenticationFailed("Malformed Authorization header; use 'Bearer <key>'.")
        key = ApiKey.objects.select_related("account", "subaccount", "created_by").filter(key_hash=hash_key(raw)).first()
        if key is None or key.revoked_at is not None or not key.account.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        touch_last_used(key)
        audit.set_actor(audit.api_key_actor(key, client_ip(request._request)))
        request._request.api_scope = Scope(key.account, key.subaccount, key.read_only, api_key=key, user=key.created_by)
        return (key.created_by or _KeyUser(key), key)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class _KeyUser:
    """Stands in for request.user when the key's creator was deleted."""

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, key: ApiKey) -> None:
        self.key = key


def touch_last_used(key: ApiKey) -> None:
    """At most one UPDATE per key and minute, and only when the stored time is older."""
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).exclude(last_used_at__gt=now - LAST_USED_EVERY).update(last_used_at=now)
        key.last_used_at = now


class SessionAuthentication(authentication.SessionAuthentication):
    """The browsable API: a logged-in portal user acts with their membership's reach."""

    def authenticate(self, request: Request):
        found = super().authenticate(request)
        if found is None:
            return None
        if mfa_pending(request._request):
            return None  # half logged in: the second factor is still owed
        membership = getattr(request._request, "membership", None)  # set by TenancyMiddleware
        if membership is None:
            membership = Membership.objects.select_related("account", "subaccount").filter(user=found[0]).first()
        if membership is None or not membership.account.is_active:
            return None
        subaccount = None if membership.role == Role.ADMIN else membership.subaccount
        read_only = membership.role == Role.VIEWER
        request._request.api_scope = Scope(membership.account, subaccount, read_only, user=found[0], role=membership.role)
        return found


def scope_of(request) -> Scope:
    return request._request.api_scope if isinstance(request, Request) else request.api_scope
