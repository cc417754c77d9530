"""The bell's unread count, read once per page by the top bar."""

from __future__ import annotations

from django import template

from campaigns.services.notifications import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)
