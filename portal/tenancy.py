"""Tenancy: every request knows its user's account, role and subaccount.

Views get objects through ``scoped(request, queryset)`` so another account's object is
simply not found (404), and use the role decorators for what a role may do."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from campaigns.models import Membership, Role


class TenancyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.account = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = Membership.objects.select_related("account", "subaccount").filter(user=user).first()
            if membership is not None and membership.account.is_active:
                request.membership = membership  # type: ignore[attr-defined]
                request.account = membership.account  # type: ignore[attr-defined]
        with _viewer_zone(request):
            return self.get_response(request)


def viewer_zone_name(request: HttpRequest) -> str:
    """The zone a page is shown in: the user's own choice, else the account's."""
    membership = getattr(request, "membership", None)
    if membership is not None and membership.timezone:
        return membership.timezone
    account = getattr(request, "account", None)
    return (account.timezone if account is not None else "") or "UTC"


@contextmanager
def _viewer_zone(request: HttpRequest) -> Iterator[None]:
    try:
        zone = zoneinfo.ZoneInfo(viewer_zone_name(request))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with timezone.override(zone):
        yield


def tenancy_context(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "account": getattr(request, "account", None),
        "is_admin": bool(membership and membership.is_admin),
        "is_staff": bool(getattr(request, "user", None) and request.user.is_authenticated and request.user.is_staff),
        "can_send": bool(membership and membership.can_send),
    }


def _require(roles: set[str] | None) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None and request.user.is_staff:
                return redirect("platform:accounts")  # platform staff outside any account
            if membership is None:
                raise PermissionDenied("Your user does not belong to an account.")
            if roles is not None and membership.role not in roles:
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = _require(None)  # any role: admin, marketer, viewer
sender_required = _require({Role.ADMIN, Role.MARKETER})  # may compose and launch
admin_required = _require({Role.ADMIN})


def staff_required(view: Callable) -> Callable:
    """Platform staff (Django ``is_staff``): above every account's admin; others get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("Only platform staff may do this.")
        return view(request, *args, **kwargs)

    return wrapper


def scoped(request: HttpRequest, queryset: QuerySet, *, subaccount_field: str | None = "subaccount") -> QuerySet:
    """Limit a queryset to the request's account, and a marketer's or viewer's subaccount
    (objects with no subaccount are shared by the whole account)."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    qs = queryset.filter(account=membership.account)
    if subaccount_field and not membership.is_admin and membership.subaccount_id:
        qs = qs.filter(Q(**{subaccount_field: membership.subaccount_id}) | Q(**{f"{subaccount_field}__isnull": True}))
    return qs


def bound_subaccount(request: HttpRequest):
    """The subaccount a marketer's or viewer's view is limited to; None for admins and for
    users of the whole account."""
    membership = request.membership
    return None if membership.is_admin else membership.subaccount


def get_scoped(request: HttpRequest, queryset: QuerySet, *, subaccount_field: str | None = "subaccount", **lookup: Any) -> Model:
    return get_object_or_404(scoped(request, queryset, subaccount_field=subaccount_field), **lookup)
