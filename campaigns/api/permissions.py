"""Who may do what: any scope may read; read-only keys and viewers may not write; a portal
user on the session-authenticated API is held to the same role rule as the web pages."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from campaigns.models import Role

MEMBERS = frozenset({Role.ADMIN, Role.MARKETER, Role.VIEWER})  # the web's @member_required
SENDERS = frozenset({Role.ADMIN, Role.MARKETER})  # @sender_required
ADMINS = frozenset({Role.ADMIN})  # @admin_required


class HasScope(BasePermission):
    message = "Authentication credentials were not provided."

    def has_permission(self, request, view) -> bool:
        return getattr(request._request, "api_scope", None) is not None


class WriteAllowed(BasePermission):
    message = "This key is read-only."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return not request._request.api_scope.read_only


class AccountWideOnly(BasePermission):
    """For actions only an account-wide key may take (deleting a suppression, subscriptions)."""

    message = "This needs an account-wide key, not one bound to a subaccount."

    def has_permission(self, request, view) -> bool:
        return request._request.api_scope.subaccount is None


class PortalRole(BasePermission):
    """The web pages' role decorators, applied to a session user: a view declares
    ``read_roles`` and ``write_roles`` (default: members read, admins and marketers write).
    API keys are made by account admins and are limited by their own scope instead."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        role = request._request.api_scope.role
        if role is None:
            return True
        if request.method in SAFE_METHODS:
            return role in getattr(view, "read_roles", MEMBERS)
        return role in getattr(view, "write_roles", SENDERS)
