"""A user's notifications: the list, opening one, marking read. Each user sees only their own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from campaigns.models import Notification
from campaigns.services import notifications
from campaigns.views.admin.paging import keyset_page
from portal.tenancy import member_required


def _own(request: HttpRequest):
    return Notification.objects.filter(user=request.user, notice__account=request.membership.account)


@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = _own(request).select_related("notice")
    if request.GET.get("show") == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = keyset_page(request, rows)
    context = {"page": page, "only_unread": request.GET.get("show") == "unread", "unread": notifications.unread_count(request.user)}
    return render(request, "notifications/list.html", context)


@member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to what it is about, marking it read on the way."""
    notification = get_object_or_404(_own(request).select_related("notice"), pk=pk)
    notifications.mark_read(request.user, notification.pk)
    link = notification.notice.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications")


@member_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """POST marks read; a GET (a reloaded form target) goes to the list. The lookup comes
    first, so another user's or an impossible id is a 404 either way."""
    notification = get_object_or_404(_own(request), pk=pk)
    if request.method == "POST":
        notifications.mark_read(request.user, notification.pk)
    return redirect("notifications")


@member_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("notifications")
