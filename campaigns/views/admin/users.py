"""Users and roles: create with an initial password, change role/subaccount, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.admin_users import MembershipForm, SetPasswordForm, UserCreateForm, other_active_admins
from campaigns.models import Membership, Role
from portal.tenancy import admin_required, get_scoped, scoped


def account_memberships(request: HttpRequest):
    return scoped(request, Membership.objects.select_related("user", "subaccount"), subaccount_field=None)


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    members = account_memberships(request).order_by("-user__is_active", "role", "user__email")
    return render(request, "admin_area/users/list.html", {"members": members})


@admin_required
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, f"{member.user.email} can now log in as {member.get_role_display().lower()}.")
        return redirect("admin_area:users")
    return render(request, "admin_area/users/form.html", {"form": form, "member": None})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped(request, Membership.objects.select_related("user"), subaccount_field=None, pk=pk)
    form = MembershipForm(request.POST or None, membership=member, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{member.user.email} is now {member.get_role_display().lower()}.")
        return redirect("admin_area:users")
    return render(request, "admin_area/users/form.html", {"form": form, "member": member})


@admin_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin sets a new password for a member who lost theirs (their own: /password/)."""
    member = get_scoped(request, Membership.objects.select_related("user"), subaccount_field=None, pk=pk)
    if member.user_id == request.user.pk:
        return redirect("password_change")
    form = SetPasswordForm(request.POST or None, target_user=member.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"New password set for {member.user.email}.")
        return redirect("admin_area:users")
    return render(request, "admin_area/users/password.html", {"form": form, "member": member})


@admin_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped(request, Membership.objects.select_related("user"), subaccount_field=None, pk=pk)
    activate = request.POST.get("active") == "1"
    problem = deactivation_problem(request, member) if not activate else ""
    if problem:
        messages.error(request, problem)
        return redirect("admin_area:users")
    member.user.is_active = activate
    member.user.save(update_fields=["is_active"])
    messages.success(request, f"{member.user.email} {'can log in again' if activate else 'is deactivated and can no longer log in'}.")
    return redirect("admin_area:users")


def deactivation_problem(request: HttpRequest, member: Membership) -> str:
    if member.user_id == request.user.pk:
        return "You cannot deactivate yourself."
    if member.role == Role.ADMIN and not other_active_admins(member).exists():
        return "This is the account's last active admin."
    return ""
