"""Who may do what: any scope may read; read-only keys and viewers may not write."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


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
