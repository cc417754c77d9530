"""The navigation's "Conversations" link with the number of conversations waiting unread."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

HREF = "/conversations/"


@register.simple_tag(takes_context=True)
def conversations_nav_link(context: dict[str, Any]) -> str:
    request = context["request"]
    count = _unread(request)
    current = ' aria-current="page"' if request.path.startswith(HREF) else ""
    if not count:
        return format_html('<a href="{}"{}>Conversations</a>', HREF, mark_safe(current))
    shown = "99+" if count > 99 else str(count)
    return format_html(
        '<a href="{}"{}>Conversations<span class="nav-count" aria-label="{} unread">{}</span></a>', HREF, mark_safe(current), count, shown
    )


def _unread(request) -> int:
    if getattr(request, "membership", None) is None:
        return 0
    from campaigns.models import Conversation
    from campaigns.services.conversations import unread_total
    from portal.tenancy import scoped

    return unread_total(scoped(request, Conversation.objects.all()), request.user)
